// The Slack fake's chat.* methods: post, update, ephemeral, delete, and scheduled messages, with Block Kit checked as
// Slack checks it.
import { BLOCK_KIT_LIMITS, checkMessageBlocks } from './block-kit-limits.ts';
import { refuse, SlackApiError, type Answer, type Args } from './slack-requests.ts';
import type { SlackWorkspace } from './slack-workspace.ts';

const SCHEDULE_HORIZON_S = 120 * 24 * 3600;

export class SlackChat {
  constructor(private readonly ws: SlackWorkspace) {}

  /** Text and blocks of a new message, checked as Slack checks them. */
  private content(args: Args): { text: string; blocks: unknown[] } {
    refuse(checkMessageBlocks(args.blocks));
    const blocks = Array.isArray(args.blocks) ? args.blocks : [];
    const text = typeof args.text === 'string' ? args.text.slice(0, BLOCK_KIT_LIMITS.messageText) : '';
    const hasAttachments = Array.isArray(args.attachments) && args.attachments.length > 0;
    if (text.trim() === '' && blocks.length === 0 && !hasAttachments) throw new SlackApiError('no_text');
    return { text, blocks };
  }

  postMessage(args: Args): Answer {
    const channel = this.ws.resolveChannel(args.channel);
    const { text, blocks } = this.content(args);
    const threadTs = typeof args.thread_ts === 'string' && args.thread_ts !== '' ? args.thread_ts : undefined;
    const metadata = messageMetadata(args.metadata);
    const m = this.ws.record({ channel, ts: this.ws.nextTs(), text, blocks, threadTs, kind: 'message', ...(metadata ? { metadata } : {}) });
    return { ok: true, channel, ts: m.ts, message: this.ws.messageJson(m) };
  }

  updateMessage(args: Args): Answer {
    const channel = this.ws.resolveChannel(args.channel);
    const ephemeral = this.ws.messages.find((x) => x.channel === channel && x.ts === args.ts && x.kind === 'ephemeral');
    if (ephemeral) throw new SlackApiError('cant_update_message');
    const m = this.ws.findMessage(channel, args.ts);
    if (args.text === undefined && args.blocks === undefined && args.attachments === undefined) throw new SlackApiError('no_text');
    refuse(checkMessageBlocks(args.blocks));
    const text = typeof args.text === 'string' ? args.text.slice(0, BLOCK_KIT_LIMITS.messageText) : undefined;
    this.ws.replaceContent(m, text, Array.isArray(args.blocks) ? args.blocks : undefined);
    return { ok: true, channel, ts: m.ts, text: m.text, message: this.ws.messageJson(m) };
  }

  postEphemeral(args: Args): Answer {
    const channel = this.ws.resolveChannel(args.channel);
    const user = this.ws.knownUser(args.user).id;
    if (!this.ws.membersOf(channel).includes(user)) throw new SlackApiError('user_not_in_channel');
    const { text, blocks } = this.content(args);
    const threadTs = typeof args.thread_ts === 'string' && args.thread_ts !== '' ? args.thread_ts : undefined;
    const m = this.ws.record({ channel, ts: this.ws.nextTs(), user, text, blocks, threadTs, kind: 'ephemeral' });
    return { ok: true, message_ts: m.ts };
  }

  deleteMessage(args: Args): Answer {
    const channel = this.ws.resolveChannel(args.channel);
    const m = this.ws.findMessage(channel, args.ts);
    if (m.kind === 'ephemeral') throw new SlackApiError('cant_delete_message');
    this.ws.remove(m);
    return { ok: true, channel, ts: m.ts };
  }

