// What can go wrong asking an LLM: an answer that cannot be used, or no answer to be had at all.

/** The model answered, but not with something usable (refusal, not JSON, or not the asked-for shape even after repair). */
export class LlmAnswerError extends Error {
  override readonly name = 'LlmAnswerError';
  constructor(
    message: string,
    /** The model's last raw answer. */
    readonly raw: string,
    /** What was wrong with it, one line each, e.g. `steps[0].title: Invalid input: expected string, received number`. */
    readonly problems: string[],
  ) {
    super(message);
  }
}

export type LlmUnavailableReason = 'not-configured' | 'invalid-api-key' | 'insufficient-quota' | 'rate-limited' | 'unreachable' | 'api-error';

/** No LLM answer can be had (none configured, key refused, no quota, server down): callers fall back to their rules. */
export class LlmUnavailableError extends Error {
  override readonly name = 'LlmUnavailableError';
  constructor(
    message: string,
    readonly reason: LlmUnavailableReason = 'not-configured',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
