// A fake Slack Web API on 127.0.0.1: what @slack/web-api and Bolt call (`slackApiUrl` = `fake.apiUrl`), answering the
// way Slack does (HTTP 200 `{ok:false,error}` for errors, 429 + Retry-After for rate limits), plus the file upload
// host and response_url endpoints. It keeps what a person would see in Slack — messages, DMs, files, views — so tests
// and the demo can show and assert it. Faithful to API-NOTES §4; where unsure it is stricter than Slack.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import { systemClock } from '../../clock.ts';
import type { AgencyData, SlackChannelRecord, SlackUserRecord } from '../agency-data.ts';
import { checkMessageBlocks, checkView, BLOCK_KIT_LIMITS, type BlockKitVerdict } from './block-kit-limits.ts';
import { FakeServer, type FakeRequest, type FakeResponse } from './fake-server.ts';

export const SANDBOX_SLACK_BOT_TOKEN = 'xoxb-sandbox-bot-token';

export interface SlackFakeOptions {
  /** The only token accepted (default SANDBOX_SLACK_BOT_TOKEN). */
  botToken?: string;
  latencyMs?: number;
  /** Calls allowed per method per window (default window: one minute), e.g. `{ 'chat.postMessage': 50 }`. */
  rateLimits?: Partial<Record<string, number>>;
  /** Length of the rate-limit window; tests shorten it so a burst clears in seconds. */
  rateLimitWindowMs?: number;
  /** "Now" for timestamps, scheduling, trigger and response_url expiry (rate limits always use real time). */
  clock?: Clock;
  botUserId?: string;
  teamId?: string;
}

export type SlackFakeMessageKind = 'message' | 'ephemeral' | 'scheduled' | 'response_url';

/** A message as a person would see it in Slack. */
export interface SlackFakeMessage {
  channel: string;
  ts: string;
  /** The only person who sees it (ephemeral messages and ephemeral response_url answers). */
  user?: string;
  text: string;
  blocks: unknown[];
  threadTs?: string;
  kind: SlackFakeMessageKind;
  /** How many times chat.update / replace_original changed it. */
  updates: number;
  /** Earlier versions, oldest first. */
  versions: { text: string; blocks: unknown[] }[];
  /** File ids shared with this message (files.completeUploadExternal). */
  files?: string[];
  /** Scheduled messages: when Slack would post it (epoch seconds) and its id. */
  postAt?: number;
  scheduledMessageId?: string;
  metadata?: unknown;
}

export interface SlackFakeFile {
  id: string;
  filename: string;
  title?: string;
  /** The length announced in files.getUploadURLExternal. */
  length: number;
  /** The bytes POSTed to the upload URL (undefined until then). */
  bytes?: Buffer;
  completed: boolean;
  channelId?: string;
  threadTs?: string;
  initialComment?: string;
}

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

type Args = Record<string, unknown>;
type Answer = Record<string, unknown>;

/** A Web API error: answered as HTTP 200 `{ok:false, error, ...extra}`. */
class SlackApiError extends Error {
  constructor(
    readonly error: string,
    readonly extra: Answer = {},
  ) {
    super(error);
  }
}

function refuse(verdict: BlockKitVerdict): void {
  if (verdict.ok) return;
  throw new SlackApiError(verdict.error, {
    errors: verdict.problems,
    response_metadata: { messages: verdict.problems.map((p) => `[ERROR] ${p}`) },
  });
}

const TRIGGER_LIFETIME_MS = 3000;
const RESPONSE_URL_LIFETIME_MS = 30 * 60 * 1000;
const RESPONSE_URL_USES = 5;
const SCHEDULE_HORIZON_S = 120 * 24 * 3600;

