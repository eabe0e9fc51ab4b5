// The `plan-executor` job: runs approved plans. It claims ready steps from the database (FOR UPDATE SKIP LOCKED, so
// several executors share the work), runs independent steps at the same time (bounded), tries each step 3 times with
// backoff, honours on_failure, DMs a manual step's owner a Done button and lets the steps after it wait, and keeps
// the plan's Slack message showing its progress. State lives in the database: a restarted executor takes over steps
// whose runner died, and each step's idempotency key keeps its side effects from happening twice.
//
// Throughput: a few steps are claimed ahead of a free slot, so a slot goes to the next step as soon as an action
// succeeds; the ends are written together (one round trip records the ends that came in while the previous one was
// under way, and claims the next steps). A claimed step is a running step (the plan's message shows it so): a pause
// stops claims, and a step claimed before it still runs, as one already under way finishes. A step claimed ahead of a
// plan this run saw stop (its own failed step, a cancel it read back) is given back unstarted.
import { manualStepDm } from '../bot/blocks/plan.ts';
import type { Db } from '../db/database.ts';
import { appendPlanEvent, claimReadySteps, finishStep, finishSteps, getPlan, isPlanId, markStepWaiting, planStatus, plansToResume, recordAttempt, releaseClaimedStep, type ClaimedStep, type RecordedEnd, type StepEnd } from '../db/plans.ts';
import { executeStep, planActions, StepInputError, type ActionRegistry } from '../services/plans/actions/index.ts';
import type { PlanStatus, StoredPlan, StoredStep } from '../services/plans/stored-plan.ts';
import type { JobContext, JobDefinition } from './job.ts';
import type { OutgoingMessage, Recipient } from './notifier.ts';
import { actionContextFor, errorText, rowStepMemory, StepTakenOverError, undoSteps } from './plans/action-context.ts';
import { settlePlan } from './plans/plan-settlement.ts';
import { DEFAULT_PROGRESS_INTERVAL_MS, ProgressMessages } from './plans/progress-message.ts';
import { RUNNER_ID } from './run-job.ts';

export const PLAN_EXECUTOR_DEFAULTS = {
  /** Steps running at once in one executor, over all plans. */
  concurrency: 8,
  /** Tries per step, the first included. */
  tries: 3,
  /** Wait before the second try; doubled before each further one. */
  backoffMs: 2000,
  /** A running step whose claim is older than this belongs to a runner that died: another executor takes it over. */
  staleAfterMs: 10 * 60_000,
  progressIntervalMs: DEFAULT_PROGRESS_INTERVAL_MS,
} as const;

/**
 * Steps claimed ahead of a free slot: a quarter of the concurrency, at least one. When a step's action ends its slot
 * goes at once to one of them, while its end is written to the database (with the claims that refill this supply)
 * instead of waiting for that round trip.
 */
export function defaultPrefetch(concurrency: number): number {
  return Math.max(1, Math.ceil(concurrency / 4));
}

export interface PlanExecutionOptions {
  /** Only this plan; otherwise every approved or executing plan. */
  planId?: string;
  /** Who claims the steps (host:pid by default); two executors must differ. */
  runner?: string;
  concurrency?: number;
  /** Steps claimed ahead (default: defaultPrefetch(concurrency)). */
  prefetch?: number;
  tries?: number;
  /** Tests shrink it; the retry behaviour stays. */
  backoffMs?: number;
  staleAfterMs?: number;
  progressIntervalMs?: number;
  registry?: ActionRegistry;
  sleep?: (ms: number) => Promise<void>;
}

export interface PlanExecutionSummary {
  plans: number;
  stepsStarted: number;
  completed: number;
  failed: number;
  /** Manual steps now waiting for their owner's Done. */
  waiting: number;
  /** Steps taken over from a runner that died. */
  reclaimed: number;
  retries: number;
  /** Step results this runner could not record because another runner had taken the step over. */
  lost: number;
}

