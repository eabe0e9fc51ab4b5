// The one HTTP policy every API client uses: timeouts, retries with backoff on 429/5xx honouring Retry-After, a
// concurrency limit and one error type (ApiError); the pagination styles of Tempo, Jira and GitHub live in
// pagination.ts and are exported from here too, so clients import one module.
import { Semaphore } from '../concurrency.ts';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import type { Logger } from '../logger.ts';
import { scrubSecrets, silentLogger } from '../logger.ts';
import { ApiError, excerpt } from './api-error.ts';

export { ApiError } from './api-error.ts';
export { linkRel, paginateGithub, paginateJiraTokens, paginateStartAt, paginateTempo } from './pagination.ts';

export interface HttpPolicy {
  /** Deadline of one attempt, from sending to the last byte of the answer. */
  timeoutMs: number;
  /** Attempts in all, the first one included. */
  maxAttempts: number;
  /** Backoff before retry n is a random wait in [0, min(maxDelayMs, baseDelayMs · 2^(n-1))] ("full jitter"). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Requests of one client in flight at once. */
  concurrency: number;
  /** Statuses that mean "asking again will not help". */
  doNotRetry: number[];
  /** A server asking us to wait longer than this (Retry-After, rate-limit reset) fails at once instead of stalling a job. */
  maxRetryAfterMs: number;
}

export const DEFAULT_HTTP_POLICY: Readonly<HttpPolicy> = Object.freeze({
  timeoutMs: 30_000,
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  concurrency: 4,
  doNotRetry: [400, 401, 403, 404, 409, 410, 422],
  maxRetryAfterMs: 15 * 60_000,
});

type QueryValue = string | number | boolean | readonly (string | number)[] | undefined;

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Relative to the client's baseUrl, or an absolute URL on the same host (a "next" link). */
  path: string;
  /** Arrays repeat the parameter (`projectId=1&projectId=2`); undefined values are left out. */
  query?: Record<string, QueryValue>;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * false for a request that must not run twice (creating an issue): then only answers that prove nothing was done
   * (429, connection refused) are retried, never a timeout or a 5xx. Default true.
   */
  idempotent?: boolean;
  /** 'text' returns the body as a string instead of parsing JSON. Default 'json'. */
  responseType?: 'json' | 'text';
}

export interface HttpResponse<T> {
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  data: T;
}

/**
 * An API's own reading of a failed answer: ms to wait before retrying, undefined for the default policy, or 'fail'
 * when retrying cannot help (e.g. OpenAI's insufficient_quota 429). A number also retries statuses in doNotRetry
 * (GitHub's secondary rate limit is a 403).
 */
export type RateLimitReader = (
  res: { status: number; headers: Record<string, string>; data: unknown },
  attempt: number,
) => number | undefined | 'fail';

export interface HttpClientOptions {
  /** Named in errors and logs: "Tempo", "Jira", "GitHub". */
  api: string;
  baseUrl: string;
  /** Sent with every request (Authorization lives here and nowhere else). */
  headers?: Record<string, string>;
  policy?: Partial<HttpPolicy>;
  logger?: Logger;
  sleep?: (ms: number) => Promise<void>;
  rateLimit?: RateLimitReader;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Network failures that prove the request never reached the server, so even a non-idempotent call may be repeated. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

type Attempt =
  | { kind: 'answer'; res: HttpResponse<unknown>; text: string }
  | { kind: 'network'; code: string; message: string; timedOut: boolean }
  /** A redirect we do not follow: to another host, or one too many. */
  | { kind: 'refused'; reason: string };

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** The variables axios takes a proxy from (then NO_PROXY applies). */
const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];
const MAX_REDIRECTS = 5;

export class HttpClient {
  readonly api: string;
  readonly policy: HttpPolicy;
  private readonly base: URL;
  private readonly axios: AxiosInstance;
  private readonly logger: Logger;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly rateLimit: RateLimitReader | undefined;
  private readonly limiter: Semaphore;
  /** Secret header values, removed from anything we put in an error or a log line. */
  private readonly secrets: string[];

