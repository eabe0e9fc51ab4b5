// The sample agency's Tempo worklogs: three months of working days per person (a weekly total split over the days,
// each day over a few worklogs in working hours, logged at the end of the day, on Friday, or the Monday after), with
// the scenario's cast logging exactly their figures in the last complete week, and a contractor the config does not
// know. Built into flat arrays first, then sorted by date and turned into records once (large sizes: 200k+ worklogs).
import type { TempoWorklogRecord } from '../agency-data.ts';
import type { Random } from '../random.ts';
import type { SampleJira } from './jira.ts';
import type { GeneratorContext, SampleProject } from './org.ts';
import { REPEAT_OFFENDER_EARLIER_MINUTES, SAMPLE_CAST, type SamplePerson } from './roster.ts';
import { WORKLOG_DESCRIPTIONS } from './themes.ts';
import { clockTime } from './timeline.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

export interface SampleTempo {
  worklogs: TempoWorklogRecord[];
  /** Seconds logged per Jira issue (index as in SampleJira.issues). */
  loggedSeconds: Float64Array;
  /** Seconds logged per project in the as-of's month, up to the as-of. */
  monthSeconds: Float64Array;
}

/** Worklogs as parallel columns until they are sorted. */
class WorklogColumns {
  day: number[] = [];
  minute: number[] = [];
  seconds: number[] = [];
  issue: number[] = [];
  author: number[] = [];
  created: number[] = [];
  updated: number[] = [];
  description: number[] = [];
  billable: boolean[] = [];
  get length(): number {
    return this.day.length;
  }
}

export function generateWorklogs(ctx: GeneratorContext, jira: SampleJira, rng: Random): SampleTempo {
  const generator = new WorklogGenerator(ctx, jira, rng);
  for (const person of ctx.org.people) generator.person(person);
  generator.contractor();
  return generator.finish();
}

class WorklogGenerator {
  private readonly cols = new WorklogColumns();
  private readonly operations: SampleProject;
  private readonly dayMinutes: number[] = [];
  private readonly dayCounts: number[] = [];
  private readonly pieces: number[] = [];
  private readonly days: number[] = [];
  private readonly weekCount: number;

  constructor(
    private readonly ctx: GeneratorContext,
    private readonly jira: SampleJira,
    private readonly rng: Random,
  ) {
    this.weekCount = ctx.timeline.weekStarts.length;
    this.operations = ctx.org.projects.find((p) => p.type === 'internal')!;
  }

  person(person: SamplePerson): void {
    for (let w = 0; w < this.weekCount - 1; w++) this.week(person, w);
    if (person.active) this.asOfMorning(person);
  }

  /** The minutes a person logs in week `w` over `workingDays` eligible days. */
  private target(person: SamplePerson, w: number, workingDays: number): number {
    const rel = w - this.ctx.timeline.lastWeek;
    const scripted = rel === 0 ? SAMPLE_CAST.lastWeekMinutes[person.name] : undefined;
    if (scripted !== undefined) return scripted;
    if (person.name === SAMPLE_CAST.repeatOffender && (rel === -2 || rel === -1)) return REPEAT_OFFENDER_EARLIER_MINUTES[rel + 2]!;
    let factor = Math.min(1.12, Math.max(0.84, this.rng.normal(0.965, 0.045)));
    // Short weeks (a sick day nobody logged) happen, but not in the three weeks the scenario is about.
    if (rel < -3 && this.rng.chance(0.06)) factor = this.rng.between(0.45, 0.78);
    return Math.round((person.weeklyHours * 60 * (workingDays / 5) * factor) / 15) * 15;
  }

