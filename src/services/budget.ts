// Retainer budget arithmetic: how much of a monthly retainer is used, at what pace, when it runs out, which alert is
// due, and how the forecast reads. Pure: the moment, the zone, the holidays and the hours per local date come in as data.
import { DateTime } from 'luxon';
import { formatShortDate, isWorkingDay, monthContaining, type IsoDate } from './calendar.ts';

export interface RetainerInput {
  key: string;
  name: string;
  monthlyHours: number;
}

export type RetainerRisk = 'exceeded' | 'critical' | 'warning' | 'on_track';
export type RetainerAlertLevel = 'warning' | 'critical' | 'exceeded';

export interface RetainerAssessment {
  key: string;
  name: string;
  monthlyHours: number;
  /** The calendar month of the as-of moment in the org zone, YYYY-MM. */
  month: string;
  /** The as-of moment's local date, YYYY-MM-DD. */
  asOfDate: IsoDate;
  /** The as-of moment in the org zone, ISO with offset (e.g. 2025-11-20T13:00:00-05:00): for "as of 13:00" labels. */
  asOf: string;
  consumedHours: number;
  /** consumed ÷ retainer × 100, unrounded (round down for display so 89.99 % never reads as 90 %). */
  percent: number;
  /** Retainer − consumed; negative when over. */
  remainingHours: number;
  workingDaysElapsed: number;
  workingDaysInMonth: number;
  workingDaysRemaining: number;
  /** Consumed ÷ elapsed working days; null when no working day has elapsed. */
  burnRatePerWorkingDay: number | null;
  /** Consumed + rate × remaining working days; null when there is no rate. */
  projectedMonthEndHours: number | null;
  /**
   * The day the retainer is used up: the actual date for a retainer already exceeded, otherwise the working day on
   * which the projected cumulative hours reach it — only when the pace runs past it before month end. Else null.
   */
  exhaustionDate: IsoDate | null;
  /** Working days of the month after `exhaustionDate` (0 = the last working day); null without an exhaustion date. */
  workingDaysBeforeMonthEnd: number | null;
  /** Every date from the 1st to the as-of date (weekends included): hours logged that day and the running total. */
  daily: { date: IsoDate; hours: number; cumulative: number }[];
  /** The projected running total from the as-of date (= consumed) to month end; empty when there is no rate. */
  forecast: { date: IsoDate; cumulative: number }[];
  risk: RetainerRisk;
}

/** The as-of day counts as an elapsed working day from this local hour on (the 17:00 run sees a whole day). */
export const END_OF_WORKING_DAY_HOUR = 17;
export const DEFAULT_RETAINER_THRESHOLDS: readonly number[] = [75, 90, 100];

// Sums of worklog hours carry float noise (0.1 + 0.2); a figure this close to a limit has reached it.
const EPSILON = 1e-9;
const reached = (value: number, limit: number): boolean => value >= limit - EPSILON;

/** The level of an alert sent at a threshold: 100 % and over "exceeded", 90 % and over "critical", else "warning". */
export function alertLevel(threshold: number): RetainerAlertLevel {
  if (threshold >= 100) return 'exceeded';
  if (threshold >= 90) return 'critical';
  return 'warning';
}

/**
 * Where one retainer stands at `asOf`.
 *
 * - Month: the calendar month of `asOf`'s local date in `zone` (local dates, so DST days are 23 or 25 h and still one day).
 * - Consumed: the hours of `dailyHours` dated from the 1st to the as-of date, weekends and holidays included (work
 *   done is work billed). Dates outside that range (other months, future dates) are ignored.
 * - Working days: Monday to Friday minus `holidays`. **Elapsed** working days are those before the as-of date, plus
 *   the as-of date itself when it is a working day and the local time is 17:00 or later. Hours logged earlier on the
 *   as-of day still count as consumed, so a mid-day pace reads slightly high: the monitor errs towards warning early.
 * - Burn rate: consumed ÷ elapsed working days (null when none has elapsed, e.g. the 1st before 17:00).
 * - Projection: consumed + rate × remaining working days (the as-of day is remaining until 17:00).
 * - Exhaustion: see {@link RetainerAssessment.exhaustionDate}.
 * - Risk: exceeded at 100 % and over; otherwise the level of the highest threshold crossed (see {@link alertLevel}),
 *   raised to at least "warning" when the pace runs out before month end; else on track.
 */
