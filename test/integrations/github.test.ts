// The GitHub client against the GitHub fake over real HTTP: pages, the PR picture from reviews and timeline, rate
// limits (secondary and primary), failures; and the fake's answers in GitHub's own shape.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGithubClient, type GithubClientOptions } from '../../src/integrations/github.ts';
import { ApiError } from '../../src/integrations/http.ts';
import type { GithubPullRecord, GithubRepoRecord } from '../../src/sandbox/agency-data.ts';
import { GithubFake } from '../../src/sandbox/servers/github.ts';

const TOKEN = 'ghp_SECRETsecretSECRET0123456789';

function pull(number: number, over: Partial<GithubPullRecord> = {}): GithubPullRecord {
  const day = String((number % 28) + 1).padStart(2, '0');
  return {
    number,
    title: `Change ${number}`,
    body: '',
    state: 'open',
    merged: false,
    draft: false,
    authorLogin: 'ada',
    createdAt: `2025-10-${day}T10:00:00Z`,
    updatedAt: `2025-10-${day}T12:00:00Z`,
    closedAt: null,
    requestedReviewers: [],
    labels: [],
    headRef: `feature-${number}`,
    headSha: `sha${number}`,
    baseRef: 'main',
    reviews: [],
    timeline: [],
    ...over,
  };
}

/** PR 7: asked of grace then linus, linus's request withdrawn, grace approved; drafted, then ready again. */
const storyPull = pull(7, {
  title: 'Checkout: retry payment',
  draft: false,
  labels: ['payments', 'needs-qa'],
  requestedReviewers: ['linus2'],
  reviews: [
    { id: 501, login: 'grace', state: 'COMMENTED', submittedAt: '2025-11-03T10:00:00Z', body: 'hm' },
    { id: 502, login: 'grace', state: 'APPROVED', submittedAt: '2025-11-04T09:00:00Z', body: 'ok' },
    { id: 503, login: 'linus2', state: 'PENDING', submittedAt: '2025-11-04T10:00:00Z', body: '' },
  ],
  timeline: [
    { event: 'convert_to_draft', actor: 'ada', createdAt: '2025-11-01T08:00:00Z' },
    { event: 'ready_for_review', actor: 'ada', createdAt: '2025-11-02T08:00:00Z' },
    { event: 'review_requested', actor: 'ada', reviewer: 'grace', createdAt: '2025-11-02T08:01:00Z' },
    { event: 'review_requested', actor: 'ada', reviewer: 'linus', createdAt: '2025-11-02T08:02:00Z' },
    { event: 'committed', sha: 'abc', message: 'fix', authorDate: '2025-11-02T09:00:00Z', committerDate: '2025-11-02T09:00:00Z' },
    { event: 'review_request_removed', actor: 'ada', reviewer: 'linus', createdAt: '2025-11-03T08:00:00Z' },
    { event: 'review_requested', actor: 'ada', reviewer: 'linus2', createdAt: '2025-11-03T08:05:00Z' },
  ],
});

function agencyRepos(): GithubRepoRecord[] {
  const pulls = Array.from({ length: 160 }, (_, i) => pull(i + 10, { state: i < 150 ? 'open' : 'closed' }));
  const chatty = pull(3, {
    reviews: Array.from({ length: 120 }, (_, i) => ({ id: 1000 + i, login: 'grace', state: 'COMMENTED' as const, submittedAt: `2025-11-05T10:${String(i % 60).padStart(2, '0')}:00Z`, body: '' })),
  });
  return [
    { owner: 'agency', name: 'subs-web', pulls: [storyPull, chatty, ...pulls] },
    { owner: 'agency', name: 'ops', pulls: Array.from({ length: 8 }, (_, i) => pull(i + 1)) },
  ];
}

const fake = new GithubFake({ users: [{ login: 'ada', id: 11, type: 'User' }], repos: agencyRepos() }, { token: TOKEN });
const waits: number[] = [];

function github(o: Partial<GithubClientOptions> = {}) {
  return createGithubClient({
    baseUrl: fake.url,
    token: TOKEN,
    policy: { timeoutMs: 2000, baseDelayMs: 1, maxDelayMs: 5 },
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...o,
  });
}

beforeAll(async () => {
  await fake.start();
});
afterAll(async () => {
  await fake.stop();
});
afterEach(() => {
  fake.clearFaults();
  fake.requests.length = 0;
  fake.latencyMs = 0;
  fake.resetRateLimitWindow();
  waits.length = 0;
});

