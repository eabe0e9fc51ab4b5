// The LLM through OpenAI (or any OpenAI-compatible server) with the official SDK: structured answers with one repair,
// embeddings batched under the API's limits, and SDK failures turned into errors that say what to do.
import { APIConnectionError, APIConnectionTimeoutError, APIError, OpenAI } from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { z } from 'zod';
import { scrubSecrets, type Logger } from '../logger.ts';
import type { JsonRequest, Llm } from './llm.ts';
import { LlmAnswerError, LlmUnavailableError } from './llm-errors.ts';
import { checkAnswer, jsonSchemaOf, repairRequest, strictJsonSchema } from './llm-structured-output.ts';

export interface OpenAiSettings {
  apiKey: string;
  baseURL: string;
  model: string;
  embeddingModel: string;
  timeoutMs: number;
  maxRetries: number;
  logger: Logger;
}

const MAX_EMBEDDING_INPUTS = 2048;
/** OpenAI allows 300,000 tokens per embeddings request and 8,192 per input; we stay under both with margin. */
const EMBEDDING_TOKENS_PER_REQUEST = 250_000;
const EMBEDDING_TOKENS_PER_INPUT = 8_000;

/**
 * Token count estimate without a tokenizer: UTF-8 bytes / 3 (English runs ~4 bytes a token, so this over-counts, which
 * is the safe side for limits).
 */
function estimateTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, 'utf8') / 3);
}

/** Texts longer than one embedding input allows are cut (their start carries the meaning we compare on). */
function clipForEmbedding(text: string): string {
  const maxBytes = EMBEDDING_TOKENS_PER_INPUT * 3;
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  return Buffer.from(text, 'utf8').subarray(0, maxBytes).toString('utf8').replace(/\uFFFD+$/, '');
}

/** Groups inputs into requests of at most 2048 inputs and the per-request token budget, keeping order. */
function embeddingBatches<T extends { text: string }>(items: T[]): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let tokens = 0;
  for (const item of items) {
    const cost = estimateTokens(item.text);
    if (current.length > 0 && (current.length === MAX_EMBEDDING_INPUTS || tokens + cost > EMBEDDING_TOKENS_PER_REQUEST)) {
      batches.push(current);
      current = [];
      tokens = 0;
    }
    current.push(item);
    tokens += cost;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * The SDK retries every 429, but `insufficient_quota` (no credit left) will not pass by waiting: mark such answers with
 * `x-should-retry: false`, which the SDK obeys, so the error surfaces at once. Decided here, whatever the server sends.
 */
const fetchWithoutQuotaRetries: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  if (response.status !== 429) return response;
  const text = await response.text();
  const headers = new Headers(response.headers);
  headers.delete('content-encoding');
  headers.delete('content-length');
  if (isQuotaError(text)) headers.set('x-should-retry', 'false');
  return new Response(text, { status: response.status, statusText: response.statusText, headers });
};

function isQuotaError(body: string): boolean {
  try {
    const error = (JSON.parse(body) as { error?: { code?: unknown; type?: unknown } }).error;
    return error?.code === 'insufficient_quota' || error?.type === 'insufficient_quota';
  } catch {
    return false;
  }
}

export class OpenAiLlm implements Llm {
  readonly kind = 'openai' as const;
  readonly label: string;
  private readonly client: OpenAI;

  constructor(private readonly settings: OpenAiSettings) {
    // Passed explicitly: left undefined, the SDK would read OPENAI_BASE_URL/OPENAI_API_KEY from process.env instead.
    this.client = new OpenAI({
      apiKey: settings.apiKey,
      baseURL: settings.baseURL,
      timeout: settings.timeoutMs,
      maxRetries: settings.maxRetries,
      fetch: fetchWithoutQuotaRetries,
    });
    const url = new URL(settings.baseURL);
    this.label = url.host === 'api.openai.com' ? `OpenAI ${settings.model}` : `${settings.model} (OpenAI-compatible, ${url.host})`;
  }

