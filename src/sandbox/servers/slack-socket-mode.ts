// Socket Mode for the Slack fake: `apps.connections.open` (app-level token → a one-use `ws://127.0.0.1:<port>/link/?ticket=…`
// URL) and the WebSocket behind it, so the real Bolt app (@slack/socket-mode) connects to it as it does to Slack. Tests
// send slash commands, clicks and events as envelopes and get the app's ack back. Shapes follow Slack's "Using Socket
// Mode" page: `hello` on connect, envelopes `{envelope_id, type, payload, accepts_response_payload}`, acks
// `{envelope_id, payload?}` within 3 s, `disconnect` messages, at most 10 connections per app.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Clock } from '../../clock.ts';
import { systemClock } from '../../clock.ts';
import { SlackApiError, type Answer } from './slack-requests.ts';
import type { SlackFake } from './slack.ts';

export const SANDBOX_SLACK_APP_TOKEN = 'xapp-1-A0SANDBOX-1-sandbox-app-token';

/** Slack refuses an 11th open connection for one app ("up to 10"). */
const MAX_CONNECTIONS = 10;

export type SocketModeEnvelopeType = 'events_api' | 'slash_commands' | 'interactive';
export type SocketModeDisconnectReason = 'refresh_requested' | 'warning' | 'link_disabled';

/** What the app sent back for one envelope. */
export interface SocketModeAck {
  envelope_id: string;
  /** A slash command's answer, a view_submission's response_action … (@slack/socket-mode sends `{}` for a bare ack). */
  payload?: Record<string, unknown>;
}

export interface SlackSocketModeOptions {
  /** The only app-level token accepted (default SANDBOX_SLACK_APP_TOKEN). */
  appToken?: string;
  appId?: string;
  /** How long the app has to ack an envelope (Slack: 3 s); tests may shorten it. */
  ackTimeoutMs?: number;
  /** The server pings every connection this often, as Slack does (0: never). */
  pingIntervalMs?: number;
  /** After a `disconnect` message the server closes the socket itself if the app has not within this time. */
  disconnectGraceMs?: number;
  /** `event_time` of events. */
  clock?: Clock;
}

interface PendingAck {
  resolve(ack: SocketModeAck): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export class SlackSocketMode {
  readonly appToken: string;
  readonly appId: string;
  private readonly ackTimeoutMs: number;
  private readonly pingIntervalMs: number;
  private readonly disconnectGraceMs: number;
  private readonly clock: Clock;
  private readonly wss = new WebSocketServer({ noServer: true });
  /** Open sockets, oldest first. */
  private readonly sockets: WebSocket[] = [];
  private readonly tickets = new Set<string>();
  private readonly pending = new Map<string, PendingAck>();
  private readonly connectionWaiters: (() => void)[] = [];
  private server: Server | undefined;
  private pinger: NodeJS.Timeout | undefined;
  private baseUrl = '';

  constructor(
    private readonly slack: SlackFake,
    options: SlackSocketModeOptions = {},
  ) {
    this.appToken = options.appToken ?? SANDBOX_SLACK_APP_TOKEN;
    this.appId = options.appId ?? 'A0SANDBOX';
    this.ackTimeoutMs = options.ackTimeoutMs ?? 3000;
    this.pingIntervalMs = options.pingIntervalMs ?? 10_000;
    this.disconnectGraceMs = options.disconnectGraceMs ?? 1000;
    this.clock = options.clock ?? systemClock;
    slack.addAppLevelMethod('apps.connections.open', (_args, token) => this.openConnection(token));
  }

  /** Open WebSocket connections (what `num_connections` in `hello` counts). */
  get connections(): number {
    return this.sockets.length;
  }

  /** The WebSocket host, e.g. `ws://127.0.0.1:40123`. */
  get url(): string {
    if (!this.baseUrl) throw new Error('Slack Socket Mode fake is not started');
    return this.baseUrl;
  }

  async start(): Promise<this> {
    if (this.server) return this;
    const server = createServer((_req, res) => res.writeHead(426, { connection: 'close' }).end());
    server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.server = server;
    if (this.pingIntervalMs > 0) {
      this.pinger = setInterval(() => this.sockets.forEach((ws) => ws.ping()), this.pingIntervalMs);
      this.pinger.unref();
    }
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    clearInterval(this.pinger);
    for (const [id, waiter] of this.pending) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(`Socket Mode fake stopped before envelope ${id} was acked`));
    }
    this.pending.clear();
    for (const ws of [...this.sockets]) ws.terminate();
    this.wss.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // --- what Slack sends --------------------------------------------------------------------------------------