describe('GitHub client', () => {
  it('reads every open pull request across pages of 100, with reviews and timelines', async () => {
    const prs = await github().openPullRequests('agency/subs-web');
    expect(prs).toHaveLength(152);
    const listing = fake.requests.filter((r) => r.path.endsWith('/pulls'));
    expect(listing.map((r) => r.query.get('per_page'))).toEqual(['100', '100']);
    expect(listing.every((r) => r.query.get('state') === 'open')).toBe(true);
    expect(fake.requests.filter((r) => r.path.endsWith('/reviews')).length).toBe(153); // PR 3 has two pages of reviews
    expect(fake.requests.filter((r) => r.path.endsWith('/timeline')).length).toBe(153); // …and so has its timeline
    expect(prs.find((p) => p.number === 3)!.reviews).toHaveLength(120);
  });

  it('tells who was asked to review and when, who reviewed, and since when the PR is ready', async () => {
    const prs = await github().openPullRequests('agency/subs-web');
    expect(prs.find((p) => p.number === 7)).toEqual({
      repo: 'agency/subs-web',
      number: 7,
      title: 'Checkout: retry payment',
      url: 'https://github.com/agency/subs-web/pull/7',
      author: 'ada',
      draft: false,
      createdAt: '2025-10-08T10:00:00Z',
      updatedAt: '2025-10-08T12:00:00Z',
      labels: ['payments', 'needs-qa'],
      requestedReviewers: ['linus2'],
      reviewRequests: [
        { reviewer: 'grace', requestedAt: '2025-11-02T08:01:00Z' },
        { reviewer: 'linus', requestedAt: '2025-11-02T08:02:00Z', removedAt: '2025-11-03T08:00:00Z' },
        { reviewer: 'linus2', requestedAt: '2025-11-03T08:05:00Z' },
      ],
      reviews: [
        { reviewer: 'grace', state: 'COMMENTED', submittedAt: '2025-11-03T10:00:00Z' },
        { reviewer: 'grace', state: 'APPROVED', submittedAt: '2025-11-04T09:00:00Z' },
      ],
      readyForReviewAt: '2025-11-02T08:00:00Z',
    });
    expect(prs.find((p) => p.number === 10)!.readyForReviewAt).toBe(prs.find((p) => p.number === 10)!.createdAt);
  });

  it('sends the headers GitHub asks for', async () => {
    await github().openPullRequests('agency/subs-web');
    const h = fake.requests[0]!.headers;
    expect(h.accept).toBe('application/vnd.github+json');
    expect(h['x-github-api-version']).toBe('2022-11-28');
    expect(h['user-agent']).toBe('pm-agents');
    expect(h.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('never has more requests in flight than its concurrency limit', async () => {
    fake.latencyMs = 60;
    await github({ policy: { concurrency: 2 } }).openPullRequests('agency/ops');
    // Each answer takes at least 60 ms, so requests arriving within 40 ms of each other were in flight together.
    const arrivals = fake.requests.map((r) => r.at).sort((a, b) => a - b);
    const together = Math.max(...arrivals.map((t, i) => arrivals.slice(i).filter((u) => u - t < 40).length));
    expect(together).toBe(2);
  });

  it('waits out a secondary rate limit: retry-after when given, else at least a minute, longer on each repeat', async () => {
    const secondary = { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: 'https://docs.github.com/rest' };
    fake.inject({ status: 403, headers: { 'retry-after': '42', 'x-ratelimit-remaining': '4000' }, body: secondary });
    fake.inject({ status: 429, headers: { 'x-ratelimit-remaining': '3999' }, body: secondary });
    expect(await github().openPullRequests('agency/subs-web')).toHaveLength(152);
    // Both hit the first request: the second wait is its second attempt's.
    expect(waits).toEqual([42_000, 120_000]);
  });

  it('waits for x-ratelimit-reset when no requests remain, then carries on', async () => {
    const small = new GithubFake({ users: [], repos: agencyRepos() }, { token: TOKEN, rateLimit: 100 });
    await small.start();
    try {
      const slept: number[] = [];
      const client = github({
        baseUrl: small.url,
        sleep: async (ms) => {
          slept.push(ms);
          small.resetRateLimitWindow(); // the hour has passed
        },
      });
      expect(await client.openPullRequests('agency/subs-web')).toHaveLength(152);
      expect(slept.length).toBeGreaterThanOrEqual(1);
      for (const ms of slept) {
        expect(ms).toBeGreaterThan(3_590_000);
        expect(ms).toBeLessThanOrEqual(3_601_000);
      }
      expect(small.requests.filter((r) => r.path.endsWith('/pulls')).length).toBeGreaterThanOrEqual(2);
    } finally {
      await small.stop();
    }
  });

  it('does not retry a bad token, and keeps the token out of the error', async () => {
    const err = (await github({ token: 'ghp_WRONGwrongWRONG000' }).openPullRequests('agency/subs-web').catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toMatch(/^GitHub GET \/repos\/agency\/subs-web\/pulls failed: HTTP 401 .*Bad credentials/);
    expect(fake.requests).toHaveLength(1);
    expect(`${err.message} ${JSON.stringify(err)}`).not.toMatch(/WRONG|SECRET/);
  });

  it('reports an unknown repository as a 404 without retrying', async () => {
    const err = (await github().openPullRequests('agency/nope').catch((e: unknown) => e)) as ApiError;
    expect([err.status, err.attempts, err.endpoint]).toEqual([404, 1, 'GET /repos/agency/nope/pulls']);
  });

  it('gives up on repeated 5xx naming the API, endpoint and status', async () => {
    fake.inject({ status: 502, times: 4, body: { message: 'Server Error' } });
    await expect(github().openPullRequests('agency/subs-web')).rejects.toThrow(
      'GitHub GET /repos/agency/subs-web/pulls failed after 4 attempts: HTTP 502 {"message":"Server Error"}',
    );
  });

  it('times out a hanging server', async () => {
    fake.inject({ hang: true, times: 2 });
    await expect(github({ policy: { timeoutMs: 100, maxAttempts: 2 } }).openPullRequests('agency/subs-web')).rejects.toThrow(
      'GitHub GET /repos/agency/subs-web/pulls failed after 2 attempts: timed out after 100 ms',
    );
  });

  it('reports malformed JSON clearly', async () => {
    fake.inject({ rawBody: '[{"number": 1,' });
    await expect(github().openPullRequests('agency/subs-web')).rejects.toThrow(/GitHub GET \/repos\/agency\/subs-web\/pulls failed: malformed JSON/);
  });

  it('refuses a repository not written owner/name', async () => {
    await expect(github().openPullRequests('subs-web')).rejects.toThrow('GitHub repository must be written owner/name, got "subs-web"');
  });
});

describe('GitHub fake', () => {
  const get = (path: string, token = TOKEN) => fetch(`${fake.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

  it('pages pull requests 30 at a time by default with a Link header pointing at /repositories/{id}', async () => {
    const res = await get('/repos/agency/subs-web/pulls');
    const body = (await res.json()) as { number: number; user: { login: string; id: number; type: string }; requested_reviewers: unknown[]; head: { ref: string; sha: string }; html_url: string }[];
    expect(body).toHaveLength(30);
    expect(body[0]).toMatchObject({ user: { login: expect.any(String), id: expect.any(Number), type: 'User' }, head: { ref: expect.any(String), sha: expect.any(String) } });
    expect(res.headers.get('link')).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/repositories\/\d+\/pulls\?page=2>; rel="next", <[^>]+page=6>; rel="last"$/);
    for (const h of ['limit', 'remaining', 'used', 'reset', 'resource']) expect(res.headers.get(`x-ratelimit-${h}`)).not.toBeNull();
  });

  it('clamps per_page to 100 and sorts newest first by default', async () => {
    const body = (await (await get('/repos/agency/subs-web/pulls?per_page=500')).json()) as { created_at: string }[];
    expect(body).toHaveLength(100);
    expect(body[0]!.created_at >= body[99]!.created_at).toBe(true);
  });

  it('derives lowercase `reviewed` events in the timeline and names requested reviewers', async () => {
    const events = (await (await get('/repos/agency/subs-web/issues/7/timeline')).json()) as { event: string; state?: string; requested_reviewer?: { login: string; id: number; type: string } }[];
    expect(events.filter((e) => e.event === 'reviewed').map((e) => e.state)).toEqual(['commented', 'approved', 'pending']);
    expect(events.find((e) => e.event === 'review_requested')!.requested_reviewer).toMatchObject({ login: 'grace', id: expect.any(Number), type: 'User' });
  });

  it('answers GitHub’s error bodies', async () => {
    const bad = await get('/repos/agency/subs-web/pulls', 'nope');
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ message: 'Bad credentials', documentation_url: expect.stringContaining('docs.github.com') });
    const missing = await get('/repos/agency/subs-web/pulls/999/reviews');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ message: 'Not Found' });
  });
});
