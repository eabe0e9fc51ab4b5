// The Slack Web API client: @slack/web-api's WebClient set up with our HTTP policy (timeout, concurrency, retries that
// honour Retry-After), a pino logger that never logs tokens, messages to one channel sent one at a time in order, and
// the few calls the jobs need by name: upload a file, open a DM, find a person by email, read an error's code.
import { format } from 'node:util';
import {
  ErrorCode,
  LogLevel,
  WebClient,
  type FilesUploadV2Arguments,
  type Logger as SlackLogger,
  type RetryOptions,
  type WebAPICallResult,
  type WebClientOptions,
} from '@slack/web-api';
import type { Logger } from '../logger.ts';
import { scrubSecrets, silentLogger } from '../logger.ts';
import { DEFAULT_HTTP_POLICY } from './http.ts';

export interface SlackClientOptions {
  token: string;
  /** `SLACK_API_URL`: Slack's by default, a fake server's `apiUrl` in tests and the demo. */
  apiUrl?: string;
  logger?: Logger;
  /** Attempts after the first (429s included: each waits the Retry-After Slack gave). */
  retries?: number;
  /** Backoff between attempts (p-retry options); tests shrink it, e.g. `{ factor: 1, minTimeout: 10, maxTimeout: 50 }`. */
  retryConfig?: RetryOptions;
  /** Requests in flight at once, across channels. */
  maxRequestConcurrency?: number;
  timeoutMs?: number;
}

/** Production backoff: about ten minutes of retrying before a send is given up. */
const DEFAULT_RETRY: RetryOptions = { retries: 8, factor: 2, minTimeout: 1000, maxTimeout: 60_000, randomize: true };