  /** A slash command, its fields as Slack posts them (`command`, `text`, `user_id`, `response_url` …). */
  sendSlashCommand(form: Record<string, string>): Promise<SocketModeAck> {
    return this.send('slash_commands', form, true);
  }

  /** An interaction payload (`block_actions`, `view_submission`, `block_suggestion` …). */
  sendInteractive(payload: Record<string, unknown>): Promise<SocketModeAck> {
    return this.send('interactive', payload, true);
  }

  /** An Events API event (`{type: 'app_home_opened', user, …}`), wrapped in its `event_callback` as Slack does. */
  sendEvent(event: Record<string, unknown> & { type: string }): Promise<SocketModeAck> {
    const eventTime = Math.floor(this.clock.now().getTime() / 1000);
    const body = {
      token: 'legacy-verification-token',
      team_id: this.slack.teamId,
      api_app_id: this.appId,
      event,
      type: 'event_callback',
      event_id: `Ev${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`,
      event_time: eventTime,
      authorizations: [{ enterprise_id: null, team_id: this.slack.teamId, user_id: this.slack.botUserId, is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false,
    };
    return this.send('events_api', body, false, { retry_attempt: 0, retry_reason: '' });
  }

  /**
   * Tell every open connection to go away, as Slack does when it recycles a host; resolves once they are closed (the
   * server closes any the app has not after the grace time). The app is expected to open a new one.
   */
  async disconnect(reason: SocketModeDisconnectReason = 'refresh_requested'): Promise<void> {
    const leaving = [...this.sockets];
    await Promise.all(
      leaving.map((ws) => {
        const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
        ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-sandbox' } }));
        const force = setTimeout(() => ws.terminate(), this.disconnectGraceMs);
        return closed.finally(() => clearTimeout(force));
      }),
    );
  }

  /** Resolves when a connection is open (at once if one is), or fails after `timeoutMs`. */
  waitForConnection(timeoutMs = 15_000): Promise<void> {
    if (this.sockets.length > 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no Socket Mode connection within ${timeoutMs} ms`)), timeoutMs);
      this.connectionWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  // --- the protocol ------------------------------------------------------------------------------------------

  private openConnection(token: string): Answer {
    if (token !== this.appToken) throw new SlackApiError('invalid_auth');
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return { ok: true, url: `${this.url}/link/?ticket=${ticket}&app_id=${this.appId}` };
  }

  /** Only a ticket from apps.connections.open opens a socket, once. */
  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const ticket = url.searchParams.get('ticket');
    if (!/^\/link\/?$/.test(url.pathname) || !ticket || !this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connected(ws));
  }

  private connected(ws: WebSocket): void {
    if (this.sockets.length >= MAX_CONNECTIONS) {
      ws.send(JSON.stringify({ type: 'disconnect', reason: 'too_many_websockets', debug_info: { host: 'applink-sandbox' } }));
      ws.close(1008);
      return;
    }
    this.sockets.push(ws);
    ws.on('message', (data, isBinary) => this.received(data, isBinary));
    ws.on('close', () => {
      const at = this.sockets.indexOf(ws);
      if (at !== -1) this.sockets.splice(at, 1);
    });
    ws.on('error', () => ws.terminate());
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.sockets.length,
        debug_info: { host: 'applink-sandbox', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.appId },
      }),
    );
    this.connectionWaiters.splice(0).forEach((wake) => wake());
  }

  /** An ack: `{envelope_id, payload?}`. Anything else (late acks included) is ignored, as Slack does. */
  private received(data: RawData, isBinary: boolean): void {
    if (isBinary) return;
    let message: unknown;
    try {
      message = JSON.parse(data.toString());
    } catch {
      return;
    }
    const envelopeId = (message as { envelope_id?: unknown } | null)?.envelope_id;
    const waiter = typeof envelopeId === 'string' ? this.pending.get(envelopeId) : undefined;
    if (!waiter) return;
    this.pending.delete(envelopeId as string);
    clearTimeout(waiter.timer);
    waiter.resolve(message as SocketModeAck);
  }

  /** One envelope to the newest connection (Slack may pick any); resolves with its ack. */
  private send(type: SocketModeEnvelopeType, payload: unknown, acceptsResponsePayload: boolean, extra: Record<string, unknown> = {}): Promise<SocketModeAck> {
    const ws = this.sockets.at(-1);
    if (!ws) return Promise.reject(new Error('no Socket Mode connection is open: start the app (or wait for it to reconnect)'));
    const envelopeId = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelopeId);
        reject(new Error(`the app did not ack ${type} envelope ${envelopeId} within ${this.ackTimeoutMs} ms`));
      }, this.ackTimeoutMs);
      this.pending.set(envelopeId, { resolve, reject, timer });
      ws.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: acceptsResponsePayload, ...extra }));
    });
  }
}
