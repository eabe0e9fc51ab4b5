// Time-tracking compliance for one week: who logged enough hours in Tempo, who did not, for how long, and how each team
// is doing compared with last week. Pure: people, worklogs and history come in as data; the job fetches and persists.
import { weekBefore, weekdayName, type IsoDate, type Week } from './calendar.ts';

export interface CompliancePerson {
  /** Jira/Tempo account id. */
  accountId: string;
  name: string;
  team: string | null;
  /** Contracted hours per week (40 for full time); the bars scale with it. */
  weeklyHours: number;
  active: boolean;
}

export interface ComplianceWorklog {
  accountId: string;
  /** YYYY-MM-DD: the worker's local date, as Tempo records it. */
  startDate: string;
  seconds: number;
  /** How many Tempo worklogs this entry stands for when the caller summed them per person and day (default 1). */
  count?: number;
}

export interface ComplianceThresholds {
  /** Hours a 40-hour person must log to be compliant. */
  compliant_hours: number;
  /** Hours a 40-hour person must log to be partial rather than non-compliant. */
  partial_hours: number;
}

/** One person's verdict for an earlier week, as the job stored it. */
export interface ComplianceHistoryRow {
  accountId: string;
  /** Monday of that week, YYYY-MM-DD. */
  weekStart: string;
  isCompliant: boolean;
  /** The person's team in that week; when absent, their current team is assumed. */
  team?: string | null;
}

export type ComplianceStatus = 'compliant' | 'partial' | 'non_compliant';

export const COMPLIANCE_STATUSES: readonly ComplianceStatus[] = ['compliant', 'partial', 'non_compliant'];

/** The bars are set for this many contracted hours; a person's bars scale with weeklyHours / this. */
export const FULL_TIME_WEEKLY_HOURS = 40;

export interface DayHours {
  date: IsoDate;
  /** "Mon" … "Sun" */
  weekday: string;
  seconds: number;
  hours: number;
}

export interface PersonWeek {
  accountId: string;
  name: string;
  team: string | null;
  /** Seconds logged in the week. */
  seconds: number;
  hours: number;
  /** The person's contracted hours for this week: weekly hours, less a fifth per weekday holiday. */
  expectedHours: number;
  /** Their contracted weekly hours, as in the config. */
  weeklyHours: number;
  /** Their compliance bar (compliant_hours scaled to their contract). */
  compliantHours: number;
  /** Their partial bar (partial_hours scaled to their contract). */
  partialHours: number;
  status: ComplianceStatus;
  /** Seconds still needed to reach the compliance bar (0 when compliant). */
  missingSeconds: number;
  missingHours: number;
  /** Monday … Sunday, always seven entries. */
  byDay: DayHours[];
  /** Consecutive weeks not compliant, this week included (0 when compliant; 1 when last week was fine or unknown). */
  streak: number;
}

export interface TeamWeek {
  team: string;
  /** Active members judged this week. */
  members: number;
  compliant: number;
  /** compliant ÷ members × 100, or null for a team with no active members. */
  percent: number | null;
  /** Furthest below their bar first. */
  partial: PersonWeek[];
  /** Furthest below their bar first. */
  nonCompliant: PersonWeek[];
  /** Not compliant for two weeks in a row or more; longest streak first. */
  repeatOffenders: PersonWeek[];
  /** Last week's compliance % from the history, or null when last week has no rows for this team. */
  previousPercent: number | null;
  /** percent − previousPercent, in percentage points; null when either is unknown. */
  changePoints: number | null;
}

export interface UnmappedAccount {
  accountId: string;
  seconds: number;
  worklogs: number;
}

export interface WeekAssessment {
  week: Week;
  /** Every active person, in the order given. */
  people: PersonWeek[];
  teams: TeamWeek[];
  /** Tempo accounts with worklogs in the week but not in the people list; most hours first. */
  unmapped: UnmappedAccount[];
  counts: Record<ComplianceStatus, number>;
  /** Where every second of the week went: judged + inactive + unmapped = seconds. */
  totals: { worklogs: number; seconds: number; judgedSeconds: number; inactiveSeconds: number; unmappedSeconds: number };
}

export interface AssessWeekInput {
  week: Week;
  people: readonly CompliancePerson[];
  worklogs: Iterable<ComplianceWorklog>;
  thresholds: ComplianceThresholds;
  history: readonly ComplianceHistoryRow[];
  /** Team names to report even when they have no active member (e.g. every team in the config). */
  teams?: readonly string[];
  /** Public holidays: each one on a weekday lowers everyone's expected hours and bars by a fifth. */
  holidays?: readonly string[];
}