  async json<T>(req: JsonRequest<T>): Promise<T> {
    if (!/^[a-zA-Z0-9_-]{1,64}$/.test(req.name)) throw new Error(`json: name "${req.name}" must match ^[a-zA-Z0-9_-]{1,64}$ (OpenAI's rule)`);
    const source = req.jsonSchema ?? jsonSchemaOf(req.schema, req.name);
    const schema = strictJsonSchema(source, req.name);
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: req.system },
      { role: 'user', content: req.user },
    ];
    for (let attempt = 1; ; attempt++) {
      const completion = await this.call(`json "${req.name}"`, () =>
        this.client.chat.completions.create({
          model: this.settings.model,
          messages,
          response_format: { type: 'json_schema', json_schema: { name: req.name, schema, strict: true } },
        }),
      );
      const choice = completion.choices[0];
      const refusal = choice?.message.refusal;
      if (refusal) throw new LlmAnswerError(`${this.label} refused to answer "${req.name}": ${refusal}`, refusal, [`the model refused: ${refusal}`]);
      const raw = choice?.message.content ?? '';
      const checked = checkAnswer(raw, req.schema, source, choice?.finish_reason);
      this.settings.logger.debug({ name: req.name, attempt, usage: completion.usage, ok: checked.ok }, 'LLM json answer');
      if (checked.ok) return checked.value;
      if (attempt >= 2) {
        throw new LlmAnswerError(`${this.label} gave no usable "${req.name}" answer after one repair: ${checked.problems.join('; ')}`, raw, checked.problems);
      }
      this.settings.logger.warn({ name: req.name, problems: checked.problems }, 'LLM answer unusable, asking for a repair');
      messages.push({ role: 'assistant', content: raw }, { role: 'user', content: repairRequest(req.name, checked.problems) });
    }
  }

  async embed(texts: string[]): Promise<number[][]> {
    const vectors: (number[] | undefined)[] = Array.from({ length: texts.length }, () => undefined);
    // The API refuses empty strings; those texts get a zero vector below instead.
    const items = texts.map((text, position) => ({ position, text: clipForEmbedding(text) })).filter((item) => item.text.trim() !== '');
    for (const batch of embeddingBatches(items)) {
      const response = await this.call('embed', () =>
        this.client.embeddings.create({ model: this.settings.embeddingModel, input: batch.map((item) => item.text), encoding_format: 'float' }),
      );
      if (response.data.length !== batch.length) {
        const problem = `the embeddings answer had ${response.data.length} vectors for ${batch.length} inputs`;
        throw new LlmAnswerError(`${this.label}: ${problem}`, '', [problem]);
      }
      // Reorder by `index`: the API does not promise the order of `data`.
      for (const datum of response.data) {
        const item = batch[datum.index];
        if (!item) throw new LlmAnswerError(`${this.label}: embedding index ${datum.index} is out of range`, '', [`index ${datum.index} out of range`]);
        vectors[item.position] = datum.embedding;
      }
    }
    const dimensions = vectors.find((v) => v !== undefined)?.length ?? 0;
    return vectors.map((v) => v ?? new Array<number>(dimensions).fill(0));
  }

  async classify(text: string, labels: { label: string; description: string }[]): Promise<{ label: string; confidence: number }> {
    const names = [...new Set(labels.map((l) => l.label))];
    if (names.length === 0) throw new Error('classify: at least one label is needed');
    const schema = z.object({ label: z.enum(names as [string, ...string[]]), confidence: z.number().min(0).max(1) });
    return this.json({
      name: 'classification',
      system:
        'You classify a text into exactly one of the given labels. Answer with the best label and your confidence from 0 to 1 ' +
        '(1 = certain, 0.5 = a coin toss between two labels, near 0 = none fits).',
      user: `Labels:\n${labels.map((l) => `- ${l.label}: ${l.description}`).join('\n')}\n\nText:\n${text}`,
      schema,
    });
  }

  /** One API call, with SDK failures turned into LlmUnavailableError that say what to do (and never carry the key). */
  private async call<R>(what: string, request: () => Promise<R>): Promise<R> {
    try {
      return await request();
    } catch (err) {
      const error = unavailableError(err, what, this.settings);
      this.settings.logger.error({ reason: error.reason, err: error }, error.message);
      throw error;
    }
  }
}

function unavailableError(err: unknown, what: string, settings: OpenAiSettings): LlmUnavailableError {
  const host = new URL(settings.baseURL).host;
  if (err instanceof APIConnectionTimeoutError) {
    return new LlmUnavailableError(`${host} did not answer ${what} within ${settings.timeoutMs / 1000} s`, 'unreachable', { cause: err });
  }
  if (err instanceof APIConnectionError) {
    return new LlmUnavailableError(`could not reach ${host} for ${what}: ${scrubSecrets(err.message)}`, 'unreachable', { cause: err });
  }
  if (err instanceof APIError) {
    const detail = scrubSecrets(err.message);
    if (err.status === 401) {
      return new LlmUnavailableError(`${host} refused OPENAI_API_KEY (401 ${err.code ?? 'unauthorized'}): set a valid key`, 'invalid-api-key', { cause: err });
    }
    if (err.status === 429 && (err.code === 'insufficient_quota' || err.type === 'insufficient_quota')) {
      return new LlmUnavailableError(
        `${host} refused ${what}: the account behind OPENAI_API_KEY has no quota left (insufficient_quota); add credit or use another key`,
        'insufficient-quota',
        { cause: err },
      );
    }
    if (err.status === 429) {
      return new LlmUnavailableError(`${host} is still rate limiting ${what} after ${settings.maxRetries} retries: ${detail}`, 'rate-limited', { cause: err });
    }
    return new LlmUnavailableError(`${host} answered ${what} with ${detail}`, 'api-error', { cause: err });
  }
  return new LlmUnavailableError(`${what} failed: ${scrubSecrets(String(err))}`, 'api-error', { cause: err });
}
