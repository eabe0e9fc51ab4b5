import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeEmbedding, OpenAiFake, strictSchemaProblems } from '../../../src/sandbox/servers/openai.ts';

const KEY = 'sk-fake-openai-key';

function cosine(a: number[], b: number[]): number {
  return a.reduce((sum, x, i) => sum + x * b[i]!, 0);
}

describe('fake OpenAI server', () => {
  let fake: OpenAiFake;

  beforeEach(async () => {
    fake = await new OpenAiFake().start();
  });
  afterEach(() => fake.stop());

  async function post(path: string, body: unknown, key = KEY) {
    const response = await fetch(`${fake.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as any };
  }

  const strictFormat = {
    type: 'json_schema',
    json_schema: { name: 'answer', strict: true, schema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false } },
  };

  it('answers a chat completion with the next scripted answer, in OpenAI\'s shape', async () => {
    fake.answerWith('{"ok":true}', { refusal: 'No.' });
    const first = await post('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], response_format: strictFormat });
    const second = await post('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });

    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: '{"ok":true}', refusal: null }, finish_reason: 'stop' }],
      usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number), total_tokens: expect.any(Number) },
    });
    expect(first.body.id).toMatch(/^chatcmpl-/);
    expect(second.body.choices[0].message).toMatchObject({ content: null, refusal: 'No.' });
    expect(fake.pendingAnswers).toBe(0);
  });

  it('answers a clear 500, marked not to be retried, when no answer is scripted', async () => {
    const { status, headers, body } = await post('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(status).toBe(500);
    expect(headers.get('x-should-retry')).toBe('false');
    expect(body.error.message).toMatch(/no scripted answer/);
  });

  it('refuses a wrong key with 401 invalid_api_key, without echoing the key', async () => {
    const { status, body } = await post('/v1/embeddings', { model: 'text-embedding-3-small', input: 'x' }, 'nope-123');
    expect(status).toBe(401);
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key' });
    expect(JSON.stringify(body)).not.toContain('nope-123');
  });

  it('refuses a strict schema that leaves a property out of required', async () => {
    const loose = { type: 'json_schema', json_schema: { name: 'answer', strict: true, schema: { type: 'object', properties: { ok: { type: 'boolean' } }, additionalProperties: false } } };
    fake.answerWith('{}');
    const { status, body } = await post('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], response_format: loose });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_json_schema' });
    expect(body.error.message).toMatch(/Missing 'ok'/);
  });

  it('lists every strict-mode problem of a schema', () => {
    expect(strictSchemaProblems(strictFormat.json_schema.schema)).toEqual([]);
    expect(strictSchemaProblems({ type: 'object', properties: { a: { type: 'object', properties: {} } }, required: ['a'], additionalProperties: false })).toEqual([
      "In context=('properties', 'a'), 'additionalProperties' is required to be supplied and to be false",
    ]);
    expect(strictSchemaProblems({ type: 'array' })[0]).toMatch(/root schema must be of type 'object'/);
  });

  it('embeds deterministically: 1536 floats, unit length, words in common make vectors alike', async () => {
    const { status, body } = await post('/v1/embeddings', { model: 'text-embedding-3-small', input: ['Fix login form', 'login form bug', 'Billing export'] });
    expect(status).toBe(200);
    expect(body).toMatchObject({ object: 'list', model: 'text-embedding-3-small', usage: { prompt_tokens: expect.any(Number) } });
    const [login, bug, billing] = body.data.map((d: { embedding: number[] }) => d.embedding) as number[][];
    expect(body.data.map((d: { index: number; object: string }) => [d.object, d.index])).toEqual([['embedding', 0], ['embedding', 1], ['embedding', 2]]);
    expect(login).toHaveLength(1536);
    expect(Math.hypot(...login!)).toBeCloseTo(1, 10);
    expect(login).toEqual(fakeEmbedding('Fix login form', 1536));
    expect(cosine(login!, bug!)).toBeGreaterThan(cosine(login!, billing!));
  });

  it('sends base64 little-endian float32 when asked, and honours dimensions', async () => {
    const { body } = await post('/v1/embeddings', { model: 'text-embedding-3-small', input: 'login', encoding_format: 'base64', dimensions: 256 });
    const bytes = new Uint8Array(Buffer.from(body.data[0].embedding as string, 'base64'));
    const floats = Array.from(new Float32Array(bytes.buffer));
    expect(floats).toHaveLength(256);
    fakeEmbedding('login', 256).forEach((x, i) => expect(floats[i]).toBeCloseTo(x, 6));
  });

  it.each([
    ['an empty string', { model: 'text-embedding-3-small', input: ['ok', ''] }, /input\[1\].*empty/],
    ['more than 2048 inputs', { model: 'text-embedding-3-small', input: Array.from({ length: 2049 }, () => 'x') }, /at most 2048 inputs/],
    ['too many dimensions', { model: 'text-embedding-3-small', input: 'x', dimensions: 4096 }, /dimensions/],
  ])('refuses %s with 400 invalid_request_error', async (_case, request, message) => {
    const { status, body } = await post('/v1/embeddings', request);
    expect(status).toBe(400);
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(message);
  });

  it('answers 404 model_not_found for a model it does not know', async () => {
    const { status, body } = await post('/v1/embeddings', { model: 'gpt-4o-mini', input: 'x' });
    expect(status).toBe(404);
    expect(body.error.code).toBe('model_not_found');
  });

  it('answers 429 with OpenAI\'s bodies for rate limits and exhausted quota', async () => {
    fake.failNextWithRateLimit({ retryAfterMs: 5 });
    const limited = await post('/v1/embeddings', { model: 'text-embedding-3-small', input: 'x' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after-ms')).toBe('5');
    expect(limited.body.error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded' });
    expect((await post('/v1/embeddings', { model: 'text-embedding-3-small', input: 'x' })).status).toBe(200);

    fake.runOutOfQuota();
    for (let i = 0; i < 2; i++) {
      const broke = await post('/v1/embeddings', { model: 'text-embedding-3-small', input: 'x' });
      expect(broke.status).toBe(429);
      expect(broke.body.error).toMatchObject({ type: 'insufficient_quota', code: 'insufficient_quota' });
      expect(broke.headers.get('x-should-retry')).toBeNull();
    }
  });
});
