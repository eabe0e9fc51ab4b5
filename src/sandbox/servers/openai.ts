// A fake OpenAI API (Chat Completions and Embeddings) over real HTTP, in OpenAI's JSON shapes and error bodies, so the
// official SDK can be pointed at it with `baseURL`. Chat answers are scripted by the test; embeddings are deterministic.
import { FakeHttpError, FakeServer, type FakeRequest, type RecordedRequest } from './fake-server.ts';

export interface OpenAiFakeOptions {
  /** The key clients must send as `Authorization: Bearer <key>` (default `sk-fake-openai-key`). */
  apiKey?: string;
  latencyMs?: number;
}

/** A scripted chat answer: the raw `message.content` (need not be valid JSON) or a refusal. */
export type ScriptedAnswer = string | { refusal: string };

/** The parts of a Chat Completions request body the fake reads (and tests assert on). */
export interface ChatCompletionRequestBody {
  model: string;
  messages: { role: string; content: unknown }[];
  response_format?: { type: string; json_schema?: { name: string; schema?: Record<string, unknown>; strict?: boolean | null } };
  [key: string]: unknown;
}

export interface EmbeddingRequestBody {
  model: string;
  input: string | string[] | number[] | number[][];
  dimensions?: number;
  encoding_format?: 'float' | 'base64';
}

const MAX_EMBEDDING_INPUTS = 2048;
const MAX_TOKENS_PER_INPUT = 8192;
const MAX_TOKENS_PER_REQUEST = 300_000;
const NATIVE_DIMENSIONS: Record<string, number> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};
const SCHEMA_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** OpenAI's error body: `{ error: { message, type, param, code } }`. */
function apiError(status: number, message: string, type: string, code: string | null, param: string | null = null, headers: Record<string, string> = {}): FakeHttpError {
  return new FakeHttpError(status, { error: { message, type, param, code } }, headers);
}

function invalidRequest(message: string, param: string | null = null, code: string | null = null): FakeHttpError {
  return apiError(400, message, 'invalid_request_error', code, param);
}

/** A rough token count (4 characters a token, like OpenAI's rule of thumb); the fake only needs it for limits and usage. */
function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** FNV-1a, 32 bits: a small, stable hash so the same text always gives the same vector. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A deterministic unit vector for a text: each word is hashed onto a few dimensions (feature hashing), so texts that share
 * words point in similar directions and identical texts give identical vectors — enough to write similarity tests.
 */
export function fakeEmbedding(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [text];
  for (const word of words) {
    for (let seed = 0; seed < 4; seed++) {
      const hash = fnv1a(`${seed}:${word}`);
      vector[hash % dimensions]! += hash & 0x80000000 ? -1 : 1;
    }
  }
  const norm = Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0)) || 1;
  return vector.map((x) => x / norm);
}

function toBase64(vector: number[]): string {
  const floats = new Float32Array(vector);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
}

/**
 * Strict Structured Outputs accept a subset of JSON Schema: the root is an object, and every object lists all of its
 * properties in `required` and sets `additionalProperties: false`. Returns what is wrong, worded like OpenAI's 400s.
 */
export function strictSchemaProblems(schema: unknown, context: string[] = []): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const node = schema as Record<string, unknown>;
  const where = `context=(${context.map((c) => `'${c}'`).join(', ')})`;
  const problems: string[] = [];
  if (context.length === 0 && node.type !== 'object') problems.push(`${where}, the root schema must be of type 'object'`);
  const properties = node.properties as Record<string, unknown> | undefined;
  if (node.type === 'object' || properties) {
    if (node.additionalProperties !== false) problems.push(`In ${where}, 'additionalProperties' is required to be supplied and to be false`);
    const required = Array.isArray(node.required) ? (node.required as string[]) : [];
    const missing = Object.keys(properties ?? {}).filter((key) => !required.includes(key));
    if (missing.length > 0) {
      problems.push(`In ${where}, 'required' is required to be supplied and to be an array including every key in properties. Missing ${missing.map((m) => `'${m}'`).join(', ')}`);
    }
  }
  for (const [key, child] of Object.entries(properties ?? {})) problems.push(...strictSchemaProblems(child, [...context, 'properties', key]));
  if (node.items) problems.push(...strictSchemaProblems(node.items, [...context, 'items']));
  for (const keyword of ['anyOf', 'oneOf', 'allOf'] as const) {
    const branches = node[keyword];
    if (Array.isArray(branches)) branches.forEach((b, i) => problems.push(...strictSchemaProblems(b, [...context, keyword, String(i)])));
  }
  for (const keyword of ['definitions', '$defs'] as const) {
    const defs = node[keyword] as Record<string, unknown> | undefined;
    for (const [name, def] of Object.entries(defs ?? {})) problems.push(...strictSchemaProblems(def, [...context, keyword, name]));
  }
  return problems;
}