  scheduleMessage(args: Args): Answer {
    const channel = this.ws.resolveChannel(args.channel);
    const postAt = Number(args.post_at);
    if (!Number.isInteger(postAt)) throw new SlackApiError('invalid_time');
    const nowS = Math.floor(this.ws.nowMs() / 1000);
    if (postAt <= nowS) throw new SlackApiError('time_in_past');
    if (postAt > nowS + SCHEDULE_HORIZON_S) throw new SlackApiError('time_too_far');
    const { text, blocks } = this.content(args);
    const id = `Q${String(this.ws.nextNumber()).padStart(9, '0')}`;
    const threadTs = typeof args.thread_ts === 'string' && args.thread_ts !== '' ? args.thread_ts : undefined;
    const m = this.ws.record({ channel, ts: `${postAt}.000000`, text, blocks, threadTs, kind: 'scheduled', postAt, scheduledMessageId: id });
    return {
      ok: true,
      channel,
      scheduled_message_id: id,
      post_at: postAt,
      message: { ...this.ws.messageJson(m), type: 'delayed_message', subtype: 'bot_message', ts: undefined },
    };
  }

  deleteScheduledMessage(args: Args): Answer {
    const channel = this.ws.resolveChannel(args.channel);
    const m = this.ws.messages.find((x) => x.kind === 'scheduled' && x.scheduledMessageId === args.scheduled_message_id);
    if (!m || m.channel !== channel) throw new SlackApiError('invalid_scheduled_message_id');
    this.ws.remove(m);
    return { ok: true };
  }

  /**
   * Pending scheduled messages, soonest first: `oldest`/`latest` bound post_at (Unix seconds; `oldest` must be less
   * than `latest`), `limit` a page (default 100), and a `next_cursor` while more remain.
   */
  listScheduledMessages(args: Args): Answer {
    const channel = args.channel === undefined ? undefined : this.ws.resolveChannel(args.channel);
    const oldest = args.oldest === undefined ? undefined : Number(args.oldest);
    const latest = args.latest === undefined ? undefined : Number(args.latest);
    if ((oldest !== undefined && Number.isNaN(oldest)) || (latest !== undefined && Number.isNaN(latest))) throw new SlackApiError('invalid_arguments');
    if (oldest !== undefined && latest !== undefined && oldest >= latest) throw new SlackApiError('invalid_arguments');
    const limit = args.limit === undefined ? 100 : Math.max(1, Math.min(1000, Number(args.limit) || 100));
    let offset = 0;
    if (args.cursor !== undefined && args.cursor !== '') {
      const m = /^offset:(\d+)$/.exec(Buffer.from(String(args.cursor), 'base64').toString('utf8'));
      if (!m) throw new SlackApiError('invalid_cursor');
      offset = Number(m[1]);
    }
    const all = this.ws.messages
      .filter((m) => m.kind === 'scheduled' && (channel === undefined || m.channel === channel))
      .filter((m) => (oldest === undefined || m.postAt! >= oldest) && (latest === undefined || m.postAt! <= latest))
      .sort((a, b) => a.postAt! - b.postAt! || String(a.scheduledMessageId).localeCompare(String(b.scheduledMessageId)));
    const page = all.slice(offset, offset + limit).map((m) => ({ id: m.scheduledMessageId, channel_id: m.channel, post_at: m.postAt, date_created: Math.floor(this.ws.nowMs() / 1000), text: m.text }));
    const next = offset + limit < all.length ? Buffer.from(`offset:${offset + limit}`).toString('base64') : '';
    return { ok: true, scheduled_messages: page, response_metadata: { next_cursor: next } };
  }
}

/** Message metadata as Slack takes it, `{event_type, event_payload}`, kept for conversations.history to give back. */
function messageMetadata(value: unknown): { event_type: string; event_payload: Record<string, unknown> } | undefined {
  if (value === undefined || value === '') return undefined;
  const m = value as { event_type?: unknown; event_payload?: unknown } | null;
  if (typeof m !== 'object' || m === null || typeof m.event_type !== 'string' || m.event_type === '' || typeof m.event_payload !== 'object' || m.event_payload === null || Array.isArray(m.event_payload)) {
    throw new SlackApiError('invalid_metadata_format');
  }
  return { event_type: m.event_type, event_payload: m.event_payload as Record<string, unknown> };
}
