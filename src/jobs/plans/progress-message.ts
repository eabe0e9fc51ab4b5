// Keeps a plan's Slack message showing its progress, in place (chat.update) and throttled: at most one update per plan
// per interval, whichever executor asks (the slot is claimed in the plans row), and always a last one showing the
// latest state, so the message ends on "done", "failed" or "cancelled".
import type { WebClient } from '@slack/web-api';
import { planProgressMessage } from '../../bot/blocks/plan.ts';
import { claimMessageRefresh, getPlan, messageRefreshWaitMs } from '../../db/plans.ts';
import { slackErrorCode } from '../../integrations/slack.ts';
import type { StoredPlan } from '../../services/plans/stored-plan.ts';
import type { JobContext } from '../job.ts';

/** Slack allows about one update per second per message; our default interval is that. */
export const DEFAULT_PROGRESS_INTERVAL_MS = 1000;

interface Refresh {
  /** The plan changed since the last update was sent. */
  dirty: boolean;
  running: Promise<void> | null;
}

export class ProgressMessages {
  private readonly refreshes = new Map<string, Refresh>();
  private readonly lastSent = new Map<string, number>();

  constructor(
    private readonly ctx: JobContext,
    private readonly intervalMs = DEFAULT_PROGRESS_INTERVAL_MS,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** The plan changed: its message will show it, now if the interval allows, else as soon as it does. */
  touch(planId: string): void {
    let refresh = this.refreshes.get(planId);
    if (!refresh) {
      refresh = { dirty: false, running: null };
      this.refreshes.set(planId, refresh);
    }
    refresh.dirty = true;
    if (!refresh.running) {
      const current = refresh;
      current.running = this.refreshWhileDirty(planId, current).finally(() => {
        current.running = null;
      });
    }
  }

  /** Waits until every change asked for is shown. */
  async flush(): Promise<void> {
    for (;;) {
      const pending = [...this.refreshes.values()].map((r) => r.running).filter((p): p is Promise<void> => p !== null);
      if (pending.length === 0) return;
      await Promise.all(pending);
    }
  }

  private async refreshWhileDirty(planId: string, refresh: Refresh): Promise<void> {
    const { db, logger } = this.ctx;
    try {
      while (refresh.dirty) {
        // The database's slot spaces out every executor's updates; this process's own clock spaces out its sends
        // even when the event loop delayed one of them.
        const sinceSent = performance.now() - (this.lastSent.get(planId) ?? -Infinity);
        const wait = Math.max(await messageRefreshWaitMs(db, planId, this.intervalMs), Math.ceil(this.intervalMs - sinceSent));
        if (wait > 0) await this.sleep(wait);
        // Read first, then take the slot and send at once: the interval holds between the updates Slack receives.
        const plan = await getPlan(db, planId);
        const slack = this.ctx.clients.slack();
        // A draft's message is its review message, which the Slack surface owns.
        if (!plan?.message || !slack || plan.status === 'draft') return;
        if (!(await claimMessageRefresh(db, planId, this.intervalMs))) continue;
        refresh.dirty = false;
        this.lastSent.set(planId, performance.now());
        await this.update(plan, plan.message, slack);
      }
    } catch (err) {
      logger.warn({ plan: planId, err: (err as Error).message }, 'plan progress message: refresh failed');
    }
  }

  private async update(plan: StoredPlan, where: { channel: string; ts: string }, slack: WebClient): Promise<void> {
    const message = planProgressMessage(plan);
    try {
      await slack.chat.update({ channel: where.channel, ts: where.ts, text: message.text, blocks: message.blocks });
    } catch (err) {
      // A deleted message or a revoked token must not stop the plan; the next change tries again.
      this.ctx.logger.warn({ plan: plan.id, error: slackErrorCode(err) ?? (err as Error).message }, 'plan progress message: chat.update failed');
    }
  }
}
