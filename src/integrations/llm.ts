// The one LLM interface: OpenAI (or any OpenAI-compatible server) through the official SDK when OPENAI_API_KEY is set,
// otherwise a deterministic local fallback (TF-IDF similarity) that is labelled as such wherever its output is shown.
// This is the entry: the interface and createLlm; the clients, errors and structured-output checks live beside it.
import type { z } from 'zod';
import { silentLogger, type Logger } from '../logger.ts';
import { LocalLlm } from './llm-local.ts';
import { OpenAiLlm } from './llm-openai.ts';

export { LlmAnswerError, LlmUnavailableError, type LlmUnavailableReason } from './llm-errors.ts';
export { strictJsonSchema } from './llm-structured-output.ts';

export interface JsonRequest<T> {
  /** Names the answer's shape (`^[a-zA-Z0-9_-]{1,64}$`), e.g. `plan`; shown in errors and logs. */
  name: string;
  system: string;
  user: string;
  schema: z.ZodType<T>;
  /** The JSON Schema sent to the model; derived from `schema` when absent. Made strict-compatible either way. */
  jsonSchema?: Record<string, unknown>;
}

export interface Llm {
  readonly kind: 'openai' | 'local';
  /** How output made with it is labelled for people, e.g. "OpenAI gpt-4o-mini" or "local fallback (no LLM configured)". */
  readonly label: string;
  /** Structured answer validated by `schema`; one repair attempt feeding back the validation errors; then LlmAnswerError. */
  json<T>(req: JsonRequest<T>): Promise<T>;
  /**
   * One vector per text, in input order. Empty texts get a zero vector (similar to nothing). The local fallback's vectors
   * are TF-IDF over this one batch: compare vectors only within one call.
   */
  embed(texts: string[]): Promise<number[][]>;
  /** Pick the best label for a text: { label, confidence 0..1 }. */
  classify(text: string, labels: { label: string; description: string }[]): Promise<{ label: string; confidence: number }>;
}

export interface LlmEnv {
  OPENAI_API_KEY?: string;
  OPENAI_BASE_URL?: string;
  OPENAI_MODEL?: string;
  OPENAI_EMBEDDING_MODEL?: string;
}

export interface LlmOptions {
  logger?: Logger;
  /** Per request, ms (default 60 s; the SDK's own default of 10 minutes is far too long for a bot). */
  timeoutMs?: number;
  /** SDK retries on connection errors, 408, 409, 429 (except insufficient_quota) and 5xx (default 2). */
  maxRetries?: number;
}

export const DEFAULT_MODEL = 'gpt-4o-mini';
export const DEFAULT_EMBEDDING_MODEL = 'text-embedding-3-small';
const OPENAI_URL = 'https://api.openai.com/v1';

/** OpenAI when a key is configured (any non-empty key for Ollama/vLLM), otherwise the local fallback. */
export function createLlm(env: LlmEnv, options: LlmOptions = {}): Llm {
  const logger = (options.logger ?? silentLogger).child({ integration: 'llm' });
  const apiKey = env.OPENAI_API_KEY?.trim();
  if (!apiKey) {
    logger.info('no OPENAI_API_KEY: using the local fallback (TF-IDF similarity and rules)');
    return new LocalLlm();
  }
  return new OpenAiLlm({
    apiKey,
    baseURL: env.OPENAI_BASE_URL?.trim() || OPENAI_URL,
    model: env.OPENAI_MODEL?.trim() || DEFAULT_MODEL,
    embeddingModel: env.OPENAI_EMBEDDING_MODEL?.trim() || DEFAULT_EMBEDDING_MODEL,
    timeoutMs: options.timeoutMs ?? 60_000,
    maxRetries: options.maxRetries ?? 2,
    logger,
  });
}