export class OpenAiFake extends FakeServer {
  readonly apiKey: string;
  private readonly answers: ScriptedAnswer[] = [];
  private sequence = 0;

  constructor(options: OpenAiFakeOptions = {}) {
    super('OpenAI', { latencyMs: options.latencyMs });
    this.apiKey = options.apiKey ?? 'sk-fake-openai-key';
    this.route('POST', '/v1/chat/completions', (req) => this.chatCompletion(req));
    this.route('POST', '/v1/embeddings', (req) => this.embeddings(req));
  }

  /** Queue the next chat answers, in order. Raw strings are sent as they are, so a test can send invalid JSON. */
  answerWith(...contents: ScriptedAnswer[]): this {
    this.answers.push(...contents);
    return this;
  }

  /** Scripted answers not consumed yet. */
  get pendingAnswers(): number {
    return this.answers.length;
  }

  /** The next `times` API requests get 429 rate_limit_exceeded (a `retry-after-ms` header when given). */
  failNextWithRateLimit(options: { times?: number; retryAfterMs?: number } = {}): this {
    const headers: Record<string, string> = { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '1s' };
    if (options.retryAfterMs !== undefined) headers['retry-after-ms'] = String(options.retryAfterMs);
    return this.inject({
      status: 429,
      headers,
      times: options.times ?? 1,
      match: isApiRequest,
      body: { error: { message: 'Rate limit reached for requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.', type: 'requests', param: null, code: 'rate_limit_exceeded' } },
    });
  }

  /**
   * From now on every API request gets 429 insufficient_quota, as OpenAI answers when the account has no credit. No
   * `x-should-retry` header is sent: the client must recognise this 429 as final on its own.
   */
  runOutOfQuota(): this {
    return this.inject({
      status: 429,
      times: Number.POSITIVE_INFINITY,
      match: isApiRequest,
      body: { error: { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } },
    });
  }

  /** Bodies of the chat completion requests received, parsed, in order. */
  chatRequests(): ChatCompletionRequestBody[] {
    return this.requestsTo('/v1/chat/completions', 'POST').map((r) => JSON.parse(r.body) as ChatCompletionRequestBody);
  }

  /** Bodies of the embedding requests received, parsed, in order. */
  embeddingRequests(): EmbeddingRequestBody[] {
    return this.requestsTo('/v1/embeddings', 'POST').map((r) => JSON.parse(r.body) as EmbeddingRequestBody);
  }

  private nextId(prefix: string): string {
    this.sequence += 1;
    return `${prefix}-fake${String(this.sequence).padStart(6, '0')}`;
  }

  private headers(): Record<string, string> {
    return { 'x-request-id': this.nextId('req'), 'openai-processing-ms': '12', 'x-ratelimit-remaining-requests': '4999' };
  }

