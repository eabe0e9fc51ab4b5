// The Slack fake's conversations.* and users.* methods: opening DMs and group DMs, reading a conversation's history,
// channel and user info, lookup by email.
import type { SlackUserRecord } from '../agency-data.ts';
import { SlackApiError, type Answer, type Args } from './slack-requests.ts';
import type { SlackFakeMessage, SlackWorkspace } from './slack-workspace.ts';

/** conversations.history's page size when `limit` is absent, and the most it gives (Slack's docs: 100 and 999). */
const HISTORY_DEFAULT_LIMIT = 100;
const HISTORY_MAX_LIMIT = 999;

export class SlackConversations {
  constructor(private readonly ws: SlackWorkspace) {}

  openConversation(args: Args): Answer {
    if (typeof args.channel === 'string') return { ok: true, channel: { id: this.ws.resolveChannel(args.channel, false) } };
    const users = typeof args.users === 'string' ? args.users.split(',').map((u) => u.trim()).filter(Boolean) : [];
    if (users.length === 0) throw new SlackApiError('users_list_not_supplied');
    for (const u of users) this.ws.knownUser(u);
    if (users.length === 1) {
      const { id, alreadyOpen } = this.ws.openDm(users[0]!);
      return { ok: true, ...(alreadyOpen ? { no_op: true, already_open: true } : {}), channel: { id } };
    }
    const key = [...users].sort().join(',');
    const existing = [...this.ws.groupDms.entries()].find(([, members]) => [...members].sort().join(',') === key);
    if (existing) return { ok: true, no_op: true, already_open: true, channel: { id: existing[0] } };
    const id = `G0MPDM${this.ws.nextNumber()}`;
    this.ws.groupDms.set(id, users);
    return { ok: true, channel: { id } };
  }

  /**
   * conversations.history as Slack answers it: the conversation's messages newest first, thread replies and what only
   * one person sees (ephemeral, scheduled) left out; `oldest`/`latest` bound the range, both exclusive unless
   * `inclusive`; `limit` messages a page, `has_more` and a `next_cursor` while older ones remain (no
   * `response_metadata` on the last page); `metadata` on a message only with `include_all_metadata`.
   */
  history(args: Args): Answer {
    const channel = this.conversationId(args.channel);
    const inclusive = isTrue(args.inclusive);
    const oldest = args.oldest === undefined || args.oldest === '' ? undefined : tsMicros(args.oldest, 'invalid_ts_oldest');
    const latest = args.latest === undefined || args.latest === '' ? undefined : tsMicros(args.latest, 'invalid_ts_latest');
    const from = args.cursor === undefined || args.cursor === '' ? undefined : cursorMicros(args.cursor);
    const limit = pageSize(args.limit);
    const withMetadata = isTrue(args.include_all_metadata);

    const inRange = this.ws.messages
      .filter((m) => m.channel === channel && isInHistory(m))
      .map((m) => ({ m, at: tsMicros(m.ts, 'invalid_ts') }))
      .filter(({ at }) => (oldest === undefined || at > oldest || (inclusive && at === oldest)) && (latest === undefined || at < latest || (inclusive && at === latest)))
      .filter(({ at }) => from === undefined || at <= from)
      .sort((a, b) => b.at - a.at);
    const page = inRange.slice(0, limit);
    const next = inRange[limit];
    return {
      ok: true,
      messages: page.map(({ m }) => ({ ...this.ws.messageJson(m), ...(withMetadata && m.metadata !== undefined ? { metadata: m.metadata } : {}) })),
      has_more: next !== undefined,
      pin_count: 0,
      channel_actions_ts: null,
      channel_actions_count: 0,
      ...(typeof args.latest === 'string' && args.latest !== '' ? { latest: args.latest } : {}),
      ...(next ? { response_metadata: { next_cursor: Buffer.from(`next_ts:${next.m.ts}`).toString('base64') } } : {}),
    };
  }

  /** A conversation's id as the conversations.* reading methods take it: C…/G…/D… only, no user id and no name. */
  private conversationId(value: unknown): string {
    if (typeof value === 'string' && (this.ws.channels.has(value) || this.ws.userOfDmChannel.has(value) || this.ws.groupDms.has(value))) return value;
    throw new SlackApiError('channel_not_found');
  }

  channelJson(id: string): Answer {
    const dmUser = this.ws.userOfDmChannel.get(id);
    if (dmUser) return { id, created: 0, is_im: true, is_org_shared: false, user: dmUser, is_open: true };
    const group = this.ws.groupDms.get(id);
    if (group) return { id, name: `mpdm-${group.join('--')}-1`, is_mpim: true, is_private: true, is_member: true, num_members: group.length };
    const c = this.ws.channels.get(id)!;
    return {
      id,
      name: c.name,
      is_channel: !c.isPrivate,
      is_group: Boolean(c.isPrivate),
      is_im: false,
      is_mpim: false,
      is_private: Boolean(c.isPrivate),
      is_archived: false,
      is_member: true,
      num_members: c.members.length,
    };
  }

  userJson(u: SlackUserRecord): Answer {
    return {
      id: u.id,
      team_id: this.ws.bot.teamId,
      name: u.name,
      real_name: u.realName,
      deleted: false,
      is_bot: Boolean(u.isBot),
      tz: u.tz ?? 'America/New_York',
      profile: { real_name: u.realName, display_name: u.name, ...(u.email ? { email: u.email } : {}) },
    };
  }

  lookupByEmail(args: Args): Answer {
    const email = typeof args.email === 'string' ? args.email.toLowerCase() : '';
    const user = [...this.ws.users.values()].find((u) => u.email?.toLowerCase() === email);
    if (!user) throw new SlackApiError('users_not_found');
    return { ok: true, user: this.userJson(user) };
  }
}

/** What a channel's history shows: messages everyone sees, not replies inside a thread. */
function isInHistory(m: SlackFakeMessage): boolean {
  if (m.kind === 'ephemeral' || m.kind === 'scheduled') return false;
  if (m.kind === 'response_url' && m.user !== undefined) return false;
  return m.threadTs === undefined || m.threadTs === m.ts;
}

/** A ts ("1700000000.000100", or whole seconds) in microseconds, so ts compare as numbers. */
function tsMicros(value: unknown, error: string): number {
  const m = typeof value === 'string' || typeof value === 'number' ? /^(\d{1,12})(?:\.(\d{1,6}))?$/.exec(String(value)) : null;
  if (!m) throw new SlackApiError(error);
  return Number(m[1]) * 1e6 + Number((m[2] ?? '').padEnd(6, '0'));
}

/** Our cursors are Slack's shape: base64 of `next_ts:<ts of the next, older, message>`. */
function cursorMicros(cursor: unknown): number {
  const text = typeof cursor === 'string' ? Buffer.from(cursor, 'base64').toString('utf8') : '';
  const m = /^next_ts:(\d+\.\d{6})$/.exec(text);
  if (!m) throw new SlackApiError('invalid_cursor');
  return tsMicros(m[1], 'invalid_cursor');
}

function pageSize(limit: unknown): number {
  const n = Number(limit);
  if (limit === undefined || limit === '' || !Number.isInteger(n) || n < 1) return HISTORY_DEFAULT_LIMIT;
  return Math.min(n, HISTORY_MAX_LIMIT);
}

/** A boolean argument: form posts send "true" or "1". */
function isTrue(value: unknown): boolean {
  return value === true || value === 1 || value === 'true' || value === '1';
}
