// A fake Slack Web API on 127.0.0.1: what @slack/web-api and Bolt call (`slackApiUrl` = `fake.apiUrl`), answering the
// way Slack does (HTTP 200 `{ok:false,error}` for errors, 429 + Retry-After for rate limits), plus the file upload
// host and response_url endpoints. It keeps what a person would see in Slack — messages, DMs, files, views — so tests
// and the demo can show and assert it. Faithful to API-NOTES §4; where unsure it is stricter than Slack.
// This is the server, its routes and what tests arrange and read; the workspace is slack-workspace.ts, the methods
// live in slack-chat.ts, slack-conversations.ts, slack-views.ts, slack-files.ts and slack-response-urls.ts; Socket Mode
// (apps.connections.open and the WebSocket) is slack-socket-mode.ts, which adds its method through addAppLevelMethod.
import type { Clock } from '../../clock.ts';
import { systemClock } from '../../clock.ts';
import type { AgencyData, SlackChannelRecord, SlackUserRecord } from '../agency-data.ts';
import { FakeServer, type FakeRequest, type FakeResponse } from './fake-server.ts';
import { SlackChat } from './slack-chat.ts';
import { SlackConversations } from './slack-conversations.ts';
import { SlackFiles, type SlackFakeFile } from './slack-files.ts';
import { decodeJsonFields, readArgs, SlackApiError, type Answer, type Args } from './slack-requests.ts';
import { SlackResponseUrls } from './slack-response-urls.ts';
import { SlackViews, type SlackFakeView } from './slack-views.ts';
import { SlackWorkspace, type SlackFakeMessage } from './slack-workspace.ts';

export type { SlackFakeFile } from './slack-files.ts';
export type { SlackFakeView } from './slack-views.ts';
export type { SlackFakeMessage, SlackFakeMessageKind } from './slack-workspace.ts';

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

export class SlackFake extends FakeServer {
  readonly messages: SlackFakeMessage[];
  /** Messages removed by chat.delete, chat.deleteScheduledMessage or delete_original. */
  readonly deletedMessages: SlackFakeMessage[];
  readonly files: SlackFakeFile[];
  readonly views: SlackFakeView[];
  readonly botToken: string;
  readonly botUserId: string;
  readonly botId = 'B0SANDBOX';
  readonly teamId: string;
  private readonly rateLimits: Partial<Record<string, number>>;
  private readonly rateLimitWindowMs: number;
  private readonly callTimes = new Map<string, number[]>();
  private readonly workspace: SlackWorkspace;
  private readonly modals: SlackViews;
  private readonly responseUrls: SlackResponseUrls;
  private readonly methods: Record<string, (args: Args) => Answer>;
  /** Methods that take the app-level token (`xapp-…`) rather than the bot token; each checks the token itself. */
  private readonly appLevelMethods: Record<string, (args: Args, appToken: string) => Answer> = {};

  constructor(data: AgencyData['slack'], options: SlackFakeOptions = {}) {
    super('slack', { latencyMs: options.latencyMs });
    this.botToken = options.botToken ?? SANDBOX_SLACK_BOT_TOKEN;
    this.botUserId = options.botUserId ?? 'U0SANDBOXBOT';
    this.teamId = options.teamId ?? 'T0SANDBOX';
    this.rateLimits = options.rateLimits ?? {};
    this.rateLimitWindowMs = options.rateLimitWindowMs ?? 60_000;
    const workspace = new SlackWorkspace(data, { userId: this.botUserId, botId: this.botId, teamId: this.teamId }, options.clock ?? systemClock);
    const chat = new SlackChat(workspace);
    const conversations = new SlackConversations(workspace);
    const modals = new SlackViews(workspace);
    const uploads = new SlackFiles(workspace, () => this.url);
    this.workspace = workspace;
    this.modals = modals;
    this.responseUrls = new SlackResponseUrls(workspace, () => this.url);
    this.messages = workspace.messages;
    this.deletedMessages = workspace.deletedMessages;
    this.files = uploads.files;
    this.views = modals.views;
    this.methods = {
      'auth.test': () => this.authTest(),
      'chat.postMessage': (a) => chat.postMessage(a),
      'chat.update': (a) => chat.updateMessage(a),
      'chat.postEphemeral': (a) => chat.postEphemeral(a),
      'chat.delete': (a) => chat.deleteMessage(a),
      'chat.scheduleMessage': (a) => chat.scheduleMessage(a),
      'chat.deleteScheduledMessage': (a) => chat.deleteScheduledMessage(a),
      'chat.scheduledMessages.list': (a) => chat.listScheduledMessages(a),
      'conversations.open': (a) => conversations.openConversation(a),
      'conversations.history': (a) => conversations.history(a),
      'conversations.info': (a) => ({ ok: true, channel: conversations.channelJson(workspace.resolveChannel(a.channel, false)) }),
      'users.info': (a) => ({ ok: true, user: conversations.userJson(workspace.knownUser(a.user)) }),
      'users.lookupByEmail': (a) => conversations.lookupByEmail(a),
      'views.open': (a) => modals.openView(a),
      'views.push': (a) => modals.pushView(a),
      'views.update': (a) => modals.updateView(a),
      'views.publish': (a) => modals.publishView(a),
      'files.getUploadURLExternal': (a) => uploads.getUploadUrl(a),
      'files.completeUploadExternal': (a) => uploads.completeUpload(a),
    };
    this.route('POST', '/api/{method}', (req) => this.apiRequest(req));
    this.route('GET', '/api/{method}', (req) => this.apiRequest(req));
    this.route('POST', '/upload/v1/{fileId}', (req) => uploads.receiveUpload(req));
    this.route('POST', '/response/{id}', (req) => this.responseUrls.respond(req));
  }

