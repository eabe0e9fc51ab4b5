// The sample agency's GitHub: for each configured repository, open pull requests in the situations a reviewer-nudging
// agent meets (fresh, waiting on a reviewer for days, changes requested and re-requested, approved, draft) and a few
// recently merged ones, each tied to a Jira ticket of the project, with the timeline GitHub would show.
import type { GithubPullRecord, GithubRepoRecord, GithubReviewRecord, GithubTimelineRecord, GithubUserRecord } from '../agency-data.ts';
import type { Random } from '../random.ts';
import type { SampleJira } from './jira.ts';
import type { GeneratorContext, PullPattern, SampleProject } from './org.ts';
import { COMMIT_MESSAGES } from './themes.ts';
import { DAY_MS } from './timeline.ts';

const MINUTE_MS = 60_000;
const HEX = '0123456789abcdef';
const REVIEW_BODIES = { APPROVED: 'Looks good to me.', CHANGES_REQUESTED: 'A few comments inline: please handle the empty state.', COMMENTED: 'Left a question about the naming.' } as const;

interface PullDraft {
  record: GithubPullRecord;
  createdMs: number;
}

export function generateGithub(ctx: GeneratorContext, jira: SampleJira, rng: Random): { users: GithubUserRecord[]; repos: GithubRepoRecord[] } {
  const users: GithubUserRecord[] = [];
  let userId = 1_000_000;
  for (const p of ctx.org.people) {
    if (!p.githubLogin) continue;
    userId += rng.int(1, 90_000);
    users.push({ login: p.githubLogin, id: userId, type: 'User' });
  }
  const builder = new PullBuilder(ctx, jira, rng);
  const repos: GithubRepoRecord[] = [];
  for (const project of ctx.org.projects) {
    for (const repo of project.repos) {
      const [owner, name] = repo.fullName.split('/') as [string, string];
      repos.push({ owner, name, pulls: builder.repoPulls(project, repo.patterns) });
    }
  }
  return { users, repos };
}

class PullBuilder {
  private reviewId = 1_800_000_000;
  /** Tickets already given a pull request, so two pull requests do not claim one ticket. */
  private readonly usedIssues = new Set<number>();

  constructor(
    private readonly ctx: GeneratorContext,
    private readonly jira: SampleJira,
    private readonly rng: Random,
  ) {}

  repoPulls(project: SampleProject, patterns: PullPattern[]): GithubPullRecord[] {
    const coders = this.coders(project);
    if (coders.length < 2) return [];
    const drafts: PullDraft[] = [];
    for (const pattern of patterns) drafts.push(this.openPull(project, pattern, coders));
    const merged = this.ctx.size.demo ? this.rng.int(3, 5) : this.rng.int(0, 2);
    for (let i = 0; i < merged; i++) drafts.push(this.mergedPull(project, coders));
    drafts.sort((a, b) => a.createdMs - b.createdMs);
    let number = this.rng.int(20, 400);
    return drafts.map((d) => {
      number += this.rng.int(1, 4);
      d.record.number = number;
      return d.record;
    });
  }

  /** People who write code on the project: its members with a GitHub login, else their teams'. */
  private coders(project: SampleProject): string[] {
    const people = this.ctx.org.people;
    const logins = project.members.filter((i) => people[i]!.active && people[i]!.githubLogin).map((i) => people[i]!.githubLogin!);
    if (logins.length >= 2) return logins;
    const teams = new Set([project.team, ...project.supportTeams]);
    const more = people.filter((p) => p.active && p.githubLogin && teams.has(p.team)).map((p) => p.githubLogin!);
    return [...new Set([...logins, ...more])];
  }

  /** A ticket of the project in one of `statuses` not yet given a pull request (or any ticket). */
  private ticket(project: SampleProject, statuses: readonly string[], olderThanMs = Infinity): number {
    const workable = this.jira.workable[project.index]!;
    const candidates = workable.filter((i) => !this.usedIssues.has(i) && statuses.includes(this.jira.issues[i]!.status) && this.enteredStatusAt(i) <= olderThanMs);
    const pick = candidates.length > 0 ? this.rng.pick(candidates) : this.rng.pick(workable);
    this.usedIssues.add(pick);
    return pick;
  }

  private enteredStatusAt(issue: number): number {
    const log = this.jira.issues[issue]!.changelog;
    return log.length > 0 ? Date.parse(log[log.length - 1]!.created) : Date.parse(this.jira.issues[issue]!.created);
  }

