// The sample agency's Jira: per project a few epics and their stories, tasks and bugs, each with a status history
// walked backwards from where the ticket is at the as-of (so tickets in review are there for hours, not weeks, except
// the few the scenario holds stuck), tickets filed without an epic, and comments. Epic estimates are set once the
// worklogs exist (epic-estimates.ts).
import { tokenize } from '../../services/text-similarity.ts';
import type { JiraHistoryRecord, JiraIssueRecord } from '../agency-data.ts';
import type { Random } from '../random.ts';
import type { GeneratorContext, SampleProject } from './org.ts';
import { teamDiscipline } from './roster.ts';
import { BUG_DESCRIPTIONS, COMMENTS, STORY_DESCRIPTIONS } from './themes.ts';
import { DAY_MS } from './timeline.ts';
import { CATEGORY, CLIENT_FLOW, drawStatus, dwellMs, entryAgeMs, INTERNAL_FLOW, pathTo, statusChange, type SampleStatus } from './workflow.ts';

const HOUR_MS = 3_600_000;
const ascending = (a: number, b: number): number => a - b;

export interface SampleJira {
  issues: JiraIssueRecord[];
  projectOf: number[];
  /** Index of the issue's epic, -1 when it has none (or is an epic). */
  epicOf: number[];
  isEpic: boolean[];
  /** Person index of the assignee, -1 when unassigned. */
  assignee: number[];
  /** Timeline day each issue was created on. */
  createdDay: number[];
  /** Per project, per timeline week: issues being worked on that week. */
  activeByWeek: number[][][];
  /** Per project: every issue that is not an epic, oldest first. */
  workable: number[][];
}

interface DraftIssue {
  record: JiraIssueRecord;
  createdMs: number;
  epic: number;
  assignee: number;
  activeFrom: number;
  activeTo: number;
}

class IdSequence {
  constructor(
    private value: number,
    private readonly rng: Random,
    private readonly maxStep = 1,
  ) {}
  next(): number {
    this.value += this.maxStep === 1 ? 1 : this.rng.int(1, this.maxStep);
    return this.value;
  }
}

const PRIORITIES: readonly JiraIssueRecord['priority'][] = ['Highest', 'High', 'Medium', 'Low', 'Lowest'];
const PRIORITY_WEIGHTS = [5, 20, 55, 15, 5];
const STORY_POINTS = [1, 2, 3, 5, 8];

export function generateJira(ctx: GeneratorContext, rng: Random): SampleJira {
  const out: SampleJira = { issues: [], projectOf: [], epicOf: [], isEpic: [], assignee: [], createdDay: [], activeByWeek: [], workable: [] };
  const ids = { issue: new IdSequence(10_999, rng, 3), history: new IdSequence(100_000, rng), comment: new IdSequence(20_000, rng) };
  for (const project of ctx.org.projects) generateProject(ctx, project, rng, ids, out);
  return out;
}