type Settings = Required<Omit<PlanExecutionOptions, 'planId' | 'runner' | 'registry' | 'sleep'>> & {
  runner: string;
  registry: ActionRegistry;
  sleep: (ms: number) => Promise<void>;
};

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Where a manual step's DM goes: its owner (a config person by name, or a Slack id), else the requester. */
export function manualStepRecipient(ctx: JobContext, plan: StoredPlan, step: StoredStep): Recipient {
  const owner = step.owner;
  if (owner === null) return { channel: plan.requester.slackUserId };
  if (/^[UW][A-Z0-9]{2,}$/.test(owner)) return { channel: owner };
  const person = ctx.config.org.people.find((p) => p.name.toLowerCase() === owner.toLowerCase());
  if (!person) return { channel: plan.requester.slackUserId };
  return { person: { name: person.name, accountId: person.jira_account_id, slackUserId: person.slack_user_id ?? null, email: person.email ?? null } };
}

/** The dedupe key of a manual step's DM: one DM per step of a plan, however often the step is claimed. */
export function manualStepDmKey(planId: string, stepId: string): string {
  return `plan-step-dm:${planId}:${stepId}`;
}

function asResult(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { value: value ?? null };
}

/** How many step ends go to the database in one call at most. */
const MAX_ENDS_PER_CALL = 32;

/** Waits before writing step ends again after the database failed to take them (a restart, a failover). */
export const END_WRITE_RETRY_WAITS_MS = [250, 1000, 4000] as const;

/**
 * Step ends on their way to the database: a call goes at once when none is under way, and the ends that come in
 * meanwhile go together in the next one (a group commit). Idle, it adds no wait; under load, one round trip records
 * several ends. A call the database fails is tried again a few times: what the steps did is known only here until it
 * is written (given up, their claims go stale and another run takes them over, finding what they made by their keys).
 */
class EndQueue {
  private queued: { end: StepEnd; done: (recorded: RecordedEnd) => void; failed: (err: unknown) => void }[] = [];
  private busy = false;

  constructor(
    private readonly send: (ends: StepEnd[]) => Promise<RecordedEnd[]>,
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly onRetry: (err: unknown, waitMs: number, ends: number) => void,
  ) {}

  record(end: StepEnd): Promise<RecordedEnd> {
    return new Promise((done, failed) => {
      this.queued.push({ end, done, failed });
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queued.length > 0) {
        const batch = this.queued.splice(0, MAX_ENDS_PER_CALL);
        for (let tried = 0; ; tried += 1) {
          try {
            const recorded = await this.send(batch.map((b) => b.end));
            batch.forEach((b, i) => b.done(recorded[i] ?? { recorded: false }));
            break;
          } catch (err) {
            const waitMs = END_WRITE_RETRY_WAITS_MS[tried];
            if (waitMs === undefined) {
              for (const b of batch) b.failed(err);
              break;
            }
            this.onRetry(err, waitMs, batch.length);
            await this.sleep(waitMs);
          }
        }
      }
    } finally {
      this.busy = false;
    }
  }
}

class PlanRun {
  readonly summary: PlanExecutionSummary = { plans: 0, stepsStarted: 0, completed: 0, failed: 0, waiting: 0, reclaimed: 0, retries: 0, lost: 0 };
  private readonly plans = new Set<string>();
  /** Plans with a Slack message: only those are refreshed. */
  private readonly shown = new Set<string>();
  private readonly actor: string;
  readonly progress: ProgressMessages;

  /** Completed steps' ends on their way to the database, several to a round trip under load. */
  private readonly ends: EndQueue;