  constructor(o: HttpClientOptions) {
    this.api = o.api;
    this.policy = { ...DEFAULT_HTTP_POLICY, ...o.policy };
    this.base = new URL(o.baseUrl.endsWith('/') ? o.baseUrl : `${o.baseUrl}/`);
    this.logger = o.logger ?? silentLogger;
    this.sleep = o.sleep ?? defaultSleep;
    this.rateLimit = o.rateLimit;
    this.limiter = new Semaphore(Math.max(1, this.policy.concurrency));
    const headers = { Accept: 'application/json', ...o.headers };
    this.secrets = Object.entries(headers)
      .filter(([name]) => /authorization|token|key|secret|cookie/i.test(name))
      .flatMap(([, value]) => [value, value.replace(/^\S+\s+/, '')])
      .filter((v) => v.length >= 6);
    this.axios = axios.create({
      headers,
      validateStatus: () => true,
      responseType: 'text',
      // We parse JSON ourselves so a malformed body is reported as such instead of silently becoming a string.
      transformResponse: [(data: unknown) => data],
      // Redirects are followed in `attempt`, where the same-host rule applies to them too (and axios' redirect
      // wrapper, which costs more CPU than the rest of a request, is left out).
      maxRedirects: 0,
      // axios reads the proxy variables on every request; with none set, it is told once that there is no proxy.
      ...(PROXY_VARIABLES.some((name) => process.env[name]) ? {} : { proxy: false as const }),
    });
  }

  async request<T>(r: HttpRequest): Promise<HttpResponse<T>> {
    const url = this.resolve(r);
    const endpoint = `${r.method} ${url.pathname}`;
    const idempotent = r.idempotent ?? true;
    const { maxAttempts } = this.policy;
    for (let attempt = 1; ; attempt += 1) {
      const result = await this.limiter.run(() => this.attempt(r, url));
      const fail = (reason: string, extra: { status?: number; body?: unknown; cause?: unknown } = {}) =>
        new ApiError({ api: this.api, endpoint, attempts: attempt, reason: this.redact(reason), ...extra, body: this.redactBody(extra.body) });

      let waitMs: number | undefined;
      if (result.kind === 'refused') throw fail(result.reason);
      if (result.kind === 'network') {
        const reason = result.timedOut ? `timed out after ${this.policy.timeoutMs} ms` : `network error ${result.code}`;
        const cause = Object.assign(new Error(this.redact(result.message)), { code: result.code });
        if (attempt >= maxAttempts || (!idempotent && !NOT_SENT_CODES.has(result.code))) throw fail(reason, { cause });
        waitMs = this.backoff(attempt);
        this.logger.warn({ api: this.api, endpoint, attempt, code: result.code, waitMs }, `${this.api} ${endpoint}: ${reason}, retrying`);
      } else {
        const { res, text } = result;
        if (res.status >= 200 && res.status < 300) {
          if (r.responseType === 'text') return { ...res, data: text as T };
          try {
            return { ...res, data: (text.trim() === '' ? undefined : JSON.parse(text)) as T };
          } catch (err) {
            throw fail(`malformed JSON in the HTTP ${res.status} answer: ${excerpt(text)}`, { status: res.status, body: text, cause: err });
          }
        }
        const body = parseLoosely(text);
        const reason = `HTTP ${res.status} ${excerpt(text)}`.trim();
        // A 5xx or 408 may have come after the work was done: a request that must not run twice is not repeated.
        if (!idempotent && (res.status >= 500 || res.status === 408)) throw fail(reason, { status: res.status, body });
        const told = this.rateLimit?.({ status: res.status, headers: res.headers, data: body }, attempt);
        if (told === 'fail') throw fail(reason, { status: res.status, body });
        if (typeof told === 'number') waitMs = told;
        else if (this.policy.doNotRetry.includes(res.status)) throw fail(reason, { status: res.status, body });
        else if (res.status === 429 || res.status === 408 || res.status >= 500) {
          waitMs = retryAfterMs(res.headers) ?? this.backoff(attempt);
        } else throw fail(reason, { status: res.status, body });

        if (attempt >= maxAttempts) throw fail(reason, { status: res.status, body });
        if (waitMs > this.policy.maxRetryAfterMs) {
          throw fail(`${reason} (asked to wait ${Math.ceil(waitMs / 1000)} s, more than the ${Math.round(this.policy.maxRetryAfterMs / 1000)} s we wait)`, {
            status: res.status,
            body,
          });
        }
        this.logger.warn({ api: this.api, endpoint, attempt, status: res.status, waitMs }, `${this.api} ${endpoint}: HTTP ${res.status}, retrying`);
      }
      await this.sleep(Math.max(0, waitMs));
    }
  }

  async get<T>(path: string, query?: HttpRequest['query']): Promise<T> {
    return (await this.request<T>({ method: 'GET', path, query })).data;
  }

  async post<T>(path: string, body?: unknown, query?: HttpRequest['query']): Promise<T> {
    return (await this.request<T>({ method: 'POST', path, body, query })).data;
  }

