// The one LLM interface: OpenAI (or any OpenAI-compatible server) through the official SDK when OPENAI_API_KEY is set,
// otherwise a deterministic local fallback (TF-IDF similarity) that is labelled as such wherever its output is shown.
import { APIConnectionError, APIConnectionTimeoutError, APIError, OpenAI } from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { z } from 'zod';
import { scrubSecrets, silentLogger, type Logger } from '../logger.ts';
import { classifyBySimilarity, tfidfVectors } from '../services/text-similarity.ts';

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
const LOCAL_LABEL = 'local fallback (no LLM configured)';

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

/** Deterministic stand-in: similarity from word overlap; free-form answers are refused so callers use their rules. */
class LocalLlm implements Llm {
  readonly kind = 'local' as const;
  readonly label = LOCAL_LABEL;

  async json<T>(req: JsonRequest<T>): Promise<T> {
    throw new LlmUnavailableError(
      `"${req.name}" needs an LLM and none is configured: set OPENAI_API_KEY (and OPENAI_BASE_URL for an OpenAI-compatible server)`,
      'not-configured',
    );
  }

  async embed(texts: string[]): Promise<number[][]> {
    return tfidfVectors(texts);
  }

  async classify(text: string, labels: { label: string; description: string }[]): Promise<{ label: string; confidence: number }> {
    const { label, confidence } = classifyBySimilarity(text, labels);
    return { label, confidence };
  }
}

// ---- OpenAI ----

interface OpenAiSettings {
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
const MAX_PROBLEMS_SHOWN = 20;

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

class OpenAiLlm implements Llm {
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

// ---- Structured answers: schema for the model, checking what comes back ----

type JsonSchema = Record<string, unknown>;

function repairRequest(name: string, problems: string[]): string {
  return (
    `Your previous answer could not be used:\n${problems.map((p) => `- ${p}`).join('\n')}\n` +
    `Answer again with only a JSON object that matches the "${name}" schema and fixes these problems.`
  );
}

function jsonSchemaOf(schema: z.ZodType, name: string): JsonSchema {
  try {
    // `input`: the model writes what zod will parse (defaults and transforms apply afterwards).
    return z.toJSONSchema(schema, { target: 'draft-7', io: 'input' }) as JsonSchema;
  } catch (err) {
    throw new Error(`json "${name}": the zod schema cannot be written as JSON Schema (${(err as Error).message}); pass jsonSchema`, { cause: err });
  }
}

/**
 * A strict-mode copy of a JSON Schema: every object closed (`additionalProperties: false`) and listing every property in
 * `required`. A property that was optional becomes nullable instead; `dropInventedNulls` removes those nulls again before
 * zod sees the answer. `oneOf` becomes `anyOf` and `default`/`$schema` go (strict mode does not take them).
 */
export function strictJsonSchema(schema: JsonSchema, name: string): JsonSchema {
  const strict = makeStrict(schema, name) as JsonSchema;
  delete strict.$schema;
  if (strict.type !== 'object') {
    throw new Error(`json "${name}": the answer's schema must be an object at the root (strict structured output needs one); wrap it in z.object({ ... })`);
  }
  return strict;
}

function makeStrict(node: unknown, path: string): unknown {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return node;
  const out: JsonSchema = { ...(node as JsonSchema) };
  delete out.default;
  if (Array.isArray(out.oneOf) && out.anyOf === undefined) {
    out.anyOf = out.oneOf;
    delete out.oneOf;
  }
  const properties = out.properties as Record<string, unknown> | undefined;
  if (out.type === 'object' || properties) {
    if (typeof out.additionalProperties === 'object' && out.additionalProperties !== null) {
      throw new Error(`json schema at ${path}: open-ended objects (z.record) cannot be used with strict structured output; list the keys`);
    }
    const required = new Set(Array.isArray(out.required) ? (out.required as string[]) : []);
    const strictProperties: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(properties ?? {})) {
      const strictChild = makeStrict(child, `${path}.${key}`);
      strictProperties[key] = required.has(key) || admitsNull(strictChild) ? strictChild : { anyOf: [strictChild, { type: 'null' }] };
    }
    out.properties = strictProperties;
    out.required = Object.keys(strictProperties);
    out.additionalProperties = false;
  }
  if (out.items !== undefined) out.items = makeStrict(out.items, `${path}[]`);
  if (Array.isArray(out.anyOf)) out.anyOf = out.anyOf.map((branch: unknown) => makeStrict(branch, path));
  for (const keyword of ['definitions', '$defs']) {
    const defs = out[keyword] as Record<string, unknown> | undefined;
    if (defs) out[keyword] = Object.fromEntries(Object.entries(defs).map(([k, d]) => [k, makeStrict(d, `${keyword}.${k}`)]));
  }
  return out;
}

function admitsNull(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null) return schema === true;
  const node = schema as JsonSchema;
  if (node.type === 'null' || (Array.isArray(node.type) && node.type.includes('null'))) return true;
  if (Array.isArray(node.enum) && node.enum.includes(null)) return true;
  return Array.isArray(node.anyOf) && node.anyOf.some(admitsNull);
}