  /** What to give WebClient as `slackApiUrl` (ends with '/'). */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  // --- arranging ---------------------------------------------------------------------------------------------

  /**
   * Add a method called with an app-level token, as Socket Mode's `apps.connections.open` is. The token must come in the
   * Authorization header (Slack's docs: "not as a parameter") and look like `xapp-…` (else `not_allowed_token_type`);
   * the handler decides whether it is the right one.
   */
  addAppLevelMethod(method: string, handler: (args: Args, appToken: string) => Answer): this {
    this.appLevelMethods[method] = handler;
    return this;
  }

  /** Make a channel known (channel_not_found otherwise). Members matter for chat.postEphemeral. */
  addChannel(channel: string | (Partial<SlackChannelRecord> & { id: string })): this {
    const record = typeof channel === 'string' ? { id: channel } : channel;
    this.workspace.channels.set(record.id, { name: record.id.toLowerCase(), members: [], ...record });
    return this;
  }

  addUser(user: SlackUserRecord): this {
    this.workspace.users.set(user.id, user);
    return this;
  }

  /** A trigger_id as Slack puts in an interaction payload: one use, within 3 s. */
  mintTriggerId(userId = this.workspace.users.keys().next().value ?? 'U0SANDBOX'): string {
    return this.modals.mintTriggerId(userId);
  }

  /**
   * A response_url as Slack puts in a slash command or block action: 5 uses in 30 minutes. With `messageTs` (the
   * message whose button was clicked) `replace_original` / `delete_original` act on that message.
   */
  responseUrl(channelId: string, userId?: string, options: { messageTs?: string } = {}): string {
    return this.responseUrls.mint(channelId, userId, options);
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

  /**
   * Answer the next `times` calls of `method` with Slack's HTTP 200 `{ok:false, error, ...extra}`, e.g. what a bot
   * without a scope gets: `injectError('conversations.history', 'missing_scope', { extra: { needed: 'channels:history' } })`.
   */
  injectError(method: string, error: string, { extra = {}, times = 1, after = 0 }: { extra?: Record<string, unknown>; times?: number; after?: number } = {}): this {
    return this.inject({ status: 200, body: { ok: false, error, ...extra }, times, after, match: (r) => r.path === `/api/${method}` });
  }

  // --- what a person would see -------------------------------------------------------------------------------

  messagesIn(channelId: string): SlackFakeMessage[] {
    return this.messages.filter((m) => m.channel === channelId);
  }

  /** Messages in the user's DM with the bot (posted to the D… channel or straight to the user id). */
  dmsTo(userId: string): SlackFakeMessage[] {
    const dm = this.workspace.dmOfUser.get(userId);
    return dm ? this.messagesIn(dm) : [];
  }

  dmChannelOf(userId: string): string | undefined {
    return this.workspace.dmOfUser.get(userId);
  }

  /** The user a D… channel is a DM with. */
  userOfDm(channelId: string): string | undefined {
    return this.workspace.userOfDmChannel.get(channelId);
  }

  // --- the Web API -------------------------------------------------------------------------------------------

  private apiRequest(req: FakeRequest): FakeResponse {
    const method = req.params.method!;
    try {
      const args = readArgs(req);
      const appLevel = this.appLevelMethods[method];
      const token = appLevel ? this.authenticateApp(req) : this.authenticate(req, args);
      decodeJsonFields(args);
      const limited = this.rateLimited(method);
      if (limited) return limited;
      if (appLevel) return { body: appLevel(args, token) };
      const handler = this.methods[method];
      if (!handler) throw new SlackApiError('unknown_method', { req_method: method });
      return { body: handler(args) };
    } catch (err) {
      if (err instanceof SlackApiError) return { body: { ok: false, error: err.error, ...err.extra } };
      throw err;
    }
  }

  /** The bot token, from the Authorization header or the `token` argument. */
  private authenticate(req: FakeRequest, args: Args): string {
    const token = bearerToken(req) ?? (typeof args.token === 'string' ? args.token : undefined);
    if (!token) throw new SlackApiError('not_authed');
    if (token !== this.botToken) throw new SlackApiError('invalid_auth');
    return token;
  }

  /** The app-level token of an app-level method: header only, and an `xapp-` token. */
  private authenticateApp(req: FakeRequest): string {
    const token = bearerToken(req);
    if (!token) throw new SlackApiError('not_authed');
    if (!token.startsWith('xapp-')) throw new SlackApiError('not_allowed_token_type');
    return token;
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
}

function bearerToken(req: FakeRequest): string | undefined {
  const header = req.headers.authorization;
  return typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header)?.[1] : undefined;
}