  private authenticate(req: FakeRequest): void {
    if (req.headers.authorization !== `Bearer ${this.apiKey}`) {
      throw apiError(401, 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.', 'invalid_request_error', 'invalid_api_key');
    }
  }

  private body<T>(req: FakeRequest): T {
    try {
      const body = JSON.parse(req.body) as unknown;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('not an object');
      return body as T;
    } catch {
      throw invalidRequest('We could not parse the JSON body of your request. The OpenAI API expects a JSON payload.');
    }
  }

  private chatCompletion(req: FakeRequest) {
    this.authenticate(req);
    const body = this.body<ChatCompletionRequestBody>(req);
    if (typeof body.model !== 'string' || body.model === '') throw invalidRequest('you must provide a model parameter', 'model');
    if (!Array.isArray(body.messages) || body.messages.length === 0) throw invalidRequest("'messages' must contain at least one message", 'messages');
    for (const [i, message] of body.messages.entries()) {
      if (!['system', 'developer', 'user', 'assistant', 'tool'].includes(message?.role)) {
        throw invalidRequest(`Invalid value for 'messages[${i}].role'`, `messages[${i}].role`);
      }
    }
    const format = body.response_format;
    if (format?.type === 'json_schema') {
      const spec = format.json_schema;
      if (!spec || typeof spec.name !== 'string' || !SCHEMA_NAME.test(spec.name)) {
        throw invalidRequest("Invalid 'response_format.json_schema.name': must match ^[a-zA-Z0-9_-]{1,64}$", 'response_format.json_schema.name');
      }
      if (spec.strict === true) {
        const problems = strictSchemaProblems(spec.schema);
        if (problems.length > 0) throw invalidRequest(`Invalid schema for response_format '${spec.name}': ${problems[0]}.`, 'response_format', 'invalid_json_schema');
      }
    }

    const answer = this.answers.shift();
    if (answer === undefined) {
      // A test forgot to script an answer: say so once instead of letting the SDK retry a 500.
      throw new FakeHttpError(
        500,
        { error: { message: 'OpenAI fake: no scripted answer for this chat completion; call answerWith(...) first', type: 'server_error', param: null, code: null } },
        { 'x-should-retry': 'false' },
      );
    }
    const content = typeof answer === 'string' ? answer : null;
    const refusal = typeof answer === 'string' ? null : answer.refusal;
    const promptTokens = estimateTokens(JSON.stringify(body.messages));
    const completionTokens = estimateTokens(content ?? refusal ?? '');
    return {
      headers: this.headers(),
      body: {
        id: this.nextId('chatcmpl'),
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content, refusal, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
        system_fingerprint: 'fp_fake',
      },
    };
  }

  private embeddings(req: FakeRequest) {
    this.authenticate(req);
    const body = this.body<EmbeddingRequestBody>(req);
    const model = body.model;
    if (typeof model !== 'string' || model === '') throw invalidRequest('you must provide a model parameter', 'model');
    const native = NATIVE_DIMENSIONS[model] ?? (model.startsWith('text-embedding-') ? 1536 : undefined);
    if (native === undefined) {
      throw apiError(404, `The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found');
    }
    let dimensions = native;
    if (body.dimensions !== undefined) {
      if (model === 'text-embedding-ada-002') throw invalidRequest('This model does not support specifying dimensions.', 'dimensions');
      if (!Number.isInteger(body.dimensions) || body.dimensions < 1 || body.dimensions > native) {
        throw invalidRequest(`Invalid 'dimensions': expected an integer between 1 and ${native}.`, 'dimensions');
      }
      dimensions = body.dimensions;
    }
    const encoding = body.encoding_format ?? 'float';
    if (encoding !== 'float' && encoding !== 'base64') throw invalidRequest("Invalid 'encoding_format': expected 'float' or 'base64'.", 'encoding_format');

    const inputs = normaliseInputs(body.input);
    if (inputs.length === 0) throw invalidRequest("'$.input' is invalid: it must not be empty.", 'input');
    if (inputs.length > MAX_EMBEDDING_INPUTS) {
      throw invalidRequest(`'$.input' is too long: at most ${MAX_EMBEDDING_INPUTS} inputs per request, got ${inputs.length}.`, 'input');
    }
    let total = 0;
    for (const [i, text] of inputs.entries()) {
      if (text === '') throw invalidRequest(`'$.input[${i}]' is invalid: empty strings cannot be embedded.`, 'input');
      const tokens = estimateTokens(text);
      if (tokens > MAX_TOKENS_PER_INPUT) {
        throw invalidRequest(`This model's maximum context length is ${MAX_TOKENS_PER_INPUT} tokens, however you requested ${tokens} tokens (input ${i}).`, 'input');
      }
      total += tokens;
    }
    if (total > MAX_TOKENS_PER_REQUEST) {
      throw invalidRequest(`Requested ${total} tokens, max ${MAX_TOKENS_PER_REQUEST} tokens per request`, 'input', 'max_tokens_per_request');
    }

    return {
      headers: this.headers(),
      body: {
        object: 'list',
        data: inputs.map((text, index) => {
          const vector = fakeEmbedding(text, dimensions);
          return { object: 'embedding', index, embedding: encoding === 'base64' ? toBase64(vector) : vector };
        }),
        model,
        usage: { prompt_tokens: total, total_tokens: total },
      },
    };
  }
}

function isApiRequest(req: RecordedRequest): boolean {
  return req.path.startsWith('/v1/');
}

/** `input` may be a string, strings, or token arrays; token arrays are embedded by their numbers' text. */
function normaliseInputs(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input)) throw invalidRequest("'$.input' is invalid: expected a string or an array.", 'input');
  if (input.every((x) => typeof x === 'number')) return input.length === 0 ? [] : [input.join(' ')];
  return input.map((item, i) => {
    if (typeof item === 'string') return item;
    if (Array.isArray(item) && item.every((x) => typeof x === 'number')) return item.join(' ');
    throw invalidRequest(`'$.input[${i}]' is invalid: expected a string or an array of token ids.`, 'input');
  });
}