  private week(person: SamplePerson, w: number): void {
    const { timeline, leftDay, size } = this.ctx;
    const monday = timeline.weekStarts[w]!;
    const days = this.days;
    days.length = 0;
    for (let d = monday; d < monday + 5; d++) {
      if (d >= timeline.windowStartDay && d < timeline.asOfDay && timeline.isWorkingDay(d) && (person.active || d < leftDay)) days.push(d);
    }
    if (days.length === 0) return;
    const total = this.target(person, w, days.length);
    if (total <= 0) return;

    // Now and then an hour or two on Saturday, taken out of a weekday.
    const saturday = monday + 5;
    const weekend = this.rng.chance(0.04) && saturday < timeline.asOfDay && saturday >= timeline.windowStartDay;
    const weekendMinutes = weekend ? Math.min(this.rng.int(4, 8) * 15, Math.floor(total / 30) * 15) : 0;
    splitMinutes(total - weekendMinutes, days.length, this.rng, this.dayMinutes);
    while (this.dayMinutes.length < days.length) this.dayMinutes.push(0);
    const lastWorkday = days[days.length - 1]!;
    if (weekendMinutes > 0) {
      days.push(saturday);
      this.dayMinutes.push(weekendMinutes);
    }

    // How many worklogs: 1–4 a day in the demo; a sized agency logs `worklogsPerPersonWeek` in the last complete week
    // and a quarter of that before.
    this.dayCounts.length = 0;
    if (size.worklogsPerPersonWeek === undefined) {
      for (let i = 0; i < days.length; i++) this.dayCounts.push(this.rng.int(1, 4));
    } else {
      const perWeek = w === timeline.lastWeek ? size.worklogsPerPersonWeek : Math.max(days.length, Math.round(size.worklogsPerPersonWeek / 4));
      const base = Math.floor(perWeek / days.length);
      for (let i = 0; i < days.length; i++) this.dayCounts.push(Math.max(1, base + (i < perWeek - base * days.length ? 1 : 0)));
    }

    const weeklyLogAt = person.habit === 'friday' ? timeline.at(lastWorkday, this.rng.int(990, 1080)) : person.habit === 'monday' ? timeline.at(monday + 7, this.rng.int(480, 590)) : 0;
    for (let i = 0; i < days.length; i++) {
      if (this.dayMinutes[i]! > 0) this.day(person, w, days[i]!, this.dayMinutes[i]!, this.dayCounts[i]!, i < days.length - (weekend ? 1 : 0) ? weeklyLogAt : 0);
    }
  }

  /** One day's worklogs, back to back from a morning start, logged together (`logAt`, or at the end of the day). */
  private day(person: SamplePerson, w: number, day: number, minutes: number, count: number, logAt: number): void {
    const { timeline } = this.ctx;
    splitMinutes(minutes, count, this.rng, this.pieces);
    // Start between 08:30 and 10:00, earlier on a long day; breaks only while the day still ends by 18:30.
    let cursor = Math.max(420, Math.min(510 + this.rng.int(0, 6) * 15, Math.floor((1080 - minutes) / 15) * 15));
    let left = minutes;
    let lunched = false;
    const first = this.cols.length;
    for (let i = 0; i < this.pieces.length; i++) {
      const duration = this.pieces[i]!;
      const issue = this.pickIssue(person, w, day);
      this.push(day, cursor, duration, issue, person.index);
      cursor += duration;
      left -= duration;
      const gap = !lunched && cursor >= 720 ? this.rng.int(2, 4) * 15 : this.rng.pick(GAPS);
      if (cursor + gap + left <= 1110) {
        cursor += gap;
        if (gap >= 30 && cursor >= 720) lunched = true;
      }
    }
    const endOfDay = timeline.at(day, cursor) + this.rng.int(5, 60) * MINUTE_MS;
    const loggedAt = Math.max(logAt, endOfDay);
    for (let k = first; k < this.cols.length; k++) this.stamp(k, loggedAt + (k - first) * this.rng.int(5, 40) * 1000);
  }

