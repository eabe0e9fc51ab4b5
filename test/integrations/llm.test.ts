import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLlm, LlmAnswerError, LlmUnavailableError, type Llm } from '../../src/integrations/llm.ts';
import { createLogger } from '../../src/logger.ts';
import { fakeEmbedding, OpenAiFake } from '../../src/sandbox/servers/openai.ts';

// A key that no secret scrubber would recognise, so "never logged" is proven by our code, not by redaction.
const API_KEY = 'test-key-7f3a9c1e';

const planSchema = z.object({
  title: z.string(),
  steps: z.array(z.object({ title: z.string(), minutes: z.number().int().positive() })),
  owner: z.string().optional(),
});
const planRequest = { name: 'plan', system: 'You plan work.', user: 'Plan the SUBS release.', schema: planSchema };
const validPlan = { title: 'SUBS release', steps: [{ title: 'Cut branch', minutes: 15 }], owner: 'Grace Hopper' };

function captureLogs() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', pretty: false, destination }), text: () => lines.join('') };
}

describe('LLM through OpenAI (fake server over HTTP)', () => {
  let fake: OpenAiFake;
  let llm: Llm;

  beforeEach(async () => {
    fake = await new OpenAiFake({ apiKey: API_KEY }).start();
    llm = createLlm({ OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: `${fake.url}/v1` }, { timeoutMs: 5_000 });
  });
  afterEach(() => fake.stop());

  it('returns the validated answer when the first answer is valid JSON, asking for strict structured output', async () => {
    fake.answerWith(JSON.stringify(validPlan));
    await expect(llm.json(planRequest)).resolves.toEqual(validPlan);

    const [request] = fake.chatRequests();
    expect(fake.chatRequests()).toHaveLength(1);
    expect(request!.model).toBe('gpt-4o-mini');
    expect(request!.messages).toEqual([
      { role: 'system', content: 'You plan work.' },
      { role: 'user', content: 'Plan the SUBS release.' },
    ]);
    const format = request!.response_format!;
    expect(format.type).toBe('json_schema');
    expect(format.json_schema!.name).toBe('plan');
    expect(format.json_schema!.strict).toBe(true);
    const schema = format.json_schema!.schema as { required: string[]; additionalProperties: boolean; properties: Record<string, unknown> };
    expect(schema.required).toEqual(['title', 'steps', 'owner']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.owner).toEqual({ anyOf: [{ type: 'string' }, { type: 'null' }] });
  });

  it('treats null for an optional field as "not given"', async () => {
    fake.answerWith(JSON.stringify({ ...validPlan, owner: null }));
    const plan = await llm.json(planRequest);
    expect(plan).toEqual({ title: 'SUBS release', steps: [{ title: 'Cut branch', minutes: 15 }] });
    expect('owner' in plan).toBe(false);
  });

  it('treats null for an optional field inside a list item as "not given" too', async () => {
    const schema = z.object({ steps: z.array(z.object({ title: z.string(), note: z.string().optional(), due: z.string().nullable() })) });
    fake.answerWith('{"steps":[{"title":"Cut branch","note":null,"due":null},{"title":"Tag","note":"v2","due":"2025-11-14"}]}');
    await expect(llm.json({ ...planRequest, schema })).resolves.toEqual({
      steps: [
        { title: 'Cut branch', due: null },
        { title: 'Tag', note: 'v2', due: '2025-11-14' },
      ],
    });
  });

  it('asks once for a repair when the answer is not JSON, sending the problem back, and returns the repaired answer', async () => {
    fake.answerWith('Sure! Here is your plan: {title: SUBS', JSON.stringify(validPlan));
    await expect(llm.json(planRequest)).resolves.toEqual(validPlan);

    const requests = fake.chatRequests();
    expect(requests).toHaveLength(2);
    const repair = requests[1]!.messages;
    expect(repair).toHaveLength(4);
    expect(repair[2]).toEqual({ role: 'assistant', content: 'Sure! Here is your plan: {title: SUBS' });
    expect(repair[3]!.role).toBe('user');
    expect(repair[3]!.content).toMatch(/not valid JSON/);
  });

  it('names the invalid fields in the repair request when the answer has the wrong shape', async () => {
    fake.answerWith(JSON.stringify({ title: 'SUBS release', steps: [{ title: 'Cut branch', minutes: 'fifteen' }] }), JSON.stringify(validPlan));
    await expect(llm.json(planRequest)).resolves.toEqual(validPlan);
    expect(fake.chatRequests()[1]!.messages[3]!.content).toMatch(/steps\[0\]\.minutes: .*expected number/);
  });

  it('gives up after one repair with an LlmAnswerError listing what was wrong', async () => {
    fake.answerWith('not json at all', JSON.stringify({ title: 42, steps: [] }));
    const error = await llm.json(planRequest).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(LlmAnswerError);
    const answerError = error as LlmAnswerError;
    expect(answerError.raw).toBe('{"title":42,"steps":[]}');
    expect(answerError.problems).toEqual([expect.stringMatching(/^title: .*expected string/)]);
    expect(answerError.message).toMatch(/no usable "plan" answer after one repair: title: /);
    expect(fake.chatRequests()).toHaveLength(2);
  });

  it('reports a refusal as an LlmAnswerError without asking again', async () => {
    fake.answerWith({ refusal: "I'm sorry, I can't help with that." });
    const error = (await llm.json(planRequest).catch((e: unknown) => e)) as LlmAnswerError;

    expect(error).toBeInstanceOf(LlmAnswerError);
    expect(error.problems).toEqual(["the model refused: I'm sorry, I can't help with that."]);
    expect(error.message).toMatch(/refused to answer "plan"/);
    expect(fake.chatRequests()).toHaveLength(1);
  });

  it('embeds 2,500 texts in two requests (2,048 + 452) and keeps the input order', async () => {
    const texts = Array.from({ length: 2_500 }, (_, i) => `ticket ${i} about login form number ${i}`);
    const vectors = await llm.embed(texts);

    const requests = fake.embeddingRequests();
    expect(requests.map((r) => (r.input as string[]).length)).toEqual([2_048, 452]);
    expect(requests.every((r) => r.model === 'text-embedding-3-small' && r.encoding_format === 'float')).toBe(true);
    expect(vectors).toHaveLength(2_500);
    for (const i of [0, 2_047, 2_048, 2_499]) expect(vectors[i]).toEqual(fakeEmbedding(texts[i]!, 1536));
  });

  it('splits long texts over several requests to stay under the per-request token limit', async () => {
    const texts = Array.from({ length: 100 }, (_, i) => `${i} ${'word '.repeat(4_000)}`);
    const vectors = await llm.embed(texts);

    const sizes = fake.embeddingRequests().map((r) => (r.input as string[]).length);
    expect(sizes.length).toBeGreaterThan(1);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(100);
    expect(vectors[99]).toEqual(fakeEmbedding(texts[99]!, 1536));
  });

  it('cuts a text longer than one embedding input allows instead of failing', async () => {
    const [vector] = await llm.embed(['login '.repeat(20_000)]);
    expect(vector).toHaveLength(1536);
    expect((fake.embeddingRequests()[0]!.input as string[])[0]!.length).toBeLessThanOrEqual(24_000);
  });

  it('does not send empty texts (the API refuses them) and gives them a zero vector', async () => {
    const vectors = await llm.embed(['login form', '', '   ', 'billing export']);

    expect(fake.embeddingRequests()[0]!.input).toEqual(['login form', 'billing export']);
    expect(vectors[0]).toEqual(fakeEmbedding('login form', 1536));
    expect(vectors[1]).toEqual(new Array(1536).fill(0));
    expect(vectors[2]).toEqual(new Array(1536).fill(0));
    expect(vectors[3]).toEqual(fakeEmbedding('billing export', 1536));
  });

  it('stops at once with a clear message when the account has no quota left (no retries)', async () => {
    const logs = captureLogs();
    llm = createLlm({ OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: `${fake.url}/v1` }, { logger: logs.logger, maxRetries: 2 });
    fake.runOutOfQuota();
    const error = (await llm.json(planRequest).catch((e: unknown) => e)) as LlmUnavailableError;

    expect(error).toBeInstanceOf(LlmUnavailableError);
    expect(error.reason).toBe('insufficient-quota');
    expect(error.message).toMatch(/no quota left \(insufficient_quota\)/);
    expect(fake.requests).toHaveLength(1);
    expect(logs.text()).toMatch(/insufficient_quota/);
    expect(logs.text()).not.toContain(API_KEY);
  });

  it('waits out a rate limit and succeeds on the retry', async () => {
    fake.failNextWithRateLimit({ retryAfterMs: 10 });
    fake.answerWith(JSON.stringify(validPlan));
    await expect(llm.json(planRequest)).resolves.toEqual(validPlan);
    expect(fake.requests).toHaveLength(2);
  });

  it('says the key was refused, without showing it, when OpenAI answers 401', async () => {
    const logs = captureLogs();
    llm = createLlm({ OPENAI_API_KEY: 'wrong-key-123456', OPENAI_BASE_URL: `${fake.url}/v1` }, { logger: logs.logger });
    const error = (await llm.embed(['login form']).catch((e: unknown) => e)) as LlmUnavailableError;

    expect(error).toBeInstanceOf(LlmUnavailableError);
    expect(error.reason).toBe('invalid-api-key');
    expect(error.message).toMatch(/refused OPENAI_API_KEY \(401 invalid_api_key\)/);
    expect(error.message).not.toContain('wrong-key-123456');
    expect(logs.text()).not.toContain('wrong-key-123456');
    expect(fake.requests).toHaveLength(1);
  });

  it('gives up with "unreachable" when the server does not answer within the timeout', async () => {
    llm = createLlm({ OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: `${fake.url}/v1` }, { timeoutMs: 200, maxRetries: 0 });
    fake.inject({ hang: true });
    const error = (await llm.embed(['login form']).catch((e: unknown) => e)) as LlmUnavailableError;

    expect(error).toBeInstanceOf(LlmUnavailableError);
    expect(error.reason).toBe('unreachable');
    expect(error.message).toMatch(/did not answer embed within 0.2 s/);
  });

  it('classifies by asking for one of the given labels', async () => {
    fake.answerWith('{"label":"Fix login form","confidence":0.92}');
    const result = await llm.classify('Login page throws 500', [
      { label: 'Fix login form', description: 'login and password problems' },
      { label: 'Billing export', description: 'invoices and CSV exports' },
    ]);

    expect(result).toEqual({ label: 'Fix login form', confidence: 0.92 });
    const schema = fake.chatRequests()[0]!.response_format!.json_schema!.schema as { properties: { label: { enum: string[] } } };
    expect(schema.properties.label.enum).toEqual(['Fix login form', 'Billing export']);
  });

  it('refuses a label the caller did not offer (after one repair)', async () => {
    fake.answerWith('{"label":"Other","confidence":0.5}', '{"label":"Other","confidence":0.5}');
    const labels = [{ label: 'Fix login form', description: 'login' }];
    await expect(llm.classify('text', labels)).rejects.toBeInstanceOf(LlmAnswerError);
  });

  it('labels itself with the model, and says when the server is not OpenAI', () => {
    expect(createLlm({ OPENAI_API_KEY: API_KEY }).label).toBe('OpenAI gpt-4o-mini');
    expect(createLlm({ OPENAI_API_KEY: API_KEY, OPENAI_MODEL: 'gpt-4.1' }).label).toBe('OpenAI gpt-4.1');
    const ollama = createLlm({ OPENAI_API_KEY: 'ollama', OPENAI_BASE_URL: 'http://localhost:11434/v1', OPENAI_MODEL: 'llama3.1' });
    expect(ollama.kind).toBe('openai');
    expect(ollama.label).toBe('llama3.1 (OpenAI-compatible, localhost:11434)');
  });

  it('refuses a schema whose root is not an object before calling the API', async () => {
    await expect(llm.json({ ...planRequest, schema: z.array(z.string()) })).rejects.toThrow(/must be an object at the root/);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('LLM local fallback (no OPENAI_API_KEY)', () => {
  const llm = createLlm({ OPENAI_API_KEY: '  ' });

  it('is chosen and labelled as a fallback when no key is set', () => {
    expect(createLlm({}).kind).toBe('local');
    expect(llm.kind).toBe('local');
    expect(llm.label).toBe('local fallback (no LLM configured)');
  });

  it('refuses free-form answers, saying an LLM is needed and how to configure one', async () => {
    const error = (await llm.json(planRequest).catch((e: unknown) => e)) as LlmUnavailableError;
    expect(error).toBeInstanceOf(LlmUnavailableError);
    expect(error.reason).toBe('not-configured');
    expect(error.message).toMatch(/"plan" needs an LLM .* set OPENAI_API_KEY/);
  });

  it('embeds as unit-length TF-IDF vectors, the same on every call', async () => {
    const texts = ['Fix login form', 'login page bug', 'Billing export'];
    const vectors = await llm.embed(texts);
    expect(vectors).toHaveLength(3);
    for (const v of vectors) expect(Math.hypot(...v)).toBeCloseTo(1, 12);
    expect(await llm.embed(texts)).toEqual(vectors);
  });

  it('classifies "login page bug" under the login epic rather than billing', async () => {
    const result = await llm.classify('login page bug', [
      { label: 'Billing export', description: 'invoices and billing CSV export' },
      { label: 'Fix login form', description: 'login form and login page problems' },
    ]);
    expect(result.label).toBe('Fix login form');
    expect(result.confidence).toBeGreaterThan(0);
    expect(result.confidence).toBeLessThanOrEqual(1);
  });
});