export function assessRetainer(input: {
  project: RetainerInput;
  asOf: Date;
  zone: string;
  dailyHours: ReadonlyMap<string, number>;
  holidays: readonly string[];
  thresholds?: readonly number[];
}): RetainerAssessment {
  const { project, zone } = input;
  const local = DateTime.fromJSDate(input.asOf, { zone });
  if (!local.isValid) throw new Error(`invalid time zone "${zone}" or as-of moment`);
  const asOfDate = local.toISODate()!;
  const month = monthContaining(asOfDate);
  const holidays = new Set(input.holidays);

  const workingDays = month.days.filter((d) => isWorkingDay(d, holidays));
  const asOfDayElapsed = isWorkingDay(asOfDate, holidays) && local.hour >= END_OF_WORKING_DAY_HOUR;
  const isElapsed = (d: IsoDate): boolean => d < asOfDate || (d === asOfDate && asOfDayElapsed);
  const elapsed = workingDays.filter(isElapsed);
  const remaining = workingDays.filter((d) => !isElapsed(d));

  let cumulative = 0;
  const daily = month.days.filter((d) => d <= asOfDate).map((date) => {
    const hours = input.dailyHours.get(date) ?? 0;
    cumulative += hours;
    return { date, hours, cumulative };
  });
  const consumed = cumulative;
  const limit = project.monthlyHours;
  const rate = elapsed.length > 0 ? consumed / elapsed.length : null;
  const projected = rate === null ? null : consumed + rate * remaining.length;

  const forecast =
    rate === null
      ? []
      : [
          { date: asOfDate, cumulative: consumed },
          ...month.days
            .filter((d) => d > asOfDate)
            .map((date) => ({ date, cumulative: consumed + rate * remaining.filter((d) => d <= date).length })),
        ];

  const exceeded = reached(consumed, limit);
  let exhaustionDate: IsoDate | null = null;
  if (exceeded) {
    exhaustionDate = daily.find((d) => reached(d.cumulative, limit))!.date;
  } else if (rate !== null && projected !== null && projected > limit + EPSILON) {
    exhaustionDate = remaining.find((_, i) => reached(consumed + rate * (i + 1), limit)) ?? null;
  }

  const percent = (consumed * 100) / limit;
  return {
    key: project.key,
    name: project.name,
    monthlyHours: limit,
    month: month.label,
    asOfDate,
    asOf: local.toISO({ suppressMilliseconds: true })!,
    consumedHours: consumed,
    percent,
    remainingHours: limit - consumed,
    workingDaysElapsed: elapsed.length,
    workingDaysInMonth: workingDays.length,
    workingDaysRemaining: remaining.length,
    burnRatePerWorkingDay: rate,
    projectedMonthEndHours: projected,
    exhaustionDate,
    workingDaysBeforeMonthEnd: exhaustionDate === null ? null : workingDays.filter((d) => d > exhaustionDate!).length,
    daily,
    forecast,
    risk: exceeded ? 'exceeded' : riskOf(percent, exhaustionDate !== null, input.thresholds ?? DEFAULT_RETAINER_THRESHOLDS),
  };
}

/** The risk of a retainer not yet used up. */
function riskOf(percent: number, runsOut: boolean, thresholds: readonly number[]): RetainerRisk {
  const crossed = thresholds.filter((t) => reached(percent, t));
  if (crossed.length > 0) return alertLevel(Math.max(...crossed));
  return runsOut ? 'warning' : 'on_track';
}

/**
 * The threshold to alert on now, or null. It is the highest threshold `percent` has reached, sent only when it is
 * above every threshold already alerted this month. So:
 * - several thresholds crossed between two runs give one alert, for the highest (0 → 100 % sends only "exceeded");
 * - lower thresholds skipped that way are never sent later, and neither is a lower one after a worklog correction
 *   brings the percentage back down (no alert fatigue: the PM already knows it is worse);
 * - a new month starts with an empty `alreadyAlerted`, so the ladder starts again.
 */