export class SlackFake extends FakeServer {
  readonly messages: SlackFakeMessage[] = [];
  /** Messages removed by chat.delete, chat.deleteScheduledMessage or delete_original. */
  readonly deletedMessages: SlackFakeMessage[] = [];
  readonly files: SlackFakeFile[] = [];
  readonly views: SlackFakeView[] = [];
  readonly botToken: string;
  readonly botUserId: string;
  readonly botId = 'B0SANDBOX';
  readonly teamId: string;
  private readonly clock: Clock;
  private readonly rateLimits: Partial<Record<string, number>>;
  private readonly rateLimitWindowMs: number;
  private readonly users = new Map<string, SlackUserRecord>();
  private readonly channels = new Map<string, SlackChannelRecord>();
  private readonly dmOfUser = new Map<string, string>();
  private readonly userOfDmChannel = new Map<string, string>();
  private readonly groupDms = new Map<string, string[]>();
  private readonly triggers = new Map<string, { userId: string; mintedAt: number; used: boolean }>();
  private readonly responseUrls = new Map<string, { channelId: string; userId?: string; messageTs?: string; mintedAt: number; uses: number }>();
  private readonly callTimes = new Map<string, number[]>();
  private lastTsMicros = 0;
  private counter = 0;
  private readonly methods: Record<string, (args: Args) => Answer>;

  constructor(data: AgencyData['slack'], options: SlackFakeOptions = {}) {
    super('slack', { latencyMs: options.latencyMs });
    this.botToken = options.botToken ?? SANDBOX_SLACK_BOT_TOKEN;
    this.botUserId = options.botUserId ?? 'U0SANDBOXBOT';
    this.teamId = options.teamId ?? 'T0SANDBOX';
    this.clock = options.clock ?? systemClock;
    this.rateLimits = options.rateLimits ?? {};
    this.rateLimitWindowMs = options.rateLimitWindowMs ?? 60_000;
    for (const user of data.users) this.users.set(user.id, user);
    for (const channel of data.channels) this.channels.set(channel.id, { ...channel, members: [...channel.members] });
    this.methods = {
      'auth.test': () => this.authTest(),
      'chat.postMessage': (a) => this.postMessage(a),
      'chat.update': (a) => this.updateMessage(a),
      'chat.postEphemeral': (a) => this.postEphemeral(a),
      'chat.delete': (a) => this.deleteMessage(a),
      'chat.scheduleMessage': (a) => this.scheduleMessage(a),
      'chat.deleteScheduledMessage': (a) => this.deleteScheduledMessage(a),
      'chat.scheduledMessages.list': (a) => this.listScheduledMessages(a),
      'conversations.open': (a) => this.openConversation(a),
      'conversations.info': (a) => ({ ok: true, channel: this.channelJson(this.resolveChannel(a.channel, false)) }),
      'users.info': (a) => ({ ok: true, user: this.userJson(this.knownUser(a.user)) }),
      'users.lookupByEmail': (a) => this.lookupByEmail(a),
      'views.open': (a) => this.openView(a),
      'views.push': (a) => this.pushView(a),
      'views.update': (a) => this.updateView(a),
      'views.publish': (a) => this.publishView(a),
      'files.getUploadURLExternal': (a) => this.getUploadUrl(a),
      'files.completeUploadExternal': (a) => this.completeUpload(a),
    };
    this.route('POST', '/api/{method}', (req) => this.apiRequest(req));
    this.route('GET', '/api/{method}', (req) => this.apiRequest(req));
    this.route('POST', '/upload/v1/{fileId}', (req) => this.receiveUpload(req));
    this.route('POST', '/response/{id}', (req) => this.respond(req));
  }

  /** What to give WebClient as `slackApiUrl` (ends with '/'). */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  // --- arranging ---------------------------------------------------------------------------------------------

  /** Make a channel known (channel_not_found otherwise). Members matter for chat.postEphemeral. */
  addChannel(channel: string | (Partial<SlackChannelRecord> & { id: string })): this {
    const record = typeof channel === 'string' ? { id: channel } : channel;
    this.channels.set(record.id, { name: record.id.toLowerCase(), members: [], ...record });
    return this;
  }

  addUser(user: SlackUserRecord): this {
    this.users.set(user.id, user);
    return this;
  }

  /** A trigger_id as Slack puts in an interaction payload: one use, within 3 s. */
  mintTriggerId(userId = this.users.keys().next().value ?? 'U0SANDBOX'): string {
    const id = `${Math.floor(this.nowMs() / 1000)}.${++this.counter}.${randomBytes(8).toString('hex')}`;
    this.triggers.set(id, { userId, mintedAt: this.nowMs(), used: false });
    return id;
  }

