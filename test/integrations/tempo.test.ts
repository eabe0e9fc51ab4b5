// The Tempo client against the Tempo fake over real HTTP: pages, filters, rate limits, failures.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/integrations/http.ts';
import { createTempoClient, type TempoClientOptions } from '../../src/integrations/tempo.ts';
import type { TempoWorklogRecord } from '../../src/sandbox/agency-data.ts';
import { TempoFake } from '../../src/sandbox/servers/tempo.ts';

const TOKEN = 'tempo-token-SECRET-9f8e7d';
const ADA = '5b10ac8d82e05b22cc7d4ef5';
const GRACE = '5b10a2844c20165700ede21g';
const LINUS = '712020:0b1c2d3e-aaaa-bbbb-cccc-123456789abc';

/** `count` worklogs spread over November 2025 across three people and two projects. */
function novemberWorklogs(count: number, firstId = 1): TempoWorklogRecord[] {
  const people = [ADA, GRACE, LINUS];
  return Array.from({ length: count }, (_, i) => {
    const day = String((i % 30) + 1).padStart(2, '0');
    return {
      tempoWorklogId: firstId + i,
      issueId: 10_000 + (i % 40),
      projectId: i % 2 === 0 ? 10001 : 10002,
      authorAccountId: people[i % 3]!,
      timeSpentSeconds: 1800,
      billableSeconds: i % 5 === 0 ? 0 : 1800,
      startDate: `2025-11-${day}`,
      startTime: '09:00:00',
      description: `work ${firstId + i}`,
      createdAt: `2025-11-${day}T17:00:00Z`,
      updatedAt: `2025-11-${day}T17:00:00Z`,
      attributes: [{ key: '_Account_', value: 'ACC-1' }],
    };
  });
}

const fake = new TempoFake({ worklogs: [] }, { token: TOKEN });
const waits: number[] = [];

function tempo(o: Partial<TempoClientOptions> = {}) {
  return createTempoClient({
    baseUrl: `${fake.url}/4`,
    token: TOKEN,
    policy: { timeoutMs: 2000 },
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...o,
  });
}

const NOVEMBER = { from: '2025-11-01', to: '2025-11-30' };

beforeAll(async () => {
  await fake.start();
});
afterAll(async () => {
  await fake.stop();
});
afterEach(() => {
  fake.clearFaults();
  fake.requests.length = 0;
  fake.data.worklogs.length = 0;
  waits.length = 0;
});