  /** A working moment `daysAgo` before the as-of, redrawn when the weekend pushes it out of [min, max] days. */
  private momentAgo(min: number, max: number): number {
    const { timeline } = this.ctx;
    let at = 0;
    for (let tries = 0; tries < 6; tries++) {
      at = timeline.workingMomentAtOrBefore(timeline.asOfMs - this.rng.between(min, max) * DAY_MS, this.rng);
      const age = (timeline.asOfMs - at) / DAY_MS;
      if (age >= min && age <= max) break;
    }
    return at;
  }

  /** `after` plus a delay, at a working moment, never after the as-of. */
  private later(after: number, minDays: number, maxDays: number): number {
    const { timeline } = this.ctx;
    const target = Math.min(after + this.rng.between(minDays, maxDays) * DAY_MS, timeline.asOfMs - 30 * MINUTE_MS);
    return Math.max(after + 5 * MINUTE_MS, timeline.workingMomentAtOrBefore(target, this.rng));
  }

  private openPull(project: SampleProject, pattern: PullPattern, coders: string[]): PullDraft {
    const { timeline } = this.ctx;
    // A pull request "stuck" in review is the ticket stuck in review, when the project has one.
    const stuckBefore = timeline.asOfMs - 3 * DAY_MS;
    const issue = pattern === 'draft' ? this.ticket(project, ['In Progress']) : pattern === 'stuck' ? this.ticket(project, ['In Review'], stuckBefore) : this.ticket(project, ['In Review', 'QA', 'In Progress']);
    const issueStuck = pattern === 'stuck' && this.jira.issues[issue]!.status === 'In Review' && this.enteredStatusAt(issue) <= stuckBefore && this.enteredStatusAt(issue) >= timeline.asOfMs - 9 * DAY_MS;
    const author = this.author(issue, coders);
    // A stuck pull request asked two people when it could: one commented, the other has not looked.
    const reviewers = this.reviewers(author, coders, pattern === 'draft' ? 0 : pattern === 'stuck' ? 2 : this.rng.int(1, 2));
    const pull = this.start(issue, author);
    const events: [number, GithubTimelineRecord][] = [];
    let createdMs: number;
    switch (pattern) {
      case 'fresh': {
        createdMs = this.momentAgo(0.1, 2);
        this.request(events, author, reviewers, createdMs + 2 * MINUTE_MS, pull);
        break;
      }
      case 'stuck': {
        const requestedAt = issueStuck ? this.enteredStatusAt(issue) : this.momentAgo(3.2, 8.8);
        createdMs = requestedAt - this.rng.int(5, 60) * MINUTE_MS;
        this.request(events, author, reviewers, requestedAt, pull);
        if (reviewers.length > 1) this.review(pull, reviewers[1]!, 'COMMENTED', this.later(requestedAt, 0.2, 1));
        break;
      }
      case 'changes': {
        createdMs = this.momentAgo(2.5, 6);
        this.request(events, author, reviewers, createdMs + 2 * MINUTE_MS, pull);
        const reviewedAt = this.later(createdMs, 0.2, 1.2);
        this.review(pull, reviewers[0]!, 'CHANGES_REQUESTED', reviewedAt);
        const fixedAt = this.later(reviewedAt, 0.1, 0.8);
        this.commit(events, pull, 'Address review comments', fixedAt);
        this.request(events, author, [reviewers[0]!], fixedAt + 3 * MINUTE_MS, pull);
        break;
      }
      case 'approved': {
        createdMs = this.momentAgo(1, 5);
        this.request(events, author, reviewers, createdMs + 2 * MINUTE_MS, pull);
        for (const r of reviewers) this.review(pull, r, 'APPROVED', this.later(createdMs, 0.1, 1.5));
        break;
      }
      case 'draft': {
        createdMs = this.momentAgo(0.5, 4);
        pull.draft = true;
        break;
      }
    }
    this.firstCommits(events, pull, issue, createdMs);
    return this.finish(pull, events, createdMs);
  }

  private mergedPull(project: SampleProject, coders: string[]): PullDraft {
    const issue = this.ticket(project, ['Done']);
    const author = this.author(issue, coders);
    const reviewers = this.reviewers(author, coders, 1);
    const pull = this.start(issue, author);
    const events: [number, GithubTimelineRecord][] = [];
    const createdMs = this.momentAgo(3, 30);
    this.request(events, author, reviewers, createdMs + 2 * MINUTE_MS, pull);
    const approvedAt = this.later(createdMs, 0.1, 2);
    this.review(pull, reviewers[0]!, 'APPROVED', approvedAt);
    const mergedAt = this.later(approvedAt, 0.05, 1);
    pull.state = 'closed';
    pull.merged = true;
    pull.closedAt = this.ctx.timeline.isoSeconds(mergedAt);
    this.firstCommits(events, pull, issue, createdMs);
    return this.finish(pull, events, createdMs, mergedAt);
  }