  /**
   * A response_url as Slack puts in a slash command or block action: 5 uses in 30 minutes. With `messageTs` (the
   * message whose button was clicked) `replace_original` / `delete_original` act on that message.
   */
  responseUrl(channelId: string, userId?: string, options: { messageTs?: string } = {}): string {
    const id = `${++this.counter}-${randomBytes(12).toString('hex')}`;
    this.responseUrls.set(id, { channelId, userId, messageTs: options.messageTs, mintedAt: this.nowMs(), uses: 0 });
    return `${this.url}/response/${id}`;
  }

  /** Answer the next `times` calls of `method` with 429 + Retry-After, as Slack does when a limit is hit. */
  injectRateLimit(method: string, { retryAfterSeconds = 1, times = 1, after = 0 } = {}): this {
    return this.inject({
      status: 429,
      headers: { 'Retry-After': String(retryAfterSeconds) },
      body: { ok: false, error: 'ratelimited' },
      times,
      after,
      match: (r) => r.path === `/api/${method}`,
    });
  }

  // --- what a person would see -------------------------------------------------------------------------------

  messagesIn(channelId: string): SlackFakeMessage[] {
    return this.messages.filter((m) => m.channel === channelId);
  }

  /** Messages in the user's DM with the bot (posted to the D… channel or straight to the user id). */
  dmsTo(userId: string): SlackFakeMessage[] {
    const dm = this.dmOfUser.get(userId);
    return dm ? this.messagesIn(dm) : [];
  }

  dmChannelOf(userId: string): string | undefined {
    return this.dmOfUser.get(userId);
  }

  /** The user a D… channel is a DM with. */
  userOfDm(channelId: string): string | undefined {
    return this.userOfDmChannel.get(channelId);
  }

  // --- plumbing ----------------------------------------------------------------------------------------------

  private nowMs(): number {
    return this.clock.now().getTime();
  }

  /** Unique, increasing ts strings like "1700000000.000100", from the clock. */
  private nextTs(): string {
    const micros = Math.max(this.nowMs() * 1000, this.lastTsMicros + 100);
    this.lastTsMicros = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  private apiRequest(req: FakeRequest): FakeResponse {
    const method = req.params.method!;
    try {
      const args = readArgs(req);
      this.authenticate(req, args);
      decodeJsonFields(args);
      const limited = this.rateLimited(method);
      if (limited) return limited;
      const handler = this.methods[method];
      if (!handler) throw new SlackApiError('unknown_method', { req_method: method });
      return { body: handler(args) };
    } catch (err) {
      if (err instanceof SlackApiError) return { body: { ok: false, error: err.error, ...err.extra } };
      throw err;
    }
  }

  private authenticate(req: FakeRequest, args: Args): void {
    const header = req.headers.authorization;
    const bearer = typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header)?.[1] : undefined;
    const token = bearer ?? (typeof args.token === 'string' ? args.token : undefined);
    if (!token) throw new SlackApiError('not_authed');
    if (token !== this.botToken) throw new SlackApiError('invalid_auth');
  }