function resolveRef(root: JsonSchema, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  return ref
    .slice(1)
    .split('/')
    .filter((part) => part !== '')
    .map((part) => decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, part) => (typeof node === 'object' && node !== null ? (node as JsonSchema)[part] : undefined), root);
}

/** Removes the nulls strict mode made the model write for properties the caller's schema left optional. */
function dropInventedNulls(value: unknown, schema: unknown, root: JsonSchema, depth = 0): unknown {
  if (depth > 64 || typeof schema !== 'object' || schema === null) return value;
  let node = schema as JsonSchema;
  if (typeof node.$ref === 'string') node = (resolveRef(root, node.$ref) as JsonSchema | undefined) ?? node;
  if (Array.isArray(node.anyOf)) {
    const wanted = Array.isArray(value) ? 'array' : typeof value === 'object' && value !== null ? 'object' : undefined;
    const branches = (node.anyOf as JsonSchema[]).filter((b) => wanted && (b?.type === wanted || (wanted === 'object' ? b?.properties : b?.items)));
    return branches.length === 1 ? dropInventedNulls(value, branches[0], root, depth + 1) : value;
  }
  if (Array.isArray(value)) return node.items ? value.map((item) => dropInventedNulls(item, node.items, root, depth + 1)) : value;
  const properties = node.properties as Record<string, unknown> | undefined;
  if (typeof value !== 'object' || value === null || !properties) return value;
  const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const propertySchema = properties[key];
    if (item === null && propertySchema !== undefined && !required.has(key) && !admitsNull(propertySchema)) continue;
    out[key] = propertySchema === undefined ? item : dropInventedNulls(item, propertySchema, root, depth + 1);
  }
  return out;
}

function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), '') || '(root)';
}

type Checked<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** Parses and validates one raw answer; the problems are worded for the repair request and for people. */
function checkAnswer<T>(raw: string, schema: z.ZodType<T>, source: JsonSchema, finishReason: string | undefined): Checked<T> {
  const problems: string[] = [];
  if (finishReason === 'length') problems.push('the answer was cut off at the token limit (finish_reason: length)');
  if (finishReason === 'content_filter') problems.push('the answer was stopped by the content filter');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    return { ok: false, problems: [...problems, `not valid JSON: ${(err as Error).message}`] };
  }
  const result = schema.safeParse(dropInventedNulls(parsed, source, source));
  if (result.success) return { ok: true, value: result.data };
  const issues = result.error.issues.map((issue) => `${issuePath(issue.path)}: ${issue.message}`);
  const shown = issues.slice(0, MAX_PROBLEMS_SHOWN);
  if (issues.length > shown.length) shown.push(`and ${issues.length - shown.length} more problems`);
  return { ok: false, problems: [...problems, ...shown] };
}
