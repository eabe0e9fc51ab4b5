// Calendar arithmetic in the org's time zone: weeks (Monday to Sunday), months, working days, and how hours are shown.
// Pure: every function takes the moment and the zone as data.
import { DateTime, Interval } from 'luxon';

/** A calendar date as YYYY-MM-DD (no time, no zone). */
export type IsoDate = string;

export interface Week {
  /** Monday, YYYY-MM-DD in the org zone. */
  start: IsoDate;
  /** Sunday, YYYY-MM-DD. */
  end: IsoDate;
  /** ISO week label, e.g. 2025-W45 (used in dedupe keys). */
  label: string;
  /** The seven dates Monday … Sunday. */
  days: IsoDate[];
}

export interface Month {
  /** YYYY-MM */
  label: string;
  start: IsoDate;
  end: IsoDate;
  days: IsoDate[];
}

function inZone(at: Date, zone: string): DateTime {
  const dt = DateTime.fromJSDate(at, { zone });
  if (!dt.isValid) throw new Error(`invalid time zone "${zone}"`);
  return dt;
}

function fromIso(date: IsoDate, zone = 'UTC'): DateTime {
  const dt = DateTime.fromISO(date, { zone });
  if (!dt.isValid) throw new Error(`invalid date "${date}"`);
  return dt;
}

/** The date of `at` as seen in `zone`. */
export function localDate(at: Date, zone: string): IsoDate {
  return inZone(at, zone).toISODate()!;
}

export function weekContaining(date: IsoDate): Week {
  const monday = fromIso(date).startOf('week'); // luxon weeks are ISO weeks: Monday first
  const days = Array.from({ length: 7 }, (_, i) => monday.plus({ days: i }).toISODate()!);
  return { start: days[0]!, end: days[6]!, label: `${monday.weekYear}-W${String(monday.weekNumber).padStart(2, '0')}`, days };
}

/**
 * The last complete week before `at`, Monday to Sunday in the org zone: the week before the one `at` falls in.
 * A Sunday-evening moment reviews the week before that Sunday's week, even when it is already Monday in UTC.
 */
export function previousCompleteWeek(at: Date, zone: string): Week {
  const current = weekContaining(localDate(at, zone));
  return weekContaining(fromIso(current.start).minus({ days: 7 }).toISODate()!);
}

export function weekBefore(week: Week): Week {
  return weekContaining(fromIso(week.start).minus({ days: 7 }).toISODate()!);
}

export function monthContaining(date: IsoDate): Month {
  const first = fromIso(date).startOf('month');
  const days = Array.from({ length: first.daysInMonth! }, (_, i) => first.plus({ days: i }).toISODate()!);
  return { label: first.toFormat('yyyy-MM'), start: days[0]!, end: days[days.length - 1]!, days };
}

/** Every date from `from` to `to`, both included. */
export function datesBetween(from: IsoDate, to: IsoDate): IsoDate[] {
  const start = fromIso(from);
  const end = fromIso(to);
  const out: IsoDate[] = [];
  for (let d = start; d <= end; d = d.plus({ days: 1 })) out.push(d.toISODate()!);
  return out;
}

/** Monday to Friday and not a holiday. */
export function isWorkingDay(date: IsoDate, holidays: ReadonlySet<IsoDate> | readonly IsoDate[] = []): boolean {
  const set = holidays instanceof Set ? holidays : new Set(holidays as readonly IsoDate[]);
  return fromIso(date).weekday <= 5 && !set.has(date);
}

export function workingDaysBetween(from: IsoDate, to: IsoDate, holidays: readonly IsoDate[] = []): IsoDate[] {
  const set = new Set(holidays);
  return datesBetween(from, to).filter((d) => isWorkingDay(d, set));
}

/** The UTC instants at which a local date starts and ends in `zone` (half-open: [start, end)). DST-aware. */
export function dayBounds(date: IsoDate, zone: string): { start: Date; end: Date } {
  const start = fromIso(date, zone).startOf('day');
  return { start: start.toJSDate(), end: start.plus({ days: 1 }).toJSDate() };
}

/** Length of a local day in hours (23 or 25 on DST changes). */
export function hoursInLocalDay(date: IsoDate, zone: string): number {
  const { start, end } = dayBounds(date, zone);
  return Interval.fromDateTimes(start, end).length('hours');
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromIso(date).plus({ days }).toISODate()!;
}

/** "Mon Nov 24" */
export function formatShortDate(date: IsoDate): string {
  return fromIso(date).toFormat('ccc LLL d');
}

/** "Mon" … "Sun" */
export function weekdayName(date: IsoDate): string {
  return fromIso(date).toFormat('ccc');
}

/**
 * Hours as a person should read them: exact to the minute and never rounded up across a threshold.
 * 31.99 h → "31h 59m" (floored to the minute), 32 → "32h", 0.5 → "0h 30m".
 */
export function formatHours(hours: number): string {
  const negative = hours < 0;
  const minutes = Math.floor(Math.abs(hours) * 60 + 1e-9);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${negative ? '-' : ''}${h}h${m ? ` ${String(m).padStart(2, '0')}m` : ''}`;
}

/** Seconds → hours, without floating drift for whole minutes. */
export function secondsToHours(seconds: number): number {
  return seconds / 3600;
}