  private author(issue: number, coders: string[]): string {
    const assignee = this.jira.assignee[issue]!;
    const login = assignee >= 0 ? this.ctx.org.people[assignee]!.githubLogin : undefined;
    return login && coders.includes(login) ? login : this.rng.pick(coders);
  }

  private reviewers(author: string, coders: string[], count: number): string[] {
    const others = this.rng.shuffle(coders.filter((c) => c !== author));
    return others.slice(0, Math.min(count, others.length));
  }

  private start(issue: number, author: string): GithubPullRecord {
    const ticket = this.jira.issues[issue]!;
    return {
      number: 0,
      title: `${ticket.key}: ${ticket.summary}`,
      body: `Closes ${ticket.key}.\n\nScreenshots and test notes below.`,
      state: 'open',
      merged: false,
      draft: false,
      authorLogin: author,
      createdAt: '',
      updatedAt: '',
      closedAt: null,
      requestedReviewers: [],
      labels: this.rng.chance(0.1) ? ['needs-qa'] : [],
      headRef: `feature/${ticket.key.toLowerCase()}`,
      headSha: '',
      baseRef: 'main',
      reviews: [],
      timeline: [],
    };
  }

  private request(events: [number, GithubTimelineRecord][], actor: string, reviewers: string[], at: number, pull: GithubPullRecord): void {
    for (const reviewer of reviewers) {
      events.push([at, { event: 'review_requested', actor, reviewer, createdAt: this.ctx.timeline.isoSeconds(at) }]);
      if (!pull.requestedReviewers.includes(reviewer)) pull.requestedReviewers.push(reviewer);
    }
  }

  /** A submitted review; GitHub then drops the reviewer from the requested list. */
  private review(pull: GithubPullRecord, login: string, state: keyof typeof REVIEW_BODIES, at: number): void {
    this.reviewId += this.rng.int(1, 5000);
    const review: GithubReviewRecord = { id: this.reviewId, login, state, submittedAt: this.ctx.timeline.isoSeconds(at), body: REVIEW_BODIES[state] };
    pull.reviews.push(review);
    pull.requestedReviewers = pull.requestedReviewers.filter((r) => r !== login);
  }

  private commit(events: [number, GithubTimelineRecord][], pull: GithubPullRecord, message: string, at: number): void {
    const sha = this.rng.chars(HEX, 40);
    const when = this.ctx.timeline.isoSeconds(at);
    events.push([at, { event: 'committed', sha, message, authorDate: when, committerDate: when }]);
    pull.headSha = sha;
  }

  private firstCommits(events: [number, GithubTimelineRecord][], pull: GithubPullRecord, issue: number, createdMs: number): void {
    const ticket = this.jira.issues[issue]!;
    const count = this.rng.int(1, 3);
    const later = pull.headSha;
    let at = createdMs - this.rng.between(0.05, 1) * DAY_MS;
    for (let i = 0; i < count; i++) {
      this.commit(events, pull, i === 0 ? `${ticket.key}: ${ticket.summary}` : this.rng.pick(COMMIT_MESSAGES), at);
      at += this.rng.int(10, 120) * MINUTE_MS;
      at = Math.min(at, createdMs - MINUTE_MS);
    }
    if (later) pull.headSha = later;
  }

  private finish(pull: GithubPullRecord, events: [number, GithubTimelineRecord][], createdMs: number, closedMs = 0): PullDraft {
    const { timeline } = this.ctx;
    events.sort((a, b) => a[0] - b[0]);
    pull.timeline = events.map((e) => e[1]);
    let last = Math.max(createdMs, closedMs, events.length > 0 ? events[events.length - 1]![0] : 0);
    for (const r of pull.reviews) last = Math.max(last, Date.parse(r.submittedAt));
    pull.reviews.sort((a, b) => a.submittedAt.localeCompare(b.submittedAt));
    pull.createdAt = timeline.isoSeconds(createdMs);
    pull.updatedAt = timeline.isoSeconds(Math.min(last, timeline.asOfMs));
    return { record: pull, createdMs };
  }
}
