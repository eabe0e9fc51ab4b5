// ApiError, the one error every API client throws (which API, which endpoint, the last status), and how a body is
// quoted in its message.
import { scrubSecrets } from '../logger.ts';

/** Every failure of an API call: which API, which endpoint (method and path, never the query), the last status. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly api: string;
  /** e.g. `GET /4/worklogs`: path only, never query strings or tokens. */
  readonly endpoint: string;
  /** The last HTTP status; undefined when no answer came (network error, timeout). */
  readonly status: number | undefined;
  /** The last answer's body (parsed JSON when it was JSON). */
  readonly body: unknown;
  readonly attempts: number;

  constructor(init: { api: string; endpoint: string; status?: number; body?: unknown; attempts: number; reason: string; cause?: unknown }) {
    const tries = init.attempts > 1 ? ` after ${init.attempts} attempts` : '';
    super(scrubSecrets(`${init.api} ${init.endpoint} failed${tries}: ${init.reason}`), init.cause === undefined ? undefined : { cause: init.cause });
    this.api = init.api;
    this.endpoint = init.endpoint;
    this.status = init.status;
    this.body = init.body;
    this.attempts = init.attempts;
  }
}

/** The start of a body, on one line, for an error message (an HTML error page loses its tags). */
export function excerpt(text: string, max = 200): string {
  const plain = /^\s*</.test(text) ? text.replace(/<[^>]*>/g, ' ') : text;
  const flat = plain.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