  constructor(
    private readonly ctx: JobContext,
    private readonly settings: Settings,
    /** Only this plan's steps are claimed; null for every active plan. */
    private readonly planFilter: string | null,
    /** Starts steps claimed along with step ends. */
    private readonly launch: (claimed: ClaimedStep) => void,
  ) {
    this.actor = `executor:${settings.runner}`;
    this.progress = new ProgressMessages(ctx, settings.progressIntervalMs, settings.sleep);
    this.ends = new EndQueue(
      (ends) => this.recordEnds(ends),
      settings.sleep,
      (err, waitMs, count) => ctx.logger.warn({ err: errorText(err), waitMs, ends: count }, 'plan executor: the database did not take step ends; trying again'),
    );
  }

  private get db(): Db {
    return this.ctx.db;
  }

  private touch(planId: string): void {
    if (this.shown.has(planId)) this.progress.touch(planId);
  }

  /** Steps whose action is under way: at most `concurrency`. */
  private executing = 0;
  /** Claimed steps waiting for a slot (see defaultPrefetch). */
  private readonly ready: ClaimedStep[] = [];
  /** Claims under way: what they may bring is counted before it comes. */
  private reserved = 0;
  /**
   * Plans this run saw stop (failed, paused, cancelled): a step of theirs claimed ahead is given back instead of
   * started.
   */
  private readonly stopped = new Map<string, PlanStatus>();
  /** Give-backs under way (awaited before the run ends). */
  readonly releases = new Set<Promise<void>>();

  /** How many more steps may be claimed now: one per slot, and the few held ahead. */
  claimable(): number {
    const { concurrency, prefetch } = this.settings;
    return Math.max(0, concurrency + prefetch - this.executing - this.ready.length - this.reserved);
  }

  /** Whether claimed steps are still waiting for a slot. */
  get waitingForSlot(): boolean {
    return this.ready.length > 0;
  }

  async claim(planId: string | null, limit: number): Promise<void> {
    this.reserved += limit;
    let claimed: ClaimedStep[];
    try {
      claimed = await claimReadySteps(this.db, planId, limit, this.settings.runner, { staleAfterMs: this.settings.staleAfterMs });
    } finally {
      this.reserved -= limit;
    }
    this.take(claimed);
  }

  /** Takes claimed steps on and starts as many as there are free slots. */
  private take(claimed: ClaimedStep[]): void {
    for (const c of claimed) {
      this.plans.add(c.planId);
      if (c.hasMessage) this.shown.add(c.planId);
      this.summary.plans = this.plans.size;
      this.summary.stepsStarted += 1;
      if (c.reclaimedFrom !== null) {
        this.summary.reclaimed += 1;
        this.ctx.logger.info({ plan: c.planId, step: c.step.id, from: c.reclaimedFrom }, 'plan executor: took over a step whose runner stopped');
      }
      this.touch(c.planId);
      this.ready.push(c);
    }
    this.startReady();
  }

  private startReady(): void {
    while (this.executing < this.settings.concurrency && this.ready.length > 0) {
      const next = this.ready.shift()!;
      if (this.stopped.has(next.planId)) {
        this.giveBack(next);
        continue;
      }
      this.executing += 1;
      this.launch(next);
    }
  }

  /** A step claimed ahead whose plan stopped meanwhile goes back to pending, as if never claimed. */
  private giveBack(claimed: ClaimedStep): void {
    this.summary.stepsStarted -= 1;
    const task = releaseClaimedStep(this.db, claimed.planId, claimed.step.id, this.settings.runner).then(() => undefined, (err: unknown) => {
      // Left claimed, it is taken over as a stale claim later.
      this.ctx.logger.warn({ plan: claimed.planId, step: claimed.step.id, err: errorText(err) }, 'plan executor: could not give back a step claimed ahead');
    });
    this.releases.add(task);
    void task.finally(() => this.releases.delete(task));
  }