const SECONDS_PER_HOUR = 3600;

/** A person's bars in whole seconds, so 31h 59m 59s is never taken for 32h. */
/**
 * A person's bars in seconds: the thresholds (set for a 40-hour week) scaled to their contract, and pro-rated for
 * public holidays on weekdays (`workingDays` of 5: Thanksgiving week's 3 working days → 60 % of the bars).
 */
export function complianceBars(weeklyHours: number, thresholds: ComplianceThresholds, workingDays = 5): { compliant: number; partial: number } {
  const scale = (weeklyHours / FULL_TIME_WEEKLY_HOURS) * (workingDays / 5);
  return {
    compliant: Math.round(thresholds.compliant_hours * SECONDS_PER_HOUR * scale),
    partial: Math.round(thresholds.partial_hours * SECONDS_PER_HOUR * scale),
  };
}

export function complianceStatus(seconds: number, bars: { compliant: number; partial: number }): ComplianceStatus {
  if (seconds >= bars.compliant) return 'compliant';
  if (seconds >= bars.partial) return 'partial';
  return 'non_compliant';
}

/**
 * Judge one week. Hours are the Tempo seconds of worklogs whose startDate falls Monday … Sunday of `week`, summed per
 * account. Every active person is judged (no worklog = 0 h); inactive people are not; accounts not in `people` are
 * totalled as unmapped. A streak counts this week and each directly preceding week the history marks not compliant:
 * a compliant week or a week with no row ends it.
 */
export function assessWeek(input: AssessWeekInput): WeekAssessment {
  const { week, thresholds } = input;
  const dayIndex = new Map<string, number>(week.days.map((d, i) => [d, i]));
  const weekdays = week.days.map((d) => weekdayName(d));
  const holidays = new Set(input.holidays ?? []);
  const workingDays = week.days.slice(0, 5).filter((d) => !holidays.has(d)).length;

  const byAccount = new Map<string, CompliancePerson>();
  for (const p of input.people) if (!byAccount.has(p.accountId)) byAccount.set(p.accountId, p);

  // One pass over the worklogs: seconds per person per weekday, and per unmapped account.
  const daySeconds = new Map<string, number[]>();
  const unmapped = new Map<string, UnmappedAccount>();
  const totals = { worklogs: 0, seconds: 0, judgedSeconds: 0, inactiveSeconds: 0, unmappedSeconds: 0 };
  for (const w of input.worklogs) {
    const day = dayIndex.get(w.startDate.slice(0, 10));
    if (day === undefined) continue;
    const count = w.count ?? 1;
    totals.worklogs += count;
    totals.seconds += w.seconds;
    const person = byAccount.get(w.accountId);
    if (!person) {
      const u = unmapped.get(w.accountId) ?? { accountId: w.accountId, seconds: 0, worklogs: 0 };
      u.seconds += w.seconds;
      u.worklogs += count;
      unmapped.set(w.accountId, u);
      totals.unmappedSeconds += w.seconds;
      continue;
    }
    if (!person.active) {
      totals.inactiveSeconds += w.seconds;
      continue;
    }
    let days = daySeconds.get(w.accountId);
    if (!days) daySeconds.set(w.accountId, (days = [0, 0, 0, 0, 0, 0, 0]));
    days[day]! += w.seconds;
    totals.judgedSeconds += w.seconds;
  }

  const history = indexHistory(input.history, week);
  const counts: Record<ComplianceStatus, number> = { compliant: 0, partial: 0, non_compliant: 0 };
  const people: PersonWeek[] = [];
  for (const person of byAccount.values()) {
    if (!person.active) continue;
    const days = daySeconds.get(person.accountId) ?? [0, 0, 0, 0, 0, 0, 0];
    const seconds = days.reduce((a, b) => a + b, 0);
    const bars = complianceBars(person.weeklyHours, thresholds, workingDays);
    const status = complianceStatus(seconds, bars);
    const missingSeconds = Math.max(0, bars.compliant - seconds);
    counts[status] += 1;
    people.push({
      accountId: person.accountId,
      name: person.name,
      team: person.team,
      seconds,
      hours: seconds / SECONDS_PER_HOUR,
      expectedHours: (person.weeklyHours * workingDays) / 5,
      weeklyHours: person.weeklyHours,
      compliantHours: bars.compliant / SECONDS_PER_HOUR,
      partialHours: bars.partial / SECONDS_PER_HOUR,
      status,
      missingSeconds,
      missingHours: missingSeconds / SECONDS_PER_HOUR,
      byDay: week.days.map((date, i) => ({ date, weekday: weekdays[i]!, seconds: days[i]!, hours: days[i]! / SECONDS_PER_HOUR })),
      streak: status === 'compliant' ? 0 : 1 + history.previousNonCompliantWeeks(person.accountId),
    });
  }

  return {
    week,
    people,
    teams: summariseTeams(people, input.teams ?? [], history.lastWeekByTeam(byAccount)),
    unmapped: [...unmapped.values()].sort((a, b) => b.seconds - a.seconds || a.accountId.localeCompare(b.accountId)),
    counts,
    totals,
  };
}