describe('Tempo client', () => {
  it('reads a 12,000-worklog month in exactly three requests of 5,000', async () => {
    fake.data.worklogs.push(...novemberWorklogs(12_000));
    const worklogs = await tempo().worklogs(NOVEMBER);
    expect(worklogs).toHaveLength(12_000);
    expect(new Set(worklogs.map((w) => w.id)).size).toBe(12_000);
    const requests = fake.requestsTo('/4/worklogs', 'GET');
    expect(requests).toHaveLength(Math.ceil(12_000 / 5000));
    expect(requests.map((r) => r.query.get('offset'))).toEqual(['0', '5000', '10000']);
    expect(requests.every((r) => r.query.get('limit') === '5000')).toBe(true);
  });

  it('normalises worklogs: issue ids as strings, authors by accountId, attributes by key', async () => {
    fake.data.worklogs.push(...novemberWorklogs(1));
    const [w] = await tempo().worklogs(NOVEMBER);
    expect(w).toEqual({
      id: 1,
      issueId: '10000',
      accountId: ADA,
      seconds: 1800,
      billableSeconds: 0,
      startDate: '2025-11-01',
      startTime: '09:00:00',
      description: 'work 1',
      updatedAt: '2025-11-01T17:00:00Z',
      attributes: { _Account_: 'ACC-1' },
    });
  });

  it('includes both the first and the last day of the period', async () => {
    fake.data.worklogs.push(...novemberWorklogs(30));
    const worklogs = await tempo().worklogs({ from: '2025-11-10', to: '2025-11-12' });
    expect(worklogs.map((w) => w.startDate)).toEqual(['2025-11-10', '2025-11-11', '2025-11-12']);
  });

  it('asks for one project with GET and for several authors with one search, following its pages', async () => {
    fake.data.worklogs.push(...novemberWorklogs(12_000));
    const oneProject = await tempo().worklogs({ ...NOVEMBER, projectIds: [10001] });
    expect(oneProject).toHaveLength(6000);
    expect(fake.requestsTo('/4/worklogs')[0]!.query.getAll('projectId')).toEqual(['10001']);

    const twoPeople = await tempo().worklogs({ ...NOVEMBER, accountIds: [ADA, LINUS] });
    expect(twoPeople).toHaveLength(8000);
    expect(new Set(twoPeople.map((w) => w.accountId))).toEqual(new Set([ADA, LINUS]));
    const searches = fake.requestsTo('/4/worklogs/search', 'POST');
    expect(searches).toHaveLength(2);
    expect(searches.map((r) => JSON.parse(r.body) as { authorIds: string[] }).every((b) => b.authorIds.join() === `${ADA},${LINUS}`)).toBe(true);
  });

  it('streams pages without holding the month', async () => {
    fake.data.worklogs.push(...novemberWorklogs(7000));
    const sizes: number[] = [];
    for await (const page of tempo().worklogPages(NOVEMBER)) sizes.push(page.length);
    expect(sizes).toEqual([5000, 2000]);
  });

  it('asks nothing when the list of people or projects is empty', async () => {
    fake.data.worklogs.push(...novemberWorklogs(10));
    expect(await tempo().worklogs({ ...NOVEMBER, accountIds: [] })).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });

  it('sees worklogs added after the server started', async () => {
    fake.data.worklogs.push(...novemberWorklogs(2));
    expect(await tempo().worklogs(NOVEMBER)).toHaveLength(2);
    fake.data.worklogs.push(...novemberWorklogs(1, 100));
    expect(await tempo().worklogs(NOVEMBER)).toHaveLength(3);
  });

  it('waits at least a second after a 429, with or without Retry-After, then carries on', async () => {
    fake.data.worklogs.push(...novemberWorklogs(12_000));
    fake.inject({ status: 429, headers: { 'retry-after': '3' }, after: 1 });
    fake.inject({ status: 429, after: 2 });
    const worklogs = await tempo().worklogs(NOVEMBER);
    expect(worklogs).toHaveLength(12_000);
    expect(waits).toEqual([3000, 1000]);
    expect(fake.requests).toHaveLength(5);
  });

  it('honours a Retry-After given as a date', async () => {
    fake.data.worklogs.push(...novemberWorklogs(3));
    fake.inject({ status: 429, headers: { 'retry-after': new Date(Date.now() + 30_000).toUTCString() } });
    expect(await tempo().worklogs(NOVEMBER)).toHaveLength(3);
    expect(waits[0]).toBeGreaterThan(20_000);
    expect(waits[0]).toBeLessThanOrEqual(30_000);
  });

  it('keeps within the fake rate limit end to end', async () => {
    const limited = new TempoFake({ worklogs: novemberWorklogs(12_000) }, { token: TOKEN, requestsPerSecond: 1 });
    await limited.start();
    try {
      const slept: number[] = [];
      const client = tempo({ baseUrl: `${limited.url}/4`, sleep: (ms) => (slept.push(ms), new Promise((r) => setTimeout(r, ms))) });
      expect(await client.worklogs(NOVEMBER)).toHaveLength(12_000);
      expect(limited.requests.filter((r) => r.query.get('offset') !== null).length).toBeGreaterThan(3);
      expect(slept.every((ms) => ms >= 1000)).toBe(true);
    } finally {
      await limited.stop();
    }
  });

  it('retries a 5xx three times with Tempo’s 5, 10, 15 s pauses, then names the API, endpoint and status', async () => {
    fake.inject({ status: 500, times: 4, body: { errors: { message: 'Internal error' } } });
    const err = (await tempo().worklogs(NOVEMBER).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toBe('Tempo GET /4/worklogs failed after 4 attempts: HTTP 500 {"errors":{"message":"Internal error"}}');
    expect(waits).toEqual([5000, 10_000, 15_000]);
  });

  it('refuses a wrong token once, without retrying and without showing the token', async () => {
    const err = (await tempo({ token: 'wrong-token-SECRET-0000' }).worklogs(NOVEMBER).catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(401);
    expect(err.message).toMatch(/^Tempo GET \/4\/worklogs failed: HTTP 401/);
    expect(fake.requests).toHaveLength(1);
    expect(`${err.message} ${JSON.stringify(err)}`).not.toMatch(/SECRET/);
  });

  it('times out a server that never answers', async () => {
    fake.inject({ hang: true, times: 2 });
    const err = (await tempo({ policy: { timeoutMs: 100, maxAttempts: 2 } }).worklogs(NOVEMBER).catch((e: unknown) => e)) as ApiError;
    expect(err.message).toBe('Tempo GET /4/worklogs failed after 2 attempts: timed out after 100 ms');
  });

  it('reports malformed JSON clearly', async () => {
    fake.inject({ rawBody: '{"results": [' });
    await expect(tempo().worklogs(NOVEMBER)).rejects.toThrow('Tempo GET /4/worklogs failed: malformed JSON in the HTTP 200 answer: {"results": [');
  });
});