  /** Notes what this run learnt of a plan's status: a stopped plan starts none of its steps claimed ahead. */
  private learn(planId: string, status: PlanStatus | undefined): void {
    if (status === 'failed' || status === 'paused' || status === 'cancelled') this.stopped.set(planId, status);
    // A resumed plan goes on. (A failed or cancelled one seen "executing" is a reading from before it stopped.)
    else if (status === 'executing' && this.stopped.get(planId) === 'paused') this.stopped.delete(planId);
  }

  /**
   * Runs one claimed step to its end (completed, failed, or waiting for a person). Never throws. Its slot goes to the
   * next step as soon as its action has succeeded, before its end is written (a failure keeps the slot until the plan
   * is settled, so that a stopped plan starts nothing more). The end of a step that completes claims more steps;
   * `claimedNext` false means it did not, and what the end made ready is for the caller to claim.
   */
  async run(claimed: ClaimedStep): Promise<{ claimedNext: boolean }> {
    const { planId, step } = claimed;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.executing -= 1;
      this.startReady();
    };
    try {
      if (step.action === 'manual') {
        await this.waitForPerson(claimed);
        return { claimedNext: false };
      }
      return await this.execute(claimed, release);
    } catch (err) {
      // A database or Slack failure outside the action: the claim goes stale and another run takes the step over.
      this.ctx.logger.error({ plan: planId, step: step.id, err: errorText(err) }, 'plan executor: step could not be run');
      return { claimedNext: false };
    } finally {
      release();
      this.touch(planId);
    }
  }

  /** Writes step ends in one round trip, claiming with them whatever this run has room for, and starts those. */
  private async recordEnds(ends: StepEnd[]): Promise<RecordedEnd[]> {
    const limit = this.claimable();
    this.reserved += limit;
    let done: Awaited<ReturnType<typeof finishSteps>>;
    try {
      done = await finishSteps(this.db, this.settings.runner, ends, { limit, planId: this.planFilter, staleAfterMs: this.settings.staleAfterMs });
    } finally {
      this.reserved -= limit;
    }
    ends.forEach((e, i) => {
      const recorded = done.ends[i];
      if (recorded?.recorded) this.learn(e.planId, recorded.planStatus);
    });
    this.take(done.claimed);
    return done.ends;
  }

  private async execute(claimed: ClaimedStep, release: () => void): Promise<{ claimedNext: boolean }> {
    const { runner, tries, backoffMs, registry } = this.settings;
    const { planId, step } = claimed;
    const triedBefore = step.attempts - 1;
    // A step taken over after its runner used every try still gets one: its last try may not have finished.
    const limit = Math.max(tries, step.attempts);
    let attempt = step.attempts;
    let checkpoint = claimed.checkpoint;
    for (;;) {
      const memory = rowStepMemory(this.db, planId, { stepId: step.id, runner, attempt, checkpoint, firstStartedAt: claimed.firstStartedAt });
      const actionCtx = actionContextFor(this.ctx, { id: planId, requester: claimed.requester }, claimed.idempotencyKey, memory);
      let outcome: { result: Record<string, unknown> } | { error: unknown };
      try {
        outcome = { result: asResult(await executeStep(step, claimed.results, actionCtx, registry)) };
      } catch (err) {
        outcome = { error: err };
      }
      checkpoint = memory.saved === null ? null : { ...memory.saved };
      if ('result' in outcome) {
        release();
        return this.succeed(claimed, outcome.result, attempt);
      }
      if (outcome.error instanceof StepTakenOverError) return this.lose(planId, step.id);

      const error = errorText(outcome.error);
      if (outcome.error instanceof StepInputError || attempt >= limit) return this.fail(claimed, error, attempt);
      const waitMs = backoffMs * 2 ** Math.max(0, attempt - 1 - triedBefore);
      this.summary.retries += 1;
      await appendPlanEvent(this.db, { planId, stepId: step.id, actor: this.actor, kind: 'step_retry', detail: { attempt, error, wait_ms: waitMs } });
      this.touch(planId);
      await this.settings.sleep(waitMs);
      if ((await planStatus(this.db, planId)) === 'cancelled') return this.fail(claimed, `${error} (not tried again: the plan was cancelled)`, attempt);
      const next = await recordAttempt(this.db, planId, step.id, runner);
      if (next === undefined) return this.lose(planId, step.id);
      attempt = next;
    }
  }

  private async succeed(claimed: ClaimedStep, result: Record<string, unknown>, attempt: number): Promise<{ claimedNext: boolean }> {
    const { planId, step } = claimed;
    const end = await this.ends.record({ planId, stepId: step.id, status: 'completed', result, event: { actor: this.actor, kind: 'step_completed', detail: { attempts: attempt, result } } });
    if (!end.recorded) return this.lose(planId, step.id);
    this.summary.completed += 1;
    // Settled under the plan's lock when the end made a difference (the finish said so, under the same lock).
    const settling = end.needsSettling ? settlePlan(this.db, planId, this.actor).then((status) => this.learn(planId, status)) : Promise.resolve();
    // Cancelled with rollback while this step ran: what it just did is undone too.
    if (end.planStatus === 'cancelled' && end.rollbackRequested) {
      const plan = await getPlan(this.db, planId);
      if (plan) await undoSteps(this.ctx, this.db, plan, plan.steps.filter((s) => s.id === step.id), this.actor, this.settings.registry);
    }
    await settling;
    // A settlement may change what is ready: then the caller claims again.
    return { claimedNext: !end.needsSettling };
  }

  private async fail(claimed: ClaimedStep, error: string, attempt: number): Promise<{ claimedNext: boolean }> {
    const { planId, step } = claimed;
    const end = await finishStep(this.db, { planId, stepId: step.id, runner: this.settings.runner, status: 'failed', error, event: { actor: this.actor, kind: 'step_failed', detail: { attempts: attempt, error } } });
    if (!end.recorded) return this.lose(planId, step.id);
    this.summary.failed += 1;
    this.ctx.logger.warn({ plan: planId, step: step.id, attempts: attempt, error }, 'plan step failed');
    this.learn(planId, end.planStatus);
    if (end.needsSettling) this.learn(planId, await settlePlan(this.db, planId, this.actor));
    return { claimedNext: false };
  }

  private lose(planId: string, stepId: string): { claimedNext: boolean } {
    this.summary.lost += 1;
    this.ctx.logger.warn({ plan: planId, step: stepId }, 'plan executor: the step was taken over by another runner; its result there decides');
    return { claimedNext: false };
  }

  /** A manual step: DM its owner a Done button (once per step, through the ledger), then let it wait. */
  private async waitForPerson(claimed: ClaimedStep): Promise<void> {
    const { planId, step } = claimed;
    const plan = await getPlan(this.db, planId);
    if (!plan) return;
    const notifier = this.ctx.notifier.forJob('plan-executor');
    const dm = manualStepDm(plan, { ...step, status: 'running' });
    const message = (to: Recipient, key: string): OutgoingMessage => ({ dedupeKey: key, to, text: dm.text, blocks: dm.blocks });
    const to = manualStepRecipient(this.ctx, plan, step);
    let sent = await notifier.send(message(to, manualStepDmKey(planId, step.id)));
    let waitingOn = 'channel' in to ? to.channel : to.person.name;
    if (sent.status === 'unreachable' || sent.status === 'failed') {
      const reason = sent.status === 'unreachable' ? sent.reason : sent.error;
      await appendPlanEvent(this.db, { planId, stepId: step.id, actor: this.actor, kind: 'dm_failed', detail: { to: waitingOn, reason } });
      // The requester can press Done too: they get the task instead of nobody.
      sent = await notifier.send(message({ channel: plan.requester.slackUserId }, `${manualStepDmKey(planId, step.id)}:requester`));
      waitingOn = plan.requester.slackUserId;
    }
    if (!(await markStepWaiting(this.db, planId, step.id, this.settings.runner, waitingOn))) {
      this.lose(planId, step.id);
      return;
    }
    this.summary.waiting += 1;
    await appendPlanEvent(this.db, { planId, stepId: step.id, actor: this.actor, kind: 'step_waiting', detail: { waiting_on: waitingOn, dm: sent.status } });
  }
}

