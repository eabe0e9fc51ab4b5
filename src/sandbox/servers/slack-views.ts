// The Slack fake's modals and App Home: trigger ids (one use, within 3 s), views.open/push/update/publish with
// hashes, view stacks and external ids, checked against Block Kit's limits.
import { randomBytes } from 'node:crypto';
import { BLOCK_KIT_LIMITS, checkView } from './block-kit-limits.ts';
import { refuse, SlackApiError, type Answer, type Args } from './slack-requests.ts';
import type { SlackWorkspace } from './slack-workspace.ts';

export interface SlackFakeView {
  id: string;
  type: 'modal' | 'home';
  userId: string;
  /** The view as last sent (title, blocks, private_metadata, callback_id …). */
  view: Record<string, unknown>;
  hash: string;
  rootViewId: string;
  previousViewId: string | null;
  updates: number;
}

const TRIGGER_LIFETIME_MS = 3000;

export class SlackViews {
  readonly views: SlackFakeView[] = [];
  private readonly triggers = new Map<string, { userId: string; mintedAt: number; used: boolean }>();

  constructor(private readonly ws: SlackWorkspace) {}

  /** A trigger_id as Slack puts in an interaction payload: one use, within 3 s. */
  mintTriggerId(userId: string): string {
    const id = `${Math.floor(this.ws.nowMs() / 1000)}.${this.ws.nextNumber()}.${randomBytes(8).toString('hex')}`;
    this.triggers.set(id, { userId, mintedAt: this.ws.nowMs(), used: false });
    return id;
  }

  private exchangeTrigger(triggerId: unknown): string {
    if (typeof triggerId !== 'string' || !/^\d+\.\d+\.[0-9a-f]+$/.test(triggerId)) throw new SlackApiError('invalid_trigger_id');
    const trigger = this.triggers.get(triggerId);
    if (!trigger) throw new SlackApiError('invalid_trigger_id');
    if (trigger.used) throw new SlackApiError('exchanged_trigger_id');
    if (this.ws.nowMs() - trigger.mintedAt > TRIGGER_LIFETIME_MS) throw new SlackApiError('expired_trigger_id');
    trigger.used = true;
    return trigger.userId;
  }

  private checkedView(value: unknown, type?: 'modal' | 'home'): Record<string, unknown> {
    refuse(checkView(value));
    const view = value as Record<string, unknown>;
    if (type && view.type !== type) {
      throw new SlackApiError('invalid_arguments', { response_metadata: { messages: [`[ERROR] must be ${type} [json-pointer:/view/type]`] } });
    }
    const externalId = view.external_id;
    if (typeof externalId === 'string' && externalId !== '' && this.views.some((v) => v.view.external_id === externalId)) {
      throw new SlackApiError('duplicate_external_id');
    }
    return view;
  }

  private newHash(): string {
    return `${Math.floor(this.ws.nowMs() / 1000)}.${randomBytes(4).toString('hex')}`;
  }

  private newView(userId: string, view: Record<string, unknown>, root?: SlackFakeView, previous?: SlackFakeView): SlackFakeView {
    const id = `V0SANDBOX${String(this.ws.nextNumber()).padStart(4, '0')}`;
    const record: SlackFakeView = {
      id,
      type: view.type as 'modal' | 'home',
      userId,
      view,
      hash: this.newHash(),
      rootViewId: root?.id ?? id,
      previousViewId: previous?.id ?? null,
      updates: 0,
    };
    this.views.push(record);
    return record;
  }

  private viewJson(v: SlackFakeView): Answer {
    return {
      ...v.view,
      id: v.id,
      team_id: this.ws.bot.teamId,
      private_metadata: v.view.private_metadata ?? '',
      callback_id: v.view.callback_id ?? '',
      external_id: v.view.external_id ?? '',
      state: { values: {} },
      hash: v.hash,
      clear_on_close: Boolean(v.view.clear_on_close),
      notify_on_close: Boolean(v.view.notify_on_close),
      root_view_id: v.rootViewId,
      previous_view_id: v.previousViewId,
      app_id: 'A0SANDBOX',
      bot_id: this.ws.bot.botId,
    };
  }

  openView(args: Args): Answer {
    const userId = this.exchangeTrigger(args.trigger_id ?? args.interactivity_pointer);
    return { ok: true, view: this.viewJson(this.newView(userId, this.checkedView(args.view, 'modal'))) };
  }

  pushView(args: Args): Answer {
    const userId = this.exchangeTrigger(args.trigger_id ?? args.interactivity_pointer);
    const top = this.views.filter((v) => v.type === 'modal' && v.userId === userId).at(-1);
    if (!top) throw new SlackApiError('not_found');
    const stack = this.views.filter((v) => v.rootViewId === top.rootViewId);
    if (stack.length >= BLOCK_KIT_LIMITS.viewPushDepth) throw new SlackApiError('push_limit_reached');
    const root = stack[0]!;
    return { ok: true, view: this.viewJson(this.newView(userId, this.checkedView(args.view, 'modal'), root, top)) };
  }

  updateView(args: Args): Answer {
    const current = this.views.find((v) => (args.view_id !== undefined ? v.id === args.view_id : v.view.external_id === args.external_id));
    if (!current || (args.view_id === undefined && args.external_id === undefined)) throw new SlackApiError('not_found');
    if (typeof args.hash === 'string' && args.hash !== current.hash) throw new SlackApiError('hash_conflict');
    refuse(checkView(args.view));
    this.replaceView(current, args.view as Record<string, unknown>);
    return { ok: true, view: this.viewJson(current) };
  }

  publishView(args: Args): Answer {
    const userId = this.ws.knownUser(args.user_id).id;
    const current = this.views.find((v) => v.type === 'home' && v.userId === userId);
    if (current && typeof args.hash === 'string' && args.hash !== current.hash) throw new SlackApiError('hash_conflict');
    refuse(checkView(args.view));
    const view = args.view as Record<string, unknown>;
    if (view.type !== 'home') {
      throw new SlackApiError('invalid_arguments', { response_metadata: { messages: ['[ERROR] must be home [json-pointer:/view/type]'] } });
    }
    if (current) this.replaceView(current, view);
    return { ok: true, view: this.viewJson(current ?? this.newView(userId, view)) };
  }

  private replaceView(v: SlackFakeView, view: Record<string, unknown>): void {
    v.view = view;
    v.hash = this.newHash();
    v.updates += 1;
  }
}