export function thresholdToAlert(percent: number, thresholds: readonly number[], alreadyAlerted: readonly number[]): number | null {
  const crossed = thresholds.filter((t) => reached(percent, t));
  if (crossed.length === 0) return null;
  const highest = Math.max(...crossed);
  const highestAlerted = alreadyAlerted.length > 0 ? Math.max(...alreadyAlerted) : -Infinity;
  return highest > highestAlerted ? highest : null;
}

/** "November 2025" for "2025-11". */
export function formatMonth(month: string): string {
  return DateTime.fromISO(`${month}-01`, { zone: 'UTC' }).toFormat('LLLL yyyy');
}

/** Hours for prose: up to one decimal, no trailing ".0" (6.55 → "6.6", 120 → "120"). */
function roughHours(hours: number): string {
  return String(Math.round(hours * 10) / 10);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * One sentence a PM can act on:
 * - pace runs out: "At 6.6 h per working day, the 120 h retainer runs out on Wed Nov 26, 2 working days before month end."
 * - under pace: "At 3.1 h per working day, it ends the month at about 96 h (80 %)."
 * - exceeded: "The 120 h retainer ran out on Thu Nov 20; at 6.6 h per working day, it ends the month at about 150 h (125 %)."
 * - no working day elapsed: says there is no pace yet.
 */
export function forecastSentence(a: RetainerAssessment): string {
  const retainer = `the ${roughHours(a.monthlyHours)} h retainer`;
  const rate = a.burnRatePerWorkingDay;
  const pace = rate === null ? '' : `at ${roughHours(rate)} h per working day`;
  const projected = a.projectedMonthEndHours;
  const monthEnd =
    projected === null
      ? ''
      : `it ends the month at about ${Math.round(projected)} h (${Math.round((projected * 100) / a.monthlyHours)} %)`;

  if (a.risk === 'exceeded' && a.exhaustionDate !== null) {
    const ranOut = `${capitalise(retainer)} ran out on ${formatShortDate(a.exhaustionDate)}`;
    if (rate === null) return `${ranOut}; no working day has ended yet this month, so there is no pace to forecast from.`;
    return `${ranOut}; ${pace}, ${monthEnd}.`;
  }
  if (rate === null) {
    return `No working day of ${formatMonth(a.month)} has ended yet, so there is no pace to forecast from.`;
  }
  if (rate === 0) return `No hours logged in the ${plural(a.workingDaysElapsed, 'working day')} so far.`;
  if (a.exhaustionDate !== null) {
    const before =
      a.workingDaysBeforeMonthEnd === 0
        ? 'the last working day of the month'
        : `${plural(a.workingDaysBeforeMonthEnd!, 'working day')} before month end`;
    const when = a.exhaustionDate === a.asOfDate ? 'today' : `on ${formatShortDate(a.exhaustionDate)}`;
    return `${capitalise(pace)}, ${retainer} runs out ${when}, ${before}.`;
  }
  return `${capitalise(pace)}, ${monthEnd}.`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const RISK_ORDER: Record<RetainerRisk, number> = { exceeded: 0, critical: 1, warning: 2, on_track: 3 };

/**
 * Most urgent first: exceeded, critical, warning, on track; within a risk, the higher percentage first, then the
 * higher projected month end (none last), then by key. Returns a new array.
 */
export function sortByRisk(list: readonly RetainerAssessment[]): RetainerAssessment[] {
  const projectedPercent = (a: RetainerAssessment): number =>
    a.projectedMonthEndHours === null ? -Infinity : a.projectedMonthEndHours / a.monthlyHours;
  return [...list].sort(
    (x, y) =>
      RISK_ORDER[x.risk] - RISK_ORDER[y.risk] ||
      y.percent - x.percent ||
      projectedPercent(y) - projectedPercent(x) ||
      (x.key < y.key ? -1 : x.key > y.key ? 1 : 0),
  );
}