function generateProject(ctx: GeneratorContext, project: SampleProject, rng: Random, ids: Record<'issue' | 'history' | 'comment', IdSequence>, out: SampleJira): void {
  const { timeline, org } = ctx;
  const flow = project.type === 'internal' ? INTERNAL_FLOW : CLIENT_FLOW;
  const workers = project.members.filter((m) => m !== project.pm);
  if (workers.length === 0) workers.push(project.pm);
  const epicWords = project.themes.map((t) => new Set(tokenize(t.epic)));
  const storyOrder = project.themes.map((t) => rng.shuffle(t.stories.map((_, i) => i)));
  const storyCursor = project.themes.map(() => 0);
  const drafts: DraftIssue[] = [];
  const epicCount = project.themes.length;

  for (let s = 0; s < project.storyCount; s++) {
    const epic = s < epicCount ? s : rng.int(0, epicCount - 1);
    const orphan = s >= project.storyCount - project.orphanCount;
    const stuck = orphan ? undefined : (project.stuck[s] ?? (!ctx.size.demo && project.type !== 'internal' && rng.chance(0.01) ? { status: rng.pick(['In Review', 'QA'] as const), days: rng.between(6, 14) } : undefined));
    const theme = project.themes[epic]!;
    let summary: string;
    if (orphan) {
      // Filed without an epic, but worded so that its epic is the clear best match among the project's epics.
      const matching = theme.stories.filter((story) => uniquelyMatches(story, epic, epicWords));
      summary = rng.pick(matching.length > 0 ? matching : theme.stories);
    } else {
      const round = Math.floor(storyCursor[epic]! / theme.stories.length);
      const base = theme.stories[storyOrder[epic]![storyCursor[epic]! % theme.stories.length]!]!;
      storyCursor[epic]!++;
      summary = round === 0 ? base : round === 1 ? `${base} (follow-up)` : `${base} (part ${round + 1})`;
    }
    const typeDraw = rng.next();
    const issueType: JiraIssueRecord['issueType'] = orphan ? (typeDraw < 0.7 ? 'Story' : 'Task') : typeDraw < 0.6 ? 'Story' : typeDraw < 0.85 ? 'Task' : 'Bug';

    // Where the ticket is at the as-of, and since when; the path to it is then walked backwards.
    let final: SampleStatus;
    let enteredMs: number;
    if (stuck) {
      final = stuck.status;
      enteredMs = timeline.workingMomentAtOrBefore(timeline.asOfMs - stuck.days * DAY_MS, rng);
    } else {
      final = orphan ? (rng.chance(0.55) ? 'To Do' : 'In Progress') : drawStatus(flow === INTERNAL_FLOW, rng);
      enteredMs = timeline.workingMomentAtOrBefore(timeline.asOfMs - entryAgeMs(final, orphan, ctx, rng), rng);
    }
    const path = pathTo(final, flow, rng);
    const times = new Array<number>(path.length);
    times[path.length - 1] = enteredMs;
    for (let i = path.length - 1; i > 0; i--) times[i - 1] = timeline.workingMomentAtOrBefore(times[i]! - dwellMs(path[i - 1]!, flow === INTERNAL_FLOW, rng), rng);

    const assignee = final === 'To Do' && rng.chance(0.5) ? -1 : pickAssignee(ctx, workers, final === 'Done' ? times[times.length - 1]! : timeline.asOfMs, rng);
    const assigneeId = assignee >= 0 ? org.people[assignee]!.accountId : null;
    const pmId = org.people[project.pm]!.accountId;
    const changelog: JiraHistoryRecord[] = [];
    for (let i = 1; i < path.length; i++) {
      const author = assigneeId && (path[i] !== 'Done' || rng.chance(0.5)) ? assigneeId : pmId;
      changelog.push({ id: String(ids.history.next()), authorAccountId: author, created: timeline.iso(times[i]!), items: statusChange(path[i - 1]!, path[i]!) });
    }
    const createdMs = times[0]!;
    const lastMs = times[times.length - 1]!;
    const comments = storyComments(ctx, createdMs, lastMs, assigneeId ?? pmId, pmId, stuck !== undefined, rng, ids.comment);
    const updatedMs = Math.max(lastMs, comments.length > 0 ? Date.parse(comments[comments.length - 1]!.created) : 0);
    const labels: string[] = [];
    if (issueType === 'Bug' && rng.chance(0.3)) labels.push('regression');
    else if (rng.chance(0.12)) labels.push(issueType === 'Task' ? 'tech-debt' : 'client-request');
    // Engineering teams also estimate stories in points.
    const points = issueType === 'Story' && teamDiscipline(project.team) !== 'design';
    const progressAt = path.indexOf('In Progress');
    drafts.push({
      record: {
        id: '',
        key: '',
        projectKey: project.key,
        issueType,
        summary,
        description: rng.chance(0.5) ? null : rng.pick(issueType === 'Bug' ? BUG_DESCRIPTIONS : STORY_DESCRIPTIONS),
        status: final,
        statusCategory: CATEGORY[final],
        priority: PRIORITIES[rng.weightedIndex(PRIORITY_WEIGHTS)]!,
        assigneeAccountId: assigneeId,
        reporterAccountId: rng.chance(0.8) ? pmId : (assigneeId ?? pmId),
        parentKey: null,
        labels,
        originalEstimateSeconds: issueType === 'Bug' ? (rng.chance(0.5) ? null : rng.int(1, 4) * 3600) : rng.chance(0.25) ? null : rng.int(1, 8) * 2 * 3600,
        storyPoints: points ? rng.pick(STORY_POINTS) : null,
        created: timeline.iso(createdMs),
        updated: timeline.iso(updatedMs),
        resolutiondate: final === 'Done' ? timeline.iso(lastMs) : null,
        changelog,
        comments,
        properties: {},
      },
      createdMs,
      epic: orphan ? -1 : epic,
      assignee,
      activeFrom: progressAt >= 0 ? timeline.dayOf(times[progressAt]!) : -1,
      activeTo: final === 'Done' ? timeline.dayOf(lastMs) : timeline.asOfDay,
    });
  }

  // Epics: filed before their first ticket, in progress once one of them is, done when all of them are.
  const epicDrafts: DraftIssue[] = project.themes.map((theme, e) => {
    let firstCreated = Infinity;
    let firstProgress = Infinity;
    let lastDone = 0;
    let allDone = true;
    for (const d of drafts) {
      if (d.epic !== e) continue;
      firstCreated = Math.min(firstCreated, d.createdMs);
      const started = d.record.changelog[0];
      if (started) firstProgress = Math.min(firstProgress, Date.parse(started.created));
      if (d.record.status === 'Done') lastDone = Math.max(lastDone, Date.parse(d.record.resolutiondate!));
      else allDone = false;
    }
    if (firstCreated === Infinity) firstCreated = timeline.asOfMs - rng.between(5, 40) * DAY_MS;
    const createdMs = timeline.workingMomentAtOrBefore(firstCreated - rng.between(1, 10) * DAY_MS, rng);
    const pmId = org.people[project.pm]!.accountId;
    const changelog: JiraHistoryRecord[] = [];
    let status: SampleStatus = 'To Do';
    if (firstProgress !== Infinity) {
      status = 'In Progress';
      changelog.push({ id: String(ids.history.next()), authorAccountId: pmId, created: timeline.iso(firstProgress), items: statusChange('To Do', 'In Progress') });
      const doneMs = Math.min(lastDone + rng.between(0.1, 1) * DAY_MS, timeline.asOfMs - HOUR_MS);
      if (allDone && lastDone < timeline.asOfMs - DAY_MS && doneMs > firstProgress) {
        status = 'Done';
        changelog.push({ id: String(ids.history.next()), authorAccountId: pmId, created: timeline.iso(doneMs), items: statusChange('In Progress', 'Done') });
      }
    }
    const lastMs = changelog.length > 0 ? Date.parse(changelog[changelog.length - 1]!.created) : createdMs;
    return {
      record: {
        id: '',
        key: '',
        projectKey: project.key,
        issueType: 'Epic',
        summary: theme.epic,
        description: theme.description,
        status,
        statusCategory: CATEGORY[status],
        priority: rng.chance(0.3) ? 'High' : 'Medium',
        assigneeAccountId: rng.chance(0.5) ? pmId : null,
        reporterAccountId: pmId,
        parentKey: null,
        labels: [],
        originalEstimateSeconds: null,
        storyPoints: null,
        created: timeline.iso(createdMs),
        updated: timeline.iso(lastMs),
        resolutiondate: status === 'Done' ? changelog[changelog.length - 1]!.created : null,
        changelog,
        comments: [],
        properties: {},
      },
      createdMs,
      epic: -1,
      assignee: -1,
      activeFrom: -1,
      activeTo: -1,
    };
  });

  // Keys follow creation order, as in Jira; ids are unique across projects.
  const all = [...epicDrafts, ...drafts];
  const order = all.map((_, i) => i).sort((a, b) => all[a]!.createdMs - all[b]!.createdMs || a - b);
  const base = out.issues.length;
  const globalIndex = new Array<number>(all.length);
  order.forEach((local, n) => {
    const record = all[local]!.record;
    record.key = `${project.key}-${n + 1}`;
    record.id = String(ids.issue.next());
    globalIndex[local] = base + n;
  });
  const weeks = timeline.weekStarts.length;
  const activeByWeek: number[][] = Array.from({ length: weeks }, () => []);
  const workable: number[] = [];
  for (const local of order) {
    const draft = all[local]!;
    const isEpic = local < epicDrafts.length;
    const epicIndex = draft.epic >= 0 ? globalIndex[draft.epic]! : -1;
    if (epicIndex >= 0) draft.record.parentKey = epicDrafts[draft.epic]!.record.key;
    const g = out.issues.length;
    out.issues.push(draft.record);
    out.projectOf.push(project.index);
    out.epicOf.push(epicIndex);
    out.isEpic.push(isEpic);
    out.assignee.push(draft.assignee);
    out.createdDay.push(timeline.dayOf(draft.createdMs));
    if (isEpic) continue;
    workable.push(g);
    if (draft.activeFrom < 0) continue;
    const firstMonday = timeline.weekStarts[0]!;
    const from = Math.max(0, Math.floor((draft.activeFrom - firstMonday) / 7));
    const to = Math.min(weeks - 1, Math.floor((draft.activeTo - firstMonday) / 7));
    for (let w = from; w <= to; w++) activeByWeek[w]!.push(g);
  }
  out.activeByWeek.push(activeByWeek);
  out.workable.push(workable);
}

