// The Tempo fake's answers, read raw: the v4 shape, paging metadata, validation, auth and the rate limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempoWorklogRecord } from '../../../src/sandbox/agency-data.ts';
import { TempoFake } from '../../../src/sandbox/servers/tempo.ts';

const TOKEN = 'tempo-fake-token';

function worklog(id: number, startDate: string, over: Partial<TempoWorklogRecord> = {}): TempoWorklogRecord {
  return {
    tempoWorklogId: id,
    issueId: 10991,
    projectId: 10001,
    authorAccountId: 'acc-1',
    timeSpentSeconds: 3600,
    billableSeconds: 3600,
    startDate,
    startTime: '09:00:00',
    description: 'work',
    createdAt: `${startDate}T18:00:00Z`,
    updatedAt: `${startDate}T18:00:00Z`,
    ...over,
  };
}

const worklogs = [
  ...Array.from({ length: 120 }, (_, i) => worklog(1000 - i, '2025-11-03')),
  worklog(5, '2025-10-31'),
  worklog(6, '2025-11-04', { authorAccountId: 'acc-2', projectId: 10002, issueId: 20001 }),
];
const fake = new TempoFake({ worklogs }, { token: TOKEN });

async function get(path: string, token: string | null = TOKEN): Promise<{ status: number; type: string | null; body: any }> {
  const res = await fetch(`${fake.url}${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}

beforeAll(async () => {
  await fake.start();
});
afterAll(async () => {
  await fake.stop();
});

describe('Tempo fake', () => {
  it('answers 50 worklogs by default in the v4 shape: issue by id only, author by accountId only', async () => {
    const { body } = await get('/4/worklogs?from=2025-11-01&to=2025-11-30');
    expect(body.metadata).toMatchObject({ count: 50, offset: 0, limit: 50 });
    expect(body.metadata.next).toBe(`${fake.url}/4/worklogs?from=2025-11-01&to=2025-11-30&offset=50&limit=50`);
    expect(body.metadata.previous).toBeUndefined();
    expect(body.self).toContain('/4/worklogs?');
    const first = body.results[0];
    expect(Object.keys(first.issue).sort()).toEqual(['id', 'self']);
    expect(first.issue.id).toBe(10991);
    expect(Object.keys(first.author).sort()).toEqual(['accountId', 'self']);
    expect(first.attributes).toMatchObject({ values: [] });
  });

  it('orders results stably and ends with no next link', async () => {
    const { body } = await get('/4/worklogs?from=2025-11-01&to=2025-11-30&offset=100&limit=50');
    expect(body.metadata).toMatchObject({ count: 21, offset: 100, limit: 50 });
    expect(body.metadata.next).toBeUndefined();
    expect(body.metadata.previous).toContain('offset=50');
    const ids = body.results.map((w: { tempoWorklogId: number }) => w.tempoWorklogId);
    expect(ids.slice(0, 3)).toEqual([981, 982, 983]);
    expect(ids.at(-1)).toBe(6);
  });

  it('treats from and to as inclusive dates', async () => {
    const { body } = await get('/4/worklogs?from=2025-10-31&to=2025-10-31');
    expect(body.results.map((w: { tempoWorklogId: number }) => w.tempoWorklogId)).toEqual([5]);
  });

  it('filters by user, project and issue paths, and by search body', async () => {
    expect((await get('/4/worklogs/user/acc-2?from=2025-11-01&to=2025-11-30')).body.metadata.count).toBe(1);
    expect((await get('/4/worklogs/project/10002?from=2025-11-01&to=2025-11-30')).body.metadata.count).toBe(1);
    expect((await get('/4/worklogs/issue/20001')).body.metadata.count).toBe(1);
    const res = await fetch(`${fake.url}/4/worklogs/search?limit=5000`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ from: '2025-11-01', to: '2025-11-30', authorIds: ['acc-1', 'acc-2'], projectIds: [10001, 10002] }),
    });
    expect(((await res.json()) as { metadata: { count: number } }).metadata.count).toBe(121);
  });

  it('refuses a limit above 5,000 and a malformed date with Tempo’s error body', async () => {
    expect(await get('/4/worklogs?limit=5001')).toMatchObject({ status: 400, body: { errors: { message: expect.stringContaining('limit') } } });
    expect(await get('/4/worklogs?from=03/11/2025')).toMatchObject({ status: 400, body: { errors: { message: "'from' must be valid on the format: 'yyyy-MM-dd'" } } });
  });

  it('answers 401 (as text/html, like Tempo) without a token or with a wrong one', async () => {
    for (const token of [null, 'wrong']) {
      const res = await get('/4/worklogs', token);
      expect(res.status).toBe(401);
      expect(res.type).toContain('text/html');
    }
  });

  it('answers 429 past its requests per second, with Retry-After only half the time', async () => {
    const limited = new TempoFake({ worklogs }, { requestsPerSecond: 2 });
    await limited.start();
    try {
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => fetch(`${limited.url}/4/worklogs`, { headers: { authorization: 'Bearer any' } })),
      );
      const limitedAnswers = answers.filter((r) => r.status === 429);
      expect(answers.filter((r) => r.status === 200)).toHaveLength(2);
      expect(limitedAnswers.map((r) => r.headers.get('retry-after'))).toEqual(['1', null, '1', null]);
    } finally {
      await limited.stop();
    }
  });
});
