// GitHub REST client: a repository's open pull requests with their reviews and review-request history (from the issue
// timeline, since GitHub drops a reviewer from requested_reviewers once they review), within GitHub's rate limits.
import type { Logger } from '../logger.ts';
import { HttpClient, paginateGithub, retryAfterMs, type HttpPolicy, type RateLimitReader } from './http.ts';

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

export interface PullRequest {
  /** `owner/name` */
  repo: string;
  number: number;
  title: string;
  /** The page a person opens (html_url). */
  url: string;
  /** Author's login. */
  author: string;
  draft: boolean;
  createdAt: string;
  updatedAt: string;
  labels: string[];
  /** Logins asked to review and not reviewed yet, as of now (teams are left out). */
  requestedReviewers: string[];
  /** Every request for a person's review, oldest first; removedAt when the request was withdrawn. */
  reviewRequests: { reviewer: string; requestedAt: string; removedAt?: string }[];
  /** Submitted reviews, oldest first (an unsubmitted PENDING review has no time and is left out). */
  reviews: { reviewer: string; state: ReviewState; submittedAt: string }[];
  /** When the PR last became ready for review: its creation, or the last ready_for_review event. */
  readyForReviewAt: string;
}

export interface GithubClient {
  openPullRequests(repo: string): Promise<PullRequest[]>;
}

export interface GithubClientOptions {
  /** Default https://api.github.com */
  baseUrl?: string;
  token: string;
  /** GitHub's primary limit resets within the hour, so by default we wait up to an hour for it. */
  policy?: Partial<HttpPolicy>;
  logger?: Logger;
  /** Tests replace the waits between retries. */
  sleep?: (ms: number) => Promise<void>;
  /** Clock for reading x-ratelimit-reset (epoch seconds); default Date.now. */
  now?: () => number;
}

interface UserJson {
  login: string;
}

interface PullJson {
  number: number;
  title: string;
  html_url: string;
  user: UserJson | null;
  draft?: boolean;
  created_at: string;
  updated_at: string;
  labels: { name: string }[];
  requested_reviewers?: UserJson[];
}

interface ReviewJson {
  user: UserJson | null;
  state: ReviewState;
  submitted_at?: string;
}

interface TimelineEventJson {
  event?: string;
  created_at?: string;
  requested_reviewer?: UserJson;
}

/** GitHub shows a deleted account as "ghost". */
const login = (u: UserJson | null | undefined) => u?.login ?? 'ghost';

/**
 * GitHub's documented order: honour retry-after; else, with no requests remaining, wait for x-ratelimit-reset; else a
 * "secondary rate limit" answer waits at least a minute, longer on each repeat. Any other 403 is a permission error.
 */
export function githubRateLimit(now: () => number = Date.now): RateLimitReader {
  return (res, attempt) => {
    if (res.status !== 403 && res.status !== 429) return undefined;
    const after = retryAfterMs(res.headers, now());
    if (after !== undefined) return after;
    const reset = Number(res.headers['x-ratelimit-reset']);
    if (res.headers['x-ratelimit-remaining'] === '0' && Number.isFinite(reset) && reset > 0) {
      return Math.max(0, reset * 1000 - now()) + 1000;
    }
    const message = String((res.data as { message?: unknown } | undefined)?.message ?? '');
    if (res.status === 429 || /secondary rate limit/i.test(message)) return 60_000 * 2 ** (attempt - 1);
    return undefined;
  };
}

export function createGithubClient(options: GithubClientOptions): GithubClient {
  const http = new HttpClient({
    api: 'GitHub',
    baseUrl: options.baseUrl ?? 'https://api.github.com',
    headers: {
      Authorization: `Bearer ${options.token}`,
      Accept: 'application/vnd.github+json',
      'X-GitHub-Api-Version': '2022-11-28',
      'User-Agent': 'pm-agents',
    },
    policy: { maxRetryAfterMs: 61 * 60_000, ...options.policy },
    logger: options.logger,
    sleep: options.sleep,
    rateLimit: githubRateLimit(options.now),
  });

  async function all<T>(path: string, query: Record<string, string | number> = {}): Promise<T[]> {
    const items: T[] = [];
    for await (const page of paginateGithub<T>(http, path, { per_page: 100, ...query })) items.push(...page);
    return items;
  }

  return {
    async openPullRequests(repo) {
      if (!/^[\w.-]+\/[\w.-]+$/.test(repo)) throw new Error(`GitHub repository must be written owner/name, got "${repo}"`);
      const base = `/repos/${repo}`;
      const pulls = await all<PullJson>(`${base}/pulls`, { state: 'open', sort: 'created', direction: 'asc' });
      // Reviews and timelines of all PRs are requested together; the client's concurrency limit paces them.
      return Promise.all(
        pulls.map(async (p) => {
          const [reviews, timeline] = await Promise.all([
            all<ReviewJson>(`${base}/pulls/${p.number}/reviews`),
            all<TimelineEventJson>(`${base}/issues/${p.number}/timeline`),
          ]);
          return toPullRequest(repo, p, reviews, timeline);
        }),
      );
    },
  };
}

function toPullRequest(repo: string, p: PullJson, reviews: ReviewJson[], timeline: TimelineEventJson[]): PullRequest {
  const reviewRequests: PullRequest['reviewRequests'] = [];
  let readyForReviewAt = p.created_at;
  for (const e of timeline) {
    if (e.event === 'ready_for_review' && e.created_at) readyForReviewAt = e.created_at;
    // Team requests carry requested_team instead of requested_reviewer: we follow people only.
    if (!e.requested_reviewer || !e.created_at) continue;
    const reviewer = e.requested_reviewer.login;
    if (e.event === 'review_requested') reviewRequests.push({ reviewer, requestedAt: e.created_at });
    if (e.event === 'review_request_removed') {
      const open = [...reviewRequests].reverse().find((r) => r.reviewer === reviewer && r.removedAt === undefined);
      if (open) open.removedAt = e.created_at;
    }
  }
  return {
    repo,
    number: p.number,
    title: p.title,
    url: p.html_url,
    author: login(p.user),
    draft: p.draft ?? false,
    createdAt: p.created_at,
    updatedAt: p.updated_at,
    labels: p.labels.map((l) => l.name),
    requestedReviewers: (p.requested_reviewers ?? []).map((u) => u.login),
    reviewRequests,
    reviews: reviews
      .filter((r): r is ReviewJson & { submitted_at: string } => typeof r.submitted_at === 'string')
      .map((r) => ({ reviewer: login(r.user), state: r.state, submittedAt: r.submitted_at })),
    readyForReviewAt,
  };
}