/**
 * Runs ready steps until none is left to start in the plans it looks at (a plan waiting only for a person's Done, or
 * paused, is left for a later run), then brings their Slack messages up to date.
 */
export async function executePlans(ctx: JobContext, options: PlanExecutionOptions = {}): Promise<PlanExecutionSummary> {
  const settings: Settings = {
    concurrency: Math.max(1, options.concurrency ?? PLAN_EXECUTOR_DEFAULTS.concurrency),
    prefetch: Math.max(0, options.prefetch ?? defaultPrefetch(options.concurrency ?? PLAN_EXECUTOR_DEFAULTS.concurrency)),
    tries: Math.max(1, options.tries ?? PLAN_EXECUTOR_DEFAULTS.tries),
    backoffMs: options.backoffMs ?? PLAN_EXECUTOR_DEFAULTS.backoffMs,
    staleAfterMs: options.staleAfterMs ?? PLAN_EXECUTOR_DEFAULTS.staleAfterMs,
    progressIntervalMs: options.progressIntervalMs ?? PLAN_EXECUTOR_DEFAULTS.progressIntervalMs,
    runner: options.runner ?? RUNNER_ID,
    registry: options.registry ?? planActions,
    sleep: options.sleep ?? sleepFor,
  };
  const planFilter = options.planId ?? null;
  const running = new Set<Promise<void>>();
  // Ends whose successors nobody has claimed yet (a step that failed, waits for a person, …), and a way to wake the
  // loop below for them or when nothing runs any more. A step that completes claims its successors itself.
  let unclaimedEnds = 0;
  let wake: () => void = () => {};
  const launch = (claimed: ClaimedStep): void => {
    const ended = ({ claimedNext }: { claimedNext: boolean }): void => {
      running.delete(task);
      if (!claimedNext) unclaimedEnds += 1;
      if (!claimedNext || running.size === 0) wake();
    };
    // run() reports its own failures; should it still throw, the loop must not wait for this step forever.
    const task: Promise<void> = run.run(claimed).then(ended, () => ended({ claimedNext: false }));
    running.add(task);
  };
  const run = new PlanRun(ctx, settings, planFilter, launch);
  // Asked about one plan (a click just approved, resumed or settled it): its message shows where it stands now.
  if (options.planId && isPlanId(options.planId)) run.progress.touch(options.planId);
  try {
    for (;;) {
      const before = unclaimedEnds;
      const woken = new Promise<void>((resolve) => (wake = resolve));
      const room = run.claimable();
      if (room > 0) await run.claim(planFilter, room);
      // An end while the claim was under way may have made steps ready that it missed.
      if (unclaimedEnds !== before) continue;
      if (running.size === 0 && !run.waitingForSlot) break;
      await woken;
    }
  } finally {
    // Steps still running (the loop stopped on an error) end first; their ends may start no new ones then.
    while (running.size > 0) await Promise.all(running);
    await Promise.all(run.releases);
    await run.progress.flush();
  }
  return run.summary;
}

export const planExecutorJob: JobDefinition = {
  name: 'plan-executor',
  description: 'Runs approved /plan plans: ready steps in dependency order, retries, manual-step DMs, progress in Slack',
  schedule: '*/15 * * * * *',
  graceMs: 0,
  async run(ctx, { dryRun }) {
    if (dryRun) {
      // A dry run writes nothing, and running a step is writing: report what is waiting to run.
      const active = await plansToResume(ctx.db);
      return { dryRun: true, activePlans: active.length };
    }
    return { ...(await executePlans(ctx)) };
  },
};
