// A fake GitHub REST API (pull requests, reviews, issue timelines) serving the sample agency's repositories in GitHub's
// JSON shape, with page/per_page paging and Link headers, x-ratelimit-* headers and a primary rate limit per token.
import type { AgencyData, GithubPullRecord, GithubRepoRecord, GithubReviewRecord, GithubTimelineRecord } from '../agency-data.ts';
import { FakeHttpError, FakeServer, type FakeRequest, type FakeResponse } from './fake-server.ts';

export interface GithubFakeOptions {
  /** The one token accepted (as `Bearer` or `token`); when absent any non-empty token is. */
  token?: string;
  latencyMs?: number;
  /** Requests allowed per hour window (GitHub's primary limit: 5,000 for a token). */
  rateLimit?: number;
}

const DOCS = 'https://docs.github.com/rest';
const WINDOW_SECONDS = 3600;

export class GithubFake extends FakeServer {
  private readonly token: string | undefined;
  readonly rateLimit: number;
  private used = 0;
  private windowReset = 0;

  constructor(
    readonly data: AgencyData['github'],
    options: GithubFakeOptions = {},
  ) {
    super('GitHub', { latencyMs: options.latencyMs });
    this.token = options.token;
    this.rateLimit = options.rateLimit ?? 5000;

    // GitHub's own Link headers point at /repositories/{id}/…, so both spellings are served.
    for (const prefix of ['/repos/{owner}/{repo}', '/repositories/{repoId}']) {
      this.route('GET', `${prefix}/pulls`, this.guard((req) => this.listPulls(req, this.repo(req))));
      this.route('GET', `${prefix}/pulls/{number}/reviews`, this.guard((req) => this.listReviews(req, this.repo(req))));
      this.route('GET', `${prefix}/issues/{number}/timeline`, this.guard((req) => this.listTimeline(req, this.repo(req))));
    }
  }

  /** Start a fresh rate-limit window now (a test's "an hour has passed"). */
  resetRateLimitWindow(): void {
    this.used = 0;
    this.windowReset = 0;
  }