  /** Sliding window per method, in real time: WebClient waits real seconds on Retry-After. */
  private rateLimited(method: string): FakeResponse | undefined {
    const limit = this.rateLimits[method];
    if (limit === undefined) return undefined;
    const now = Date.now();
    const times = (this.callTimes.get(method) ?? []).filter((t) => now - t < this.rateLimitWindowMs);
    this.callTimes.set(method, times);
    if (times.length >= limit) {
      const waitMs = times[0]! + this.rateLimitWindowMs - now;
      return {
        status: 429,
        headers: { 'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))) },
        body: { ok: false, error: 'ratelimited' },
      };
    }
    times.push(now);
    return undefined;
  }

  private knownUser(id: unknown): SlackUserRecord {
    const user = typeof id === 'string' ? this.users.get(id) : undefined;
    if (!user) throw new SlackApiError('user_not_found');
    return user;
  }

  /** A channel id, DM id, group DM id, channel name, or (when `userMeansDm`) a user id meaning that user's DM. */
  private resolveChannel(value: unknown, userMeansDm = true): string {
    if (typeof value !== 'string' || value === '') throw new SlackApiError('channel_not_found');
    if (this.channels.has(value) || this.userOfDmChannel.has(value) || this.groupDms.has(value)) return value;
    if (userMeansDm && this.users.has(value)) return this.openDm(value).id;
    const name = value.replace(/^#/, '');
    const byName = [...this.channels.values()].find((c) => c.name === name);
    if (byName) return byName.id;
    throw new SlackApiError('channel_not_found');
  }

  private openDm(userId: string): { id: string; alreadyOpen: boolean } {
    const existing = this.dmOfUser.get(userId);
    if (existing) return { id: existing, alreadyOpen: true };
    const id = `D${userId.slice(1)}`;
    this.dmOfUser.set(userId, id);
    this.userOfDmChannel.set(id, userId);
    return { id, alreadyOpen: false };
  }

  private membersOf(channelId: string): string[] {
    const dmUser = this.userOfDmChannel.get(channelId);
    if (dmUser) return [dmUser];
    return this.groupDms.get(channelId) ?? this.channels.get(channelId)?.members ?? [];
  }

  /** Text and blocks of a new message, checked as Slack checks them. */
  private content(args: Args): { text: string; blocks: unknown[] } {
    refuse(checkMessageBlocks(args.blocks));
    const blocks = Array.isArray(args.blocks) ? args.blocks : [];
    const text = typeof args.text === 'string' ? args.text.slice(0, BLOCK_KIT_LIMITS.messageText) : '';
    const hasAttachments = Array.isArray(args.attachments) && args.attachments.length > 0;
    if (text.trim() === '' && blocks.length === 0 && !hasAttachments) throw new SlackApiError('no_text');
    return { text, blocks };
  }

  private record(message: Omit<SlackFakeMessage, 'updates' | 'versions'>): SlackFakeMessage {
    const full: SlackFakeMessage = { ...message, updates: 0, versions: [] };
    if (full.threadTs === undefined) delete full.threadTs;
    this.messages.push(full);
    return full;
  }

  private messageJson(m: SlackFakeMessage): Answer {
    return {
      type: 'message',
      text: m.text,
      user: this.botUserId,
      bot_id: this.botId,
      team: this.teamId,
      ts: m.ts,
      ...(m.blocks.length > 0 ? { blocks: m.blocks } : {}),
      ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
    };
  }

  private findMessage(channel: string, ts: unknown): SlackFakeMessage {
    const m = this.messages.find((x) => x.channel === channel && x.ts === ts && x.kind !== 'scheduled');
    if (!m) throw new SlackApiError('message_not_found');
    return m;
  }

  private replaceContent(m: SlackFakeMessage, text: string | undefined, blocks: unknown[] | undefined): void {
    m.versions.push({ text: m.text, blocks: m.blocks });
    if (text !== undefined) m.text = text;
    // Slack keeps the previous blocks when `blocks` is absent; an empty array removes them.
    if (blocks !== undefined) m.blocks = blocks;
    m.updates += 1;
  }

  private remove(m: SlackFakeMessage): void {
    this.messages.splice(this.messages.indexOf(m), 1);
    this.deletedMessages.push(m);
  }

  // --- methods -----------------------------------------------------------------------------------------------

  private authTest(): Answer {
    return {
      ok: true,
      url: 'https://agency-sandbox.slack.com/',
      team: 'Agency Sandbox',
      user: 'pm-agents',
      team_id: this.teamId,
      user_id: this.botUserId,
      bot_id: this.botId,
      is_enterprise_install: false,
    };
  }

  private postMessage(args: Args): Answer {
    const channel = this.resolveChannel(args.channel);
    const { text, blocks } = this.content(args);
    const threadTs = typeof args.thread_ts === 'string' && args.thread_ts !== '' ? args.thread_ts : undefined;
    const m = this.record({ channel, ts: this.nextTs(), text, blocks, threadTs, kind: 'message', metadata: args.metadata });
    return { ok: true, channel, ts: m.ts, message: this.messageJson(m) };
  }

  private updateMessage(args: Args): Answer {
    const channel = this.resolveChannel(args.channel);
    const ephemeral = this.messages.find((x) => x.channel === channel && x.ts === args.ts && x.kind === 'ephemeral');
    if (ephemeral) throw new SlackApiError('cant_update_message');
    const m = this.findMessage(channel, args.ts);
    if (args.text === undefined && args.blocks === undefined && args.attachments === undefined) throw new SlackApiError('no_text');
    refuse(checkMessageBlocks(args.blocks));
    const text = typeof args.text === 'string' ? args.text.slice(0, BLOCK_KIT_LIMITS.messageText) : undefined;
    this.replaceContent(m, text, Array.isArray(args.blocks) ? args.blocks : undefined);
    return { ok: true, channel, ts: m.ts, text: m.text, message: this.messageJson(m) };
  }

  private postEphemeral(args: Args): Answer {
    const channel = this.resolveChannel(args.channel);
    const user = this.knownUser(args.user).id;
    if (!this.membersOf(channel).includes(user)) throw new SlackApiError('user_not_in_channel');
    const { text, blocks } = this.content(args);
    const threadTs = typeof args.thread_ts === 'string' && args.thread_ts !== '' ? args.thread_ts : undefined;
    const m = this.record({ channel, ts: this.nextTs(), user, text, blocks, threadTs, kind: 'ephemeral' });
    return { ok: true, message_ts: m.ts };
  }

  private deleteMessage(args: Args): Answer {
    const channel = this.resolveChannel(args.channel);
    const m = this.findMessage(channel, args.ts);
    if (m.kind === 'ephemeral') throw new SlackApiError('cant_delete_message');
    this.remove(m);
    return { ok: true, channel, ts: m.ts };
  }

  private scheduleMessage(args: Args): Answer {
    const channel = this.resolveChannel(args.channel);
    const postAt = Number(args.post_at);
    if (!Number.isInteger(postAt)) throw new SlackApiError('invalid_time');
    const nowS = Math.floor(this.nowMs() / 1000);
    if (postAt <= nowS) throw new SlackApiError('time_in_past');
    if (postAt > nowS + SCHEDULE_HORIZON_S) throw new SlackApiError('time_too_far');
    const { text, blocks } = this.content(args);
    const id = `Q${String(++this.counter).padStart(9, '0')}`;
    const threadTs = typeof args.thread_ts === 'string' && args.thread_ts !== '' ? args.thread_ts : undefined;
    const m = this.record({ channel, ts: `${postAt}.000000`, text, blocks, threadTs, kind: 'scheduled', postAt, scheduledMessageId: id });
    return {
      ok: true,
      channel,
      scheduled_message_id: id,
      post_at: postAt,
      message: { ...this.messageJson(m), type: 'delayed_message', subtype: 'bot_message', ts: undefined },
    };
  }

  private deleteScheduledMessage(args: Args): Answer {
    const channel = this.resolveChannel(args.channel);
    const m = this.messages.find((x) => x.kind === 'scheduled' && x.scheduledMessageId === args.scheduled_message_id);
    if (!m || m.channel !== channel) throw new SlackApiError('invalid_scheduled_message_id');
    this.remove(m);
    return { ok: true };
  }

  private listScheduledMessages(args: Args): Answer {
    const channel = args.channel === undefined ? undefined : this.resolveChannel(args.channel);
    const scheduled = this.messages
      .filter((m) => m.kind === 'scheduled' && (channel === undefined || m.channel === channel))
      .sort((a, b) => a.postAt! - b.postAt!)
      .map((m) => ({ id: m.scheduledMessageId, channel_id: m.channel, post_at: m.postAt, date_created: Math.floor(this.nowMs() / 1000), text: m.text }));
    return { ok: true, scheduled_messages: scheduled, response_metadata: { next_cursor: '' } };
  }

  private openConversation(args: Args): Answer {
    if (typeof args.channel === 'string') return { ok: true, channel: { id: this.resolveChannel(args.channel, false) } };
    const users = typeof args.users === 'string' ? args.users.split(',').map((u) => u.trim()).filter(Boolean) : [];
    if (users.length === 0) throw new SlackApiError('users_list_not_supplied');
    for (const u of users) this.knownUser(u);
    if (users.length === 1) {
      const { id, alreadyOpen } = this.openDm(users[0]!);
      return { ok: true, ...(alreadyOpen ? { no_op: true, already_open: true } : {}), channel: { id } };
    }
    const key = [...users].sort().join(',');
    const existing = [...this.groupDms.entries()].find(([, members]) => [...members].sort().join(',') === key);
    if (existing) return { ok: true, no_op: true, already_open: true, channel: { id: existing[0] } };
    const id = `G0MPDM${++this.counter}`;
    this.groupDms.set(id, users);
    return { ok: true, channel: { id } };
  }

  private channelJson(id: string): Answer {
    const dmUser = this.userOfDmChannel.get(id);
    if (dmUser) return { id, created: 0, is_im: true, is_org_shared: false, user: dmUser, is_open: true };
    const group = this.groupDms.get(id);
    if (group) return { id, name: `mpdm-${group.join('--')}-1`, is_mpim: true, is_private: true, is_member: true, num_members: group.length };
    const c = this.channels.get(id)!;
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

  private userJson(u: SlackUserRecord): Answer {
    return {
      id: u.id,
      team_id: this.teamId,
      name: u.name,
      real_name: u.realName,
      deleted: false,
      is_bot: Boolean(u.isBot),
      tz: u.tz ?? 'America/New_York',
      profile: { real_name: u.realName, display_name: u.name, ...(u.email ? { email: u.email } : {}) },
    };
  }

  private lookupByEmail(args: Args): Answer {
    const email = typeof args.email === 'string' ? args.email.toLowerCase() : '';
    const user = [...this.users.values()].find((u) => u.email?.toLowerCase() === email);
    if (!user) throw new SlackApiError('users_not_found');
    return { ok: true, user: this.userJson(user) };
  }

  // --- views -------------------------------------------------------------------------------------------------

  private exchangeTrigger(triggerId: unknown): string {
    if (typeof triggerId !== 'string' || !/^\d+\.\d+\.[0-9a-f]+$/.test(triggerId)) throw new SlackApiError('invalid_trigger_id');
    const trigger = this.triggers.get(triggerId);
    if (!trigger) throw new SlackApiError('invalid_trigger_id');
    if (trigger.used) throw new SlackApiError('exchanged_trigger_id');
    if (this.nowMs() - trigger.mintedAt > TRIGGER_LIFETIME_MS) throw new SlackApiError('expired_trigger_id');
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
    return `${Math.floor(this.nowMs() / 1000)}.${randomBytes(4).toString('hex')}`;
  }

  private newView(userId: string, view: Record<string, unknown>, root?: SlackFakeView, previous?: SlackFakeView): SlackFakeView {
    const id = `V0SANDBOX${String(++this.counter).padStart(4, '0')}`;
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
      team_id: this.teamId,
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
      bot_id: this.botId,
    };
  }

  private openView(args: Args): Answer {
    const userId = this.exchangeTrigger(args.trigger_id ?? args.interactivity_pointer);
    return { ok: true, view: this.viewJson(this.newView(userId, this.checkedView(args.view, 'modal'))) };
  }

  private pushView(args: Args): Answer {
    const userId = this.exchangeTrigger(args.trigger_id ?? args.interactivity_pointer);
    const top = this.views.filter((v) => v.type === 'modal' && v.userId === userId).at(-1);
    if (!top) throw new SlackApiError('not_found');
    const stack = this.views.filter((v) => v.rootViewId === top.rootViewId);
    if (stack.length >= BLOCK_KIT_LIMITS.viewPushDepth) throw new SlackApiError('push_limit_reached');
    const root = stack[0]!;
    return { ok: true, view: this.viewJson(this.newView(userId, this.checkedView(args.view, 'modal'), root, top)) };
  }

  private updateView(args: Args): Answer {
    const current = this.views.find((v) => (args.view_id !== undefined ? v.id === args.view_id : v.view.external_id === args.external_id));
    if (!current || (args.view_id === undefined && args.external_id === undefined)) throw new SlackApiError('not_found');
    if (typeof args.hash === 'string' && args.hash !== current.hash) throw new SlackApiError('hash_conflict');
    refuse(checkView(args.view));
    this.replaceView(current, args.view as Record<string, unknown>);
    return { ok: true, view: this.viewJson(current) };
  }

  private publishView(args: Args): Answer {
    const userId = this.knownUser(args.user_id).id;
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

  // --- files -------------------------------------------------------------------------------------------------

  private getUploadUrl(args: Args): Answer {
    const length = Number(args.length);
    if (typeof args.filename !== 'string' || args.filename === '' || !Number.isInteger(length) || length <= 0) {
      throw new SlackApiError('invalid_arguments');
    }
    const id = `F0SANDBOX${String(++this.counter).padStart(4, '0')}`;
    this.files.push({ id, filename: args.filename, length, completed: false });
    return { ok: true, upload_url: `${this.url}/upload/v1/${id}`, file_id: id };
  }

  private receiveUpload(req: FakeRequest): FakeResponse {
    const file = this.files.find((f) => f.id === req.params.fileId);
    if (!file || file.completed) return { status: 404, body: 'not_found' };
    const type = String(req.headers['content-type'] ?? '');
    if (type.startsWith('multipart/form-data')) {
      const parts = multipartParts(req.rawBody, type);
      file.bytes = (parts.find((p) => p.filename !== undefined) ?? parts[0])?.data ?? Buffer.alloc(0);
    } else {
      file.bytes = req.rawBody;
    }
    return { status: 200, headers: { 'content-type': 'text/plain' }, body: `OK - ${file.bytes.length}` };
  }

  private completeUpload(args: Args): Answer {
    const entries = Array.isArray(args.files) ? (args.files as { id?: unknown; title?: unknown }[]) : [];
    if (entries.length === 0) throw new SlackApiError('invalid_arguments');
    const files = entries.map((entry) => {
      const file = this.files.find((f) => f.id === entry.id);
      if (!file || file.bytes === undefined) throw new SlackApiError('file_not_found');
      return { file, title: typeof entry.title === 'string' ? entry.title : undefined };
    });
    const channelId = args.channel_id === undefined ? undefined : this.resolveChannel(args.channel_id, false);
    const threadTs = typeof args.thread_ts === 'string' && args.thread_ts !== '' ? args.thread_ts : undefined;
    if (threadTs && !channelId) throw new SlackApiError('invalid_arguments');
    const initialComment = typeof args.initial_comment === 'string' ? args.initial_comment : undefined;
    for (const { file, title } of files) Object.assign(file, { completed: true, title: title ?? file.filename, channelId, threadTs, initialComment });
    if (channelId) {
      if (initialComment === undefined) refuse(checkMessageBlocks(args.blocks));
      const blocks = initialComment === undefined && Array.isArray(args.blocks) ? args.blocks : [];
      this.record({ channel: channelId, ts: this.nextTs(), text: initialComment ?? '', blocks, threadTs, kind: 'message', files: files.map((f) => f.file.id) });
    }
    return {
      ok: true,
      files: files.map(({ file }) => ({
        id: file.id,
        name: file.filename,
        title: file.title,
        mimetype: mimeType(file.filename),
        size: file.bytes!.length,
        user: this.botUserId,
        channels: channelId ? [channelId] : [],
      })),
    };
  }

  // --- response_url ------------------------------------------------------------------------------------------

  private respond(req: FakeRequest): FakeResponse {
    const entry = this.responseUrls.get(req.params.id!);
    if (!entry) return { status: 404, body: { ok: false, error: 'no_service' } };
    if (this.nowMs() - entry.mintedAt > RESPONSE_URL_LIFETIME_MS) return { status: 404, body: { ok: false, error: 'expired_url' } };
    if (entry.uses >= RESPONSE_URL_USES) return { status: 404, body: { ok: false, error: 'used_url' } };
    let body: Args;
    try {
      body = JSON.parse(req.body) as Args;
    } catch {
      return { status: 400, body: { ok: false, error: 'invalid_payload' } };
    }
    if (typeof body !== 'object' || body === null) return { status: 400, body: { ok: false, error: 'invalid_payload' } };
    const verdict = checkMessageBlocks(body.blocks);
    if (!verdict.ok) return { status: 400, body: { ok: false, error: verdict.error, errors: verdict.problems } };
    entry.uses += 1;
    const original = entry.messageTs ? this.messages.find((m) => m.channel === entry.channelId && m.ts === entry.messageTs) : undefined;
    if (body.delete_original === true || body.delete_original === 'true') {
      if (original) this.remove(original);
      return { body: { ok: true } };
    }
    const text = typeof body.text === 'string' ? body.text : '';
    const blocks = Array.isArray(body.blocks) ? body.blocks : [];
    if ((body.replace_original === true || body.replace_original === 'true') && original) {
      this.replaceContent(original, text, blocks);
      return { body: { ok: true } };
    }
    if (text.trim() === '' && blocks.length === 0) return { status: 400, body: { ok: false, error: 'no_text' } };
    const ephemeral = body.response_type !== 'in_channel';
    const threadTs = typeof body.thread_ts === 'string' ? body.thread_ts : undefined;
    this.record({ channel: entry.channelId, ts: this.nextTs(), user: ephemeral ? entry.userId : undefined, text, blocks, threadTs, kind: 'response_url' });
    return { body: { ok: true } };
  }
}

// --- request parsing -------------------------------------------------------------------------------------------

/** Arguments from the query, a form, JSON or multipart body. */
function readArgs(req: FakeRequest): Args {
  const args: Args = Object.fromEntries(req.query);
  const type = String(req.headers['content-type'] ?? '');
  if (type.startsWith('application/json')) {
    let body: unknown;
    try {
      body = JSON.parse(req.body || '{}');
    } catch {
      throw new SlackApiError('invalid_json');
    }
    if (typeof body === 'object' && body !== null) Object.assign(args, body);
  } else if (type.startsWith('multipart/form-data')) {
    for (const part of multipartParts(req.rawBody, type)) if (part.filename === undefined) args[part.name] = part.data.toString('utf8');
  } else if (req.body) {
    Object.assign(args, Object.fromEntries(new URLSearchParams(req.body)));
  }
  return args;
}

/** Form posts carry non-scalar arguments (`blocks`, `view` …) as JSON strings: decode them in place. */
function decodeJsonFields(args: Args): void {
  const jsonFields: Record<string, string> = {
    blocks: 'invalid_blocks_format',
    attachments: 'invalid_attachments',
    view: 'invalid_arguments',
    files: 'invalid_arguments',
    metadata: 'invalid_metadata_format',
  };
  for (const [field, error] of Object.entries(jsonFields)) {
    const value = args[field];
    if (typeof value !== 'string') continue;
    try {
      args[field] = JSON.parse(value);
    } catch {
      throw new SlackApiError(error);
    }
  }
}

interface MultipartPart {
  name: string;
  filename?: string;
  data: Buffer;
}

/** A small multipart/form-data reader: enough for WebClient's uploads and form posts. */
function multipartParts(body: Buffer, contentType: string): MultipartPart[] {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!m) return [];
  const boundary = Buffer.from(`--${m[1] ?? m[2]}`);
  const parts: MultipartPart[] = [];
  let at = body.indexOf(boundary);
  while (at !== -1) {
    const start = at + boundary.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(boundary, start);
    if (next === -1) break;
    const part = body.subarray(start + 2, next - 2); // drop the CRLF after the boundary and before the next one
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      parts.push({
        name: /;\s*name="([^"]*)"/i.exec(headers)?.[1] ?? '',
        filename: /;\s*filename="([^"]*)"/i.exec(headers)?.[1],
        data: part.subarray(headerEnd + 4),
      });
    }
    at = next;
  }
  return parts;
}

function mimeType(filename: string): string {
  const ext = filename.split('.').pop()?.toLowerCase() ?? '';
  const known: Record<string, string> = {
    png: 'image/png',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    csv: 'text/csv',
    txt: 'text/plain',
    pdf: 'application/pdf',
    xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  };
  return known[ext] ?? 'application/octet-stream';
}