/** Repeat offenders are people not compliant in this week and the one before, at least. */
export function isRepeatOffender(p: PersonWeek): boolean {
  return p.streak >= 2;
}

function indexHistory(rows: readonly ComplianceHistoryRow[], week: Week) {
  const verdicts = new Map<string, boolean>();
  for (const r of rows) {
    const start = r.weekStart.slice(0, 10);
    if (start < week.start) verdicts.set(`${r.accountId}|${start}`, r.isCompliant);
  }
  // Monday of each earlier week, computed once however many people walk back through them.
  const previousStarts: string[] = [];
  let cursor = week;
  const previousStart = (i: number): string => {
    while (previousStarts.length <= i) {
      cursor = weekBefore(cursor);
      previousStarts.push(cursor.start);
    }
    return previousStarts[i]!;
  };
  const lastWeekStart = previousStart(0);

  return {
    previousNonCompliantWeeks(accountId: string): number {
      let n = 0;
      while (verdicts.get(`${accountId}|${previousStart(n)}`) === false) n += 1;
      return n;
    },
    /** Last week's rows per team: the team recorded on the row, else the person's current team. */
    lastWeekByTeam(people: ReadonlyMap<string, CompliancePerson>): Map<string, { members: number; compliant: number }> {
      const seen = new Map<string, string | null>();
      for (const r of rows) {
        if (r.weekStart.slice(0, 10) !== lastWeekStart) continue;
        seen.set(r.accountId, r.team !== undefined ? r.team : (people.get(r.accountId)?.team ?? null));
      }
      const out = new Map<string, { members: number; compliant: number }>();
      for (const [accountId, team] of seen) {
        if (team === null) continue;
        const t = out.get(team) ?? { members: 0, compliant: 0 };
        t.members += 1;
        if (verdicts.get(`${accountId}|${lastWeekStart}`)) t.compliant += 1;
        out.set(team, t);
      }
      return out;
    },
  };
}

function summariseTeams(
  people: readonly PersonWeek[],
  extraTeams: readonly string[],
  lastWeek: ReadonlyMap<string, { members: number; compliant: number }>,
): TeamWeek[] {
  const members = new Map<string, PersonWeek[]>();
  for (const name of extraTeams) members.set(name, []);
  for (const p of people) {
    if (p.team === null) continue;
    const list = members.get(p.team);
    if (list) list.push(p);
    else members.set(p.team, [p]);
  }
  // Furthest below their own bar first, so a part-timer's 7 h of 16 h ranks above a full-timer's 15 h of 32 h.
  const shareOfBar = (p: PersonWeek) => (p.compliantHours > 0 ? p.hours / p.compliantHours : 1);
  const byHours = (a: PersonWeek, b: PersonWeek) => shareOfBar(a) - shareOfBar(b) || a.name.localeCompare(b.name);
  return [...members].map(([team, list]) => {
    const compliant = list.filter((p) => p.status === 'compliant').length;
    const percent = list.length > 0 ? (compliant / list.length) * 100 : null;
    const last = lastWeek.get(team);
    const previousPercent = last && last.members > 0 ? (last.compliant / last.members) * 100 : null;
    return {
      team,
      members: list.length,
      compliant,
      percent,
      partial: list.filter((p) => p.status === 'partial').sort(byHours),
      nonCompliant: list.filter((p) => p.status === 'non_compliant').sort(byHours),
      repeatOffenders: list.filter(isRepeatOffender).sort((a, b) => b.streak - a.streak || byHours(a, b)),
      previousPercent,
      changePoints: percent !== null && previousPercent !== null ? percent - previousPercent : null,
    };
  });
}