  /** A short worklog early on the as-of's own day, for some people (logged before the as-of). */
  private asOfMorning(person: SamplePerson): void {
    const { timeline } = this.ctx;
    const day = timeline.asOfDay;
    if (!timeline.isWorkingDay(day) || !this.rng.chance(0.3)) return;
    const start = 480 + this.rng.int(0, 3) * 15;
    const room = Math.floor((timeline.asOfMinute - 10 - start) / 15);
    if (room < 1) return;
    const duration = this.rng.int(1, Math.min(room, 4)) * 15;
    this.push(day, start, duration, this.pickIssue(person, this.weekCount - 1, day), person.index);
    this.stamp(this.cols.length - 1, timeline.at(day, start + duration) + this.rng.int(60, 300) * 1000);
  }

  /** The contractor: a few worklogs on the hot retainer in each of the last three complete weeks. */
  contractor(): void {
    const { timeline, org } = this.ctx;
    const hot = org.projects.find((p) => p.key === SAMPLE_CAST.hotRetainer)!;
    const author = org.people.length;
    for (let w = Math.max(0, timeline.lastWeek - 2); w <= timeline.lastWeek; w++) {
      const monday = timeline.weekStarts[w]!;
      // The last complete week is scripted (Tue 2 h, Wed 3 h, Thu 1 h 30), the weeks before drawn.
      const plan: [number, number][] = w === timeline.lastWeek ? [[1, 120], [2, 180], [3, 90]] : [[this.rng.int(0, 1), this.rng.int(4, 12) * 15], [this.rng.int(2, 4), this.rng.int(4, 12) * 15]];
      for (const [offset, minutes] of plan) {
        const day = monday + offset;
        if (day < timeline.windowStartDay || day >= timeline.asOfDay) continue;
        const start = 540 + this.rng.int(0, 8) * 30;
        const issue = this.pickProjectIssue(hot, w, day, -1);
        this.push(day, start, minutes, issue, author);
        this.stamp(this.cols.length - 1, timeline.at(day, start + minutes) + this.rng.int(5, 30) * MINUTE_MS);
      }
    }
  }

  private push(day: number, minute: number, minutes: number, issue: number, author: number): void {
    const c = this.cols;
    const project = this.ctx.org.projects[this.jira.projectOf[issue]!]!;
    c.day.push(day);
    c.minute.push(minute);
    c.seconds.push(minutes * 60);
    c.issue.push(issue);
    c.author.push(author);
    c.created.push(0);
    c.updated.push(0);
    c.description.push(this.rng.int(0, WORKLOG_DESCRIPTIONS.length - 1));
    c.billable.push(project.type !== 'internal' && !this.rng.chance(0.04));
  }

  /** Sets when worklog `k` was created (never after the as-of) and, now and then, edited later. */
  private stamp(k: number, createdMs: number): void {
    const latest = this.ctx.timeline.asOfMs - MINUTE_MS;
    const created = Math.min(createdMs, latest);
    this.cols.created[k] = created;
    this.cols.updated[k] = this.rng.chance(0.06) ? Math.min(latest, created + this.rng.int(1, 72) * HOUR_MS) : created;
  }

  /** A project by the person's weights (a quiet month sends part of its share elsewhere), then an issue of it. */
  private pickIssue(person: SamplePerson, w: number, day: number): number {
    const month = this.ctx.timeline.days[day]!.month;
    const projects = this.ctx.org.projects;
    let project = projects[person.projects[this.rng.weightedIndex(person.weights)]!]!;
    const factor = month >= 0 && month <= 2 ? project.monthFactors[month]! : 1;
    if (factor < 1 && !this.rng.chance(factor)) project = this.elsewhere(person, project);
    return this.pickProjectIssue(project, w, day, person.index);
  }

  /** The person's other work: another of their projects that is not a retainer, else the operations project. */
  private elsewhere(person: SamplePerson, not: SampleProject): SampleProject {
    const projects = this.ctx.org.projects;
    for (const p of person.projects) if (p !== not.index && projects[p]!.type !== 'retainer') return projects[p]!;
    return this.operations;
  }