/** True when `story` shares more words with epic `e`'s summary than with any other epic's. */
function uniquelyMatches(story: string, e: number, epicWords: Set<string>[]): boolean {
  const words = tokenize(story);
  const overlap = (set: Set<string>) => words.filter((w) => set.has(w)).length;
  const own = overlap(epicWords[e]!);
  return own > 0 && epicWords.every((set, i) => i === e || overlap(set) < own);
}


function pickAssignee(ctx: GeneratorContext, workers: number[], busyUntil: number, rng: Random): number {
  for (let tries = 0; tries < 4; tries++) {
    const p = ctx.org.people[rng.pick(workers)]!;
    // Someone who has left keeps the tickets they finished before leaving, not open ones.
    if (p.active || busyUntil < ctx.timeline.at(ctx.leftDay, 0)) return p.index;
  }
  return workers.find((w) => ctx.org.people[w]!.active) ?? workers[0]!;
}

function storyComments(
  ctx: GeneratorContext,
  createdMs: number,
  lastMs: number,
  workerId: string,
  pmId: string,
  stuck: boolean,
  rng: Random,
  ids: IdSequence,
): JiraIssueRecord['comments'] {
  const { timeline } = ctx;
  const comments: JiraIssueRecord['comments'] = [];
  const count = rng.chance(0.25) ? rng.int(1, 2) : 0;
  const until = Math.min(timeline.asOfMs - HOUR_MS, lastMs + 2 * DAY_MS);
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(timeline.workingMomentAtOrBefore(rng.between(createdMs, Math.max(createdMs, until)), rng));
  if (stuck) times.push(timeline.workingMomentAtOrBefore(timeline.asOfMs - rng.between(1, 3) * DAY_MS, rng));
  times.sort(ascending);
  for (let i = 0; i < times.length; i++) {
    const when = timeline.iso(Math.max(times[i]!, createdMs + 60_000));
    const body = stuck && i === times.length - 1 ? COMMENTS[1]! : rng.pick(COMMENTS);
    comments.push({ id: String(ids.next()), authorAccountId: rng.chance(0.6) ? workerId : pmId, body, created: when, updated: when });
  }
  return comments;
}
