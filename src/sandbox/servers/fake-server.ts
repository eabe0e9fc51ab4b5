// The shared core of the fake API servers: a real node `http` server on 127.0.0.1 with an ephemeral port, a route
// table, a record of every request, and injectable latency, errors and hangs. Each fake adds its API's routes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/4/worklogs`. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  /** The raw body as text ('' when none). */
  body: string;
  at: number;
}

export interface FakeRequest extends RecordedRequest {
  params: Record<string, string>;
  /** Body parsed as JSON; throws FakeHttpError(400) when it is not JSON. */
  json<T = unknown>(): T;
  /** Body parsed as application/x-www-form-urlencoded. */
  form(): URLSearchParams;
  rawBody: Buffer;
}

export interface FakeResponse {
  status?: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings and Buffers as they are. */
  body?: unknown;
}

export type RouteHandler = (req: FakeRequest) => FakeResponse | Promise<FakeResponse>;

/** Thrown inside a handler to answer with an error status and body. */
export class FakeHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`fake HTTP ${status}`);
  }
}

export interface InjectedFault {
  /** Answer with this status, headers and body instead of the route's answer. */
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Never answer (the client's timeout must fire). */
  hang?: boolean;
  /** Send this raw text with status 200 and a JSON content type (malformed JSON tests). */
  rawBody?: string;
  /** How many matching requests this fault applies to (default 1). */
  times?: number;
  /** Only requests for which this returns true (default: every request). */
  match?: (req: RecordedRequest) => boolean;
  /** Skip this many matching requests before the fault applies (e.g. fail the third page). */
  after?: number;
}

export interface FakeServerOptions {
  /** Delay before every answer, in ms (simulates network and API latency). */
  latencyMs?: number;
}

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: RouteHandler;
}

export class FakeServer {
  readonly requests: RecordedRequest[] = [];
  latencyMs: number;
  private readonly routes: Route[] = [];
  private readonly faults: (InjectedFault & { remaining: number; skip: number })[] = [];
  private server: Server | undefined;
  private readonly hanging = new Set<ServerResponse>();
  private baseUrl = '';

  constructor(
    readonly name: string,
    options: FakeServerOptions = {},
  ) {
    this.latencyMs = options.latencyMs ?? 0;
  }

  /** Register a route; `{name}` segments become params (`/rest/api/3/issue/{key}`). */
  route(method: string, path: string, handler: RouteHandler): this {
    const names: string[] = [];
    const source = path
      .split('/')
      .map((seg) => {
        const m = /^\{(\w+)\}$/.exec(seg);
        if (!m) return seg.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
        names.push(m[1]!);
        return '([^/]+)';
      })
      .join('/');
    this.routes.push({ method: method.toUpperCase(), pattern: new RegExp(`^${source}/?$`), names, handler });
    return this;
  }

  /** Make upcoming requests fail, hang or answer garbage. */
  inject(fault: InjectedFault): this {
    this.faults.push({ ...fault, remaining: fault.times ?? 1, skip: fault.after ?? 0 });
    return this;
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Requests whose path matches (string: exact path; RegExp: tested against the path). */
  requestsTo(path: string | RegExp, method?: string): RecordedRequest[] {
    return this.requests.filter(
      (r) => (typeof path === 'string' ? r.path === path : path.test(r.path)) && (method === undefined || r.method === method.toUpperCase()),
    );
  }

  get url(): string {
    if (!this.baseUrl) throw new Error(`${this.name} fake server is not started`);
    return this.baseUrl;
  }

  async start(): Promise<this> {
    if (this.server) return this;
    const server = createServer((req, res) => void this.handle(req, res));
    // Longer than Node's client keep-alive (5 s), so the server never closes a socket a client is about to reuse.
    server.keepAliveTimeout = 10_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private takeFault(recorded: RecordedRequest): InjectedFault | undefined {
    for (const fault of this.faults) {
      if (fault.remaining <= 0) continue;
      if (fault.match && !fault.match(recorded)) continue;
      if (fault.skip > 0) {
        fault.skip -= 1;
        continue;
      }
      fault.remaining -= 1;
      return fault;
    }
    return undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://fake');
    const recorded: RecordedRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: decodeURIComponent(url.pathname),
      query: url.searchParams,
      headers: req.headers,
      body: rawBody.toString('utf8'),
      at: Date.now(),
    };
    this.requests.push(recorded);
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));

    const fault = this.takeFault(recorded);
    if (fault?.hang) {
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    if (fault?.rawBody !== undefined) return this.send(res, { status: fault.status ?? 200, headers: { 'content-type': 'application/json', ...fault.headers }, body: fault.rawBody });
    if (fault) return this.send(res, { status: fault.status ?? 500, headers: fault.headers, body: fault.body ?? { message: 'injected failure' } });

    for (const route of this.routes) {
      if (route.method !== recorded.method) continue;
      const m = route.pattern.exec(recorded.path);
      if (!m) continue;
      const params = Object.fromEntries(route.names.map((n, i) => [n, m[i + 1]!]));
      const fakeReq: FakeRequest = {
        ...recorded,
        params,
        rawBody,
        json<T>() {
          try {
            return JSON.parse(recorded.body || 'null') as T;
          } catch {
            throw new FakeHttpError(400, { message: 'Body is not valid JSON' });
          }
        },
        form() {
          return new URLSearchParams(recorded.body);
        },
      };
      try {
        return this.send(res, await route.handler(fakeReq));
      } catch (err) {
        if (err instanceof FakeHttpError) return this.send(res, { status: err.status, headers: err.headers, body: err.body });
        return this.send(res, { status: 500, body: { message: `${this.name} fake failed: ${(err as Error).message}` } });
      }
    }
    this.send(res, { status: 404, body: { message: `${this.name} fake: no route for ${recorded.method} ${recorded.path}` } });
  }

  private send(res: ServerResponse, answer: FakeResponse): void {
    if (res.destroyed) return;
    const headers: Record<string, string> = { ...answer.headers };
    let payload: string | Buffer = '';
    if (Buffer.isBuffer(answer.body) || typeof answer.body === 'string') payload = answer.body;
    else if (answer.body !== undefined) {
      payload = JSON.stringify(answer.body);
      headers['content-type'] ??= 'application/json; charset=utf-8';
    }
    res.writeHead(answer.status ?? 200, headers);
    res.end(payload);
  }
}