  /** Auth, then the primary limit; every answer carries x-ratelimit-* headers, errors included. */
  private guard(handler: (req: FakeRequest) => FakeResponse): (req: FakeRequest) => FakeResponse {
    return (req) => {
      const auth = req.headers.authorization;
      const presented = typeof auth === 'string' ? /^(?:Bearer|token)\s+(\S+)$/i.exec(auth)?.[1] : undefined;
      if (!auth) throw new FakeHttpError(401, { message: 'Requires authentication', documentation_url: DOCS, status: '401' }, this.rateLimitHeaders());
      if (!presented || (this.token !== undefined && presented !== this.token)) {
        throw new FakeHttpError(401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' }, this.rateLimitHeaders());
      }
      const nowSeconds = Math.floor(Date.now() / 1000);
      if (this.windowReset === 0 || nowSeconds >= this.windowReset) {
        this.windowReset = nowSeconds + WINDOW_SECONDS;
        this.used = 0;
      }
      if (this.used >= this.rateLimit) {
        throw new FakeHttpError(
          403,
          { message: 'API rate limit exceeded for user ID 1.', documentation_url: `${DOCS}/using-the-rest-api/rate-limits-for-the-rest-api` },
          this.rateLimitHeaders(),
        );
      }
      this.used += 1;
      try {
        const answer = handler(req);
        return { ...answer, headers: { ...this.rateLimitHeaders(), ...answer.headers } };
      } catch (err) {
        if (err instanceof FakeHttpError) throw new FakeHttpError(err.status, err.body, { ...this.rateLimitHeaders(), ...err.headers });
        throw err;
      }
    };
  }

  private rateLimitHeaders(): Record<string, string> {
    return {
      'x-ratelimit-limit': String(this.rateLimit),
      'x-ratelimit-remaining': String(Math.max(0, this.rateLimit - this.used)),
      'x-ratelimit-used': String(this.used),
      'x-ratelimit-reset': String(this.windowReset),
      'x-ratelimit-resource': 'core',
    };
  }

  private repo(req: FakeRequest): { repo: GithubRepoRecord; id: number } {
    const index =
      req.params.repoId !== undefined
        ? Number(req.params.repoId) - repoIdBase
        : this.data.repos.findIndex((r) => r.owner.toLowerCase() === req.params.owner!.toLowerCase() && r.name.toLowerCase() === req.params.repo!.toLowerCase());
    const repo = this.data.repos[index];
    if (!repo) throw notFound('pulls/pulls#list-pull-requests');
    return { repo, id: repoIdBase + index };
  }

  private pull(repo: GithubRepoRecord, req: FakeRequest): GithubPullRecord {
    const pull = repo.pulls.find((p) => String(p.number) === req.params.number);
    if (!pull) throw notFound('pulls/pulls#get-a-pull-request');
    return pull;
  }

  private listPulls(req: FakeRequest, { repo, id }: { repo: GithubRepoRecord; id: number }): FakeResponse {
    const state = req.query.get('state') ?? 'open';
    if (!['open', 'closed', 'all'].includes(state)) throw validationFailed('state');
    const sort = req.query.get('sort') ?? 'created';
    if (!['created', 'updated', 'popularity', 'long-running'].includes(sort)) throw validationFailed('sort');
    // GitHub: descending by default when sorting by creation, ascending otherwise.
    const direction = req.query.get('direction') ?? (req.query.has('sort') && sort !== 'created' ? 'asc' : 'desc');
    if (!['asc', 'desc'].includes(direction)) throw validationFailed('direction');
    const key = (p: GithubPullRecord) => (sort === 'updated' ? p.updatedAt : p.createdAt);
    const pulls = repo.pulls
      .filter((p) => state === 'all' || p.state === state)
      .sort((a, b) => (direction === 'asc' ? 1 : -1) * (key(a).localeCompare(key(b)) || a.number - b.number));
    return this.paged(req, id, pulls, (p) => this.pullJson(repo, p));
  }

  private listReviews(req: FakeRequest, { repo, id }: { repo: GithubRepoRecord; id: number }): FakeResponse {
    const pull = this.pull(repo, req);
    const reviews = [...pull.reviews].sort((a, b) => a.submittedAt.localeCompare(b.submittedAt) || a.id - b.id);
    return this.paged(req, id, reviews, (r) => this.reviewJson(repo, pull, r));
  }

  private listTimeline(req: FakeRequest, { repo, id }: { repo: GithubRepoRecord; id: number }): FakeResponse {
    const pull = this.pull(repo, req);
    const events: { at: string; json: () => Record<string, unknown> }[] = [
      ...pull.timeline.map((e, i) => ({ at: e.event === 'committed' ? e.committerDate : e.createdAt, json: () => this.eventJson(repo, pull, e, i) })),
      ...pull.reviews.map((r) => ({ at: r.submittedAt, json: () => ({ ...this.reviewJson(repo, pull, r), state: r.state.toLowerCase(), event: 'reviewed' }) })),
    ];
    // A stable sort keeps same-moment events in the order the data lists them.
    events.sort((a, b) => a.at.localeCompare(b.at));
    return this.paged(req, id, events, (e) => e.json());
  }

  /** page/per_page paging (per_page default 30, at most 100) with GitHub's Link header. */
  private paged<T>(req: FakeRequest, repoId: number, items: T[], toJson: (item: T) => unknown): FakeResponse {
    const perPage = Math.min(100, Math.max(1, Number.parseInt(req.query.get('per_page') ?? '30', 10) || 30));
    const page = Math.max(1, Number.parseInt(req.query.get('page') ?? '1', 10) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const pathAfterRepo = req.path.replace(/^\/(?:repos\/[^/]+\/[^/]+|repositories\/\d+)/, '');
    const link = (n: number) => {
      const url = new URL(`${this.url}/repositories/${repoId}${pathAfterRepo}`);
      for (const [k, v] of req.query) if (k !== 'page') url.searchParams.append(k, v);
      url.searchParams.set('page', String(n));
      return url.toString();
    };
    const rels: string[] = [];
    if (page > 1) rels.push(`<${link(page - 1)}>; rel="prev"`);
    if (page < last) rels.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
    if (page > 1) rels.push(`<${link(1)}>; rel="first"`);
    const body = items.slice((page - 1) * perPage, page * perPage).map(toJson);
    return { headers: rels.length > 0 ? { link: rels.join(', ') } : {}, body };
  }

  private userJson(login: string): Record<string, unknown> {
    const known = this.data.users.find((u) => u.login === login);
    const id = known?.id ?? stableId(login);
    return {
      login,
      id,
      node_id: `U_${id}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
      url: `${this.url}/users/${login}`,
      html_url: `https://github.com/${login}`,
      type: known?.type ?? 'User',
      site_admin: false,
    };
  }

  private pullJson(repo: GithubRepoRecord, p: GithubPullRecord): Record<string, unknown> {
    const full = `${repo.owner}/${repo.name}`;
    return {
      url: `${this.url}/repos/${full}/pulls/${p.number}`,
      id: stableId(`${full}#${p.number}`),
      node_id: `PR_${p.number}`,
      html_url: `https://github.com/${full}/pull/${p.number}`,
      number: p.number,
      state: p.state,
      locked: false,
      title: p.title,
      user: this.userJson(p.authorLogin),
      body: p.body,
      labels: p.labels.map((name) => ({ id: stableId(`label:${name}`), name, color: 'ededed', default: false, description: null })),
      created_at: p.createdAt,
      updated_at: p.updatedAt,
      closed_at: p.closedAt,
      merged_at: p.merged ? p.closedAt : null,
      requested_reviewers: p.requestedReviewers.map((login) => this.userJson(login)),
      requested_teams: [],
      head: { label: `${repo.owner}:${p.headRef}`, ref: p.headRef, sha: p.headSha, user: this.userJson(repo.owner) },
      base: { label: `${repo.owner}:${p.baseRef}`, ref: p.baseRef, user: this.userJson(repo.owner) },
      author_association: 'MEMBER',
      draft: p.draft,
    };
  }

  private reviewJson(repo: GithubRepoRecord, p: GithubPullRecord, r: GithubReviewRecord): Record<string, unknown> {
    const full = `${repo.owner}/${repo.name}`;
    return {
      id: r.id,
      node_id: `PRR_${r.id}`,
      user: this.userJson(r.login),
      body: r.body,
      state: r.state,
      html_url: `https://github.com/${full}/pull/${p.number}#pullrequestreview-${r.id}`,
      pull_request_url: `${this.url}/repos/${full}/pulls/${p.number}`,
      author_association: 'MEMBER',
      // A pending review has not been submitted: GitHub leaves submitted_at out.
      ...(r.state === 'PENDING' ? {} : { submitted_at: r.submittedAt }),
      commit_id: p.headSha,
    };
  }

  private eventJson(repo: GithubRepoRecord, p: GithubPullRecord, e: GithubTimelineRecord, index: number): Record<string, unknown> {
    const full = `${repo.owner}/${repo.name}`;
    if (e.event === 'committed') {
      return {
        sha: e.sha,
        node_id: `C_${e.sha}`,
        url: `${this.url}/repos/${full}/git/commits/${e.sha}`,
        html_url: `https://github.com/${full}/commit/${e.sha}`,
        author: { name: p.authorLogin, email: `${p.authorLogin}@users.noreply.github.com`, date: e.authorDate },
        committer: { name: p.authorLogin, email: `${p.authorLogin}@users.noreply.github.com`, date: e.committerDate },
        message: e.message,
        parents: [],
        event: 'committed',
      };
    }
    const id = stableId(`${full}#${p.number}:${index}`);
    const common = {
      id,
      node_id: `E_${id}`,
      url: `${this.url}/repos/${full}/issues/events/${id}`,
      actor: this.userJson(e.actor),
      event: e.event,
      commit_id: null,
      commit_url: null,
      created_at: e.createdAt,
      performed_via_github_app: null,
    };
    if (e.event === 'review_requested' || e.event === 'review_request_removed') {
      return { ...common, review_requester: common.actor, requested_reviewer: this.userJson(e.reviewer) };
    }
    return common;
  }
}

const repoIdBase = 700_000;

/** A positive id derived from a name, the same on every run (the sample data has no ids for these). */
function stableId(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0) % 900_000_000 + 1_000_000;
}

function notFound(docPath: string): FakeHttpError {
  return new FakeHttpError(404, { message: 'Not Found', documentation_url: `${DOCS}/${docPath}`, status: '404' });
}

function validationFailed(field: string): FakeHttpError {
  return new FakeHttpError(422, {
    message: 'Validation Failed',
    errors: [{ resource: 'Issue', field, code: 'invalid' }],
    documentation_url: `${DOCS}/pulls/pulls#list-pull-requests`,
    status: '422',
  });
}