/** The WebClient options we use everywhere (also for Bolt's `clientOptions`, so its client follows the same policy). */
export function slackWebClientOptions(options: Omit<SlackClientOptions, 'token'> & { token?: string }): WebClientOptions {
  const retryConfig: RetryOptions = { ...DEFAULT_RETRY, ...options.retryConfig };
  if (options.retries !== undefined) retryConfig.retries = options.retries;
  return {
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/` } : {}),
    logger: slackLoggerFrom(options.logger ?? silentLogger, options.token),
    retryConfig,
    maxRequestConcurrency: options.maxRequestConcurrency ?? DEFAULT_HTTP_POLICY.concurrency,
    timeout: options.timeoutMs ?? DEFAULT_HTTP_POLICY.timeoutMs,
    // Wait out a 429 (the queue pauses for Retry-After) rather than failing the call.
    rejectRateLimitedCalls: false,
  };
}

export function createSlackWebClient(options: SlackClientOptions): WebClient {
  return new SlackWebClient(options.token, slackWebClientOptions(options));
}

/** Methods that change what a channel shows: sent in order, one at a time per channel. */
const ORDERED_METHODS = new Set([
  'chat.postMessage',
  'chat.postEphemeral',
  'chat.update',
  'chat.delete',
  'chat.scheduleMessage',
  'chat.deleteScheduledMessage',
  'files.completeUploadExternal',
]);

/**
 * A WebClient that sends to each channel one call at a time. Slack allows about one message per second per channel;
 * with one call in flight per channel a 429 pauses that channel's sends until Retry-After, so a burst gets through
 * in order instead of many calls failing at once (and messages never swap places when one is retried).
 */
export class SlackWebClient extends WebClient {
  private readonly channelTails = new Map<string, Promise<unknown>>();

  override apiCall(method: string, options?: Record<string, unknown>): Promise<WebAPICallResult> {
    // A shared file's message belongs in the same order as the channel's other messages.
    const channel = method === 'files.completeUploadExternal' ? options?.channel_id : options?.channel;
    if (!ORDERED_METHODS.has(method) || typeof channel !== 'string') return super.apiCall(method, options);
    const previous = this.channelTails.get(channel) ?? Promise.resolve();
    const call = previous.then(() => super.apiCall(method, options));
    const tail = call.then(
      () => undefined,
      () => undefined,
    );
    this.channelTails.set(channel, tail);
    void tail.then(() => {
      if (this.channelTails.get(channel) === tail) this.channelTails.delete(channel);
    });
    return call;
  }
}

/** WebClient's logger interface on top of pino; every line is scrubbed of the token and anything token-shaped. */
export function slackLoggerFrom(logger: Logger, token?: string): SlackLogger {
  const log = logger.child({ component: 'slack-web-api' });
  const line = (parts: unknown[]): string => {
    let text = format(...parts);
    if (token) text = text.split(token).join('[redacted]');
    return scrubSecrets(text);
  };
  const at = (level: 'debug' | 'info' | 'warn' | 'error') => (...parts: unknown[]) => {
    if (log.isLevelEnabled(level)) log[level](line(parts));
  };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    // Bolt and WebClient call setLevel(INFO) when not given a level; the operator's LOG_LEVEL must win, so ignore it.
    setLevel: () => undefined,
    getLevel: () => {
      const level = log.level;
      if (level === 'trace' || level === 'debug') return LogLevel.DEBUG;
      if (level === 'info') return LogLevel.INFO;
      if (level === 'warn') return LogLevel.WARN;
      return LogLevel.ERROR;
    },
    setName: () => {
      // the child's `component` already names these lines
    },
  };
}

export interface FileUpload {
  /** Where to share it; without it the file stays private to the bot. */
  channelId?: string;
  /** Share as a reply in this thread (needs channelId). */
  threadTs?: string;
  filename: string;
  title?: string;
  content: Buffer;
  initialComment?: string;
}

/**
 * Upload a file the way Slack now requires (files.upload is retired): files.getUploadURLExternal → POST the bytes to
 * the returned upload_url → files.completeUploadExternal. WebClient's filesUploadV2 does exactly these three steps,
 * through the same queue and retries as every other call.
 */
export async function uploadFile(client: WebClient, upload: FileUpload): Promise<{ fileId: string }> {
  if (upload.threadTs && !upload.channelId) throw new Error(`uploadFile ${upload.filename}: threadTs needs channelId`);
  const args = {
    file: upload.content,
    filename: upload.filename,
    title: upload.title ?? upload.filename,
    ...(upload.channelId ? { channel_id: upload.channelId } : {}),
    ...(upload.threadTs ? { thread_ts: upload.threadTs } : {}),
    ...(upload.initialComment !== undefined ? { initial_comment: upload.initialComment } : {}),
  } as FilesUploadV2Arguments;
  const result = await client.filesUploadV2(args);
  const fileId = result.files[0]?.files?.[0]?.id;
  if (!fileId) throw new Error(`uploadFile ${upload.filename}: Slack answered without a file id`);
  return { fileId };
}

/** The id (D…) of the bot's DM with a person, opening it when needed. */
export async function openDm(client: WebClient, userId: string): Promise<string> {
  const result = await client.conversations.open({ users: userId });
  const id = result.channel?.id;
  if (!id) throw new Error(`conversations.open for ${userId} answered without a channel id`);
  return id;
}

/** A person's Slack user id from their email; null when Slack knows no one with it. */
export async function lookupUserIdByEmail(client: WebClient, email: string): Promise<string | null> {
  try {
    const result = await client.users.lookupByEmail({ email });
    return result.user?.id ?? null;
  } catch (err) {
    if (slackErrorCode(err) === 'users_not_found') return null;
    throw err;
  }
}

/**
 * The Slack error code of a failed call (`channel_not_found`, `invalid_blocks`, `ratelimited` …), or undefined when
 * the failure was not Slack's answer (network, timeout). Reads the error's `code` rather than its class, so errors
 * from Bolt's own copy of @slack/web-api are understood too.
 */
export function slackErrorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; data?: { error?: unknown }; statusCode?: unknown; original?: { message?: unknown } };
  if (e.code === ErrorCode.PlatformError) return typeof e.data?.error === 'string' ? e.data.error : undefined;
  if (e.code === ErrorCode.RateLimitedError) return 'ratelimited';
  if (e.code === ErrorCode.HTTPError && e.statusCode === 429) return 'ratelimited';
  // WebClient gives up on a 429 it retried too often with a request error wrapping "A rate limit was exceeded".
  if (e.code === ErrorCode.RequestError && typeof e.original?.message === 'string' && /rate limit was exceeded/i.test(e.original.message)) {
    return 'ratelimited';
  }
  return undefined;
}