  /** An issue being worked on that week, preferably the person's own; else any ticket that existed by then. */
  private pickProjectIssue(project: SampleProject, w: number, day: number, person: number): number {
    const active = this.jira.activeByWeek[project.index]![w]!;
    if (active.length > 0) {
      let pick = active[0]!;
      for (let tries = 0; tries < 3; tries++) {
        pick = active[this.rng.int(0, active.length - 1)]!;
        if (this.jira.assignee[pick] === person) break;
      }
      return pick;
    }
    const workable = this.jira.workable[project.index]!;
    let lo = 0;
    let hi = workable.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.jira.createdDay[workable[mid]!]! <= day) lo = mid + 1;
      else hi = mid;
    }
    return workable[lo > 0 ? this.rng.int(0, lo - 1) : 0]!;
  }

  finish(): SampleTempo {
    const { timeline, org } = this.ctx;
    const c = this.cols;
    const n = c.length;
    const keys = new Float64Array(n);
    const authors = org.people.length + 1;
    for (let i = 0; i < n; i++) keys[i] = (c.day[i]! * 1440 + c.minute[i]!) * authors + c.author[i]!;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => keys[a]! - keys[b]! || a - b);

    const accountIds = org.people.map((p) => p.accountId);
    accountIds.push(org.contractor.accountId);
    const attributes = org.projects.map((p) => Object.freeze([Object.freeze({ key: '_Account_', value: p.type === 'internal' ? 'AGENCY-INTERNAL' : `${p.key}-${p.type.toUpperCase()}` })]) as unknown as { key: string; value: string }[]);
    const loggedSeconds = new Float64Array(this.jira.issues.length);
    const monthSeconds = new Float64Array(org.projects.length);
    const worklogs: TempoWorklogRecord[] = new Array(n);
    let id = 200_000 + this.rng.int(0, 9_999);
    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      const issue = c.issue[i]!;
      const project = this.jira.projectOf[issue]!;
      const seconds = c.seconds[i]!;
      loggedSeconds[issue]! += seconds;
      if (timeline.days[c.day[i]!]!.month === 2) monthSeconds[project]! += seconds;
      id += 1 + (k % 7 === 0 ? 1 : 0);
      worklogs[k] = {
        tempoWorklogId: id,
        issueId: Number(this.jira.issues[issue]!.id),
        projectId: org.projects[project]!.jiraId,
        authorAccountId: accountIds[c.author[i]!]!,
        timeSpentSeconds: seconds,
        billableSeconds: c.billable[i] ? seconds : 0,
        startDate: timeline.days[c.day[i]!]!.date,
        startTime: clockTime(c.minute[i]!),
        description: WORKLOG_DESCRIPTIONS[c.description[i]!]!,
        createdAt: timeline.isoSeconds(c.created[i]!),
        updatedAt: timeline.isoSeconds(c.updated[i]!),
        attributes: attributes[project]!,
      };
    }
    return { worklogs, loggedSeconds, monthSeconds };
  }
}

const GAPS = [0, 0, 15, 15, 30];

/**
 * Splits `total` minutes into `parts` pieces (fewer when there is not enough time) of whole quarter hours, about equal,
 * with any odd minutes on the last piece, so the pieces add up to exactly `total`. Writes into `out`.
 */
export function splitMinutes(total: number, parts: number, rng: Random, out: number[]): void {
  out.length = 0;
  const units = Math.floor(total / 15);
  const odd = total - units * 15;
  const k = Math.max(1, Math.min(parts, units));
  if (units === 0) {
    out.push(total);
    return;
  }
  let weightSum = 0;
  for (let i = 0; i < k; i++) {
    const weight = 0.7 + rng.next() * 0.6;
    out.push(weight);
    weightSum += weight;
  }
  const spare = units - k;
  let given = 0;
  for (let i = 0; i < k; i++) {
    const extra = Math.floor((spare * out[i]!) / weightSum);
    out[i] = 1 + extra;
    given += extra;
  }
  for (let left = spare - given; left > 0; left--) out[rng.int(0, k - 1)]! += 1;
  for (let i = 0; i < k; i++) out[i] = out[i]! * 15;
  out[k - 1]! += odd;
}