  async put<T>(path: string, body?: unknown, query?: HttpRequest['query']): Promise<T> {
    return (await this.request<T>({ method: 'PUT', path, body, query })).data;
  }

  async delete<T>(path: string, query?: HttpRequest['query']): Promise<T> {
    return (await this.request<T>({ method: 'DELETE', path, query })).data;
  }

  /** The full URL of a request; absolute URLs must stay on the base URL's host so our token never leaves it. */
  private resolve(r: HttpRequest): URL {
    const absolute = /^https?:\/\//i.test(r.path);
    const url = absolute ? new URL(r.path) : new URL(r.path.replace(/^\//, ''), this.base);
    if (url.origin !== this.base.origin) {
      throw new ApiError({ api: this.api, endpoint: `${r.method} ${url.pathname}`, attempts: 0, reason: `refusing to send a request to another host (${url.host})` });
    }
    for (const [name, value] of Object.entries(r.query ?? {})) {
      if (value === undefined) continue;
      url.searchParams.delete(name);
      for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(v));
    }
    return url;
  }

  private async attempt(r: HttpRequest, url: URL): Promise<Attempt> {
    const controller = new AbortController();
    let timedOut = false;
    // axios' own timeout only watches an idle socket; this deadline also covers a body that trickles in forever, and
    // every redirect of the attempt.
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.policy.timeoutMs);
    try {
      let hop = { method: r.method as string, url, body: r.body };
      for (let redirects = 0; ; redirects += 1) {
        const answer = await this.send(r, hop, controller.signal);
        const location = answer.res.headers.location;
        if (!REDIRECT_STATUSES.has(answer.res.status) || !location) return answer;
        if (redirects >= MAX_REDIRECTS) return { kind: 'refused', reason: `more than ${MAX_REDIRECTS} redirects (last to ${new URL(location, hop.url).pathname})` };
        const next = new URL(location, hop.url);
        // Our token goes to the API's own host and nowhere else.
        if (next.origin !== this.base.origin) return { kind: 'refused', reason: `redirected to another host (${next.host}); not followed` };
        // 307 and 308 repeat the request as it was; 301, 302 and 303 continue with a GET (what browsers and curl do).
        const keep = answer.res.status === 307 || answer.res.status === 308 || hop.method === 'GET';
        hop = keep ? { ...hop, url: next } : { method: 'GET', url: next, body: undefined };
      }
    } catch (err) {
      const e = err as { code?: string; message?: string };
      const code = timedOut ? 'ETIMEDOUT' : (e.code ?? 'ERR_NETWORK');
      return { kind: 'network', code, message: e.message ?? String(err), timedOut: timedOut || code === 'ECONNABORTED' || code === 'ETIMEDOUT' };
    } finally {
      clearTimeout(timer);
    }
  }

  /** One HTTP exchange. Throws on a network failure. */
  private async send(r: HttpRequest, hop: { method: string; url: URL; body: unknown }, signal: AbortSignal): Promise<Extract<Attempt, { kind: 'answer' }>> {
    const res: AxiosResponse<string> = await this.axios.request({
      method: hop.method,
      url: hop.url.toString(),
      headers: hop.body === undefined ? r.headers : { 'Content-Type': 'application/json', ...r.headers },
      data: hop.body === undefined ? undefined : JSON.stringify(hop.body),
      timeout: this.policy.timeoutMs,
      signal,
    });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.headers as Record<string, unknown>)) {
      if (value !== undefined && value !== null) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    }
    const text = typeof res.data === 'string' ? res.data : res.data === undefined ? '' : JSON.stringify(res.data);
    return { kind: 'answer', res: { status: res.status, headers, data: undefined }, text };
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(Math.random() * ceiling);
  }

  /** An error body may echo what we sent (some APIs quote the bad token back): scrub it like a message. */
  private redactBody(body: unknown): unknown {
    if (body === undefined) return undefined;
    // A body that is not JSON can be a whole HTML page or a broken multi-megabyte answer: keep its start.
    if (typeof body === 'string') return this.redact(body.length > 4000 ? `${body.slice(0, 4000)}…` : body);
    try {
      return JSON.parse(this.redact(JSON.stringify(body)));
    } catch {
      return '[unreadable body]';
    }
  }

  private redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('[redacted]');
    return scrubSecrets(out);
  }
}

function parseLoosely(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Retry-After as ms to wait: either delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function retryAfterMs(headers: Record<string, string>, now: number = Date.now()): number | undefined {
  const value = (headers['retry-after'] ?? Object.entries(headers).find(([k]) => k.toLowerCase() === 'retry-after')?.[1])?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
