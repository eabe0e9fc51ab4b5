// The sample agency's calendar: one entry per local day from a few months before the as-of up to it, with the zone's
// UTC offset, so the generator turns "Tuesday 14:30 in New York" into an instant with plain arithmetic (no date library
// in the hot loops), plus the weeks, months and public holidays the scenario is built around.
import { DateTime } from 'luxon';
import type { Random } from '../random.ts';

export const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

export interface AgencyDay {
  /** YYYY-MM-DD in the org zone. */
  date: string;
  /** 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** Date.UTC of the local date's midnight (not the instant local midnight happens). */
  utcMidnight: number;
  /** Local minus UTC, in minutes, at midday (-240 in New York summer, -300 in winter). */
  offsetMinutes: number;
  holiday: boolean;
  /** Months since the first month of the three-month window (0, 1, 2); negative before it. */
  month: number;
}

/** US public holidays an agency closes for: Labor Day, Thanksgiving and the day after, Christmas, New Year's Day. */
function usHolidays(year: number): string[] {
  const nth = (month: number, weekday: number, n: number): string => {
    const first = DateTime.utc(year, month, 1);
    return first.plus({ days: ((weekday - first.weekday + 7) % 7) + 7 * (n - 1) }).toISODate()!;
  };
  const thanksgiving = nth(11, 4, 4);
  return [`${year}-01-01`, nth(9, 1, 1), thanksgiving, DateTime.fromISO(thanksgiving, { zone: 'utc' }).plus({ days: 1 }).toISODate()!, `${year}-12-25`];
}

export class SampleTimeline {
  readonly days: AgencyDay[] = [];
  readonly asOfMs: number;
  readonly asOfDay: number;
  /** Local minute of the day at the as-of. */
  readonly asOfMinute: number;
  /** First day of the month two months before the as-of's month: worklogs start here. */
  readonly windowStartDay: number;
  /** Mondays (day indexes) from the week holding the window start to the week holding the as-of. */
  readonly weekStarts: number[] = [];
  /** Index in weekStarts of the last complete week (the one before the as-of's week). */
  readonly lastWeek: number;
  /** Holidays from the window start to the end of the as-of's month, for the org config. */
  readonly holidays: string[];
  private readonly firstUtcMidnight: number;

  constructor(
    asOf: string,
    readonly zone: string,
    lookbackDays = 130,
  ) {
    const at = DateTime.fromISO(asOf, { zone });
    if (!at.isValid) throw new RangeError(`asOf "${asOf}" is not an ISO date-time`);
    this.asOfMs = at.toMillis();
    const windowStart = at.startOf('month').minus({ months: 2 });
    const monthEnd = at.endOf('month');
    const first = windowStart.minus({ days: lookbackDays }).startOf('day');
    const holidaySet = new Set<string>();
    for (let y = first.year; y <= monthEnd.year; y++) for (const d of usHolidays(y)) holidaySet.add(d);
    const windowStartDate = windowStart.toISODate()!;
    const monthEndDate = monthEnd.toISODate()!;
    this.holidays = [...holidaySet].filter((d) => d >= windowStartDate && d <= monthEndDate).sort();
    const baseMonth = windowStart.year * 12 + windowStart.month;

    const asOfDate = at.toISODate()!;
    for (let d = first; ; d = d.plus({ days: 1 })) {
      const date = d.toISODate()!;
      const noon = d.set({ hour: 12 });
      this.days.push({
        date,
        weekday: d.weekday,
        utcMidnight: Date.UTC(d.year, d.month - 1, d.day),
        offsetMinutes: noon.offset,
        holiday: holidaySet.has(date),
        month: d.year * 12 + d.month - baseMonth,
      });
      if (date === asOfDate) break;
    }
    this.firstUtcMidnight = this.days[0]!.utcMidnight;
    this.asOfDay = this.days.length - 1;
    this.asOfMinute = at.hour * 60 + at.minute;
    this.windowStartDay = this.dayIndexOf(windowStartDate);
    for (let monday = this.windowStartDay - (this.days[this.windowStartDay]!.weekday - 1); monday <= this.asOfDay; monday += 7) {
      this.weekStarts.push(monday);
    }
    this.lastWeek = this.weekStarts.length - 2;
  }

  dayIndexOf(date: string): number {
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    return Math.round((Date.UTC(y, m - 1, d) - this.firstUtcMidnight) / DAY_MS);
  }

  /** Monday to Friday and not a holiday. */
  isWorkingDay(day: number): boolean {
    const info = this.days[day];
    return info !== undefined && info.weekday <= 5 && !info.holiday;
  }

  /** The instant of a local day and minute of that day. */
  at(day: number, minute: number): number {
    const info = this.days[day]!;
    return info.utcMidnight + (minute - info.offsetMinutes) * MINUTE_MS;
  }

  /** The local day an instant falls on (clamped to the table). */
  dayOf(ms: number): number {
    const guess = Math.min(this.asOfDay, Math.max(0, Math.floor((ms - this.firstUtcMidnight) / DAY_MS)));
    const local = ms + this.days[guess]!.offsetMinutes * MINUTE_MS;
    return Math.min(this.asOfDay, Math.max(0, Math.floor((local - this.firstUtcMidnight) / DAY_MS)));
  }

  /** The local minute of the day of an instant. */
  minuteOf(ms: number, day = this.dayOf(ms)): number {
    const info = this.days[day]!;
    return Math.floor((ms - info.utcMidnight) / MINUTE_MS) + info.offsetMinutes;
  }

  /**
   * The latest working moment at or before `ms` (Monday–Friday, 09:00–18:30 local, not a holiday): a status change or
   * a pull request happens while people are at work. Off-hours moments move back to a random late-afternoon time.
   */
  workingMomentAtOrBefore(ms: number, rng: Random): number {
    let day = this.dayOf(ms);
    const minute = this.minuteOf(ms, day);
    if (this.isWorkingDay(day) && minute >= 540 && minute <= 1110) return ms;
    if (!(this.isWorkingDay(day) && minute > 1110)) {
      day--;
      while (day > 0 && !this.isWorkingDay(day)) day--;
    }
    return this.at(Math.max(0, day), rng.int(900, 1080)) + rng.int(0, 59) * 1000;
  }

  /** ISO-8601 UTC with milliseconds (Jira's records). */
  iso(ms: number): string {
    return new Date(ms).toISOString();
  }

  /** ISO-8601 UTC to the second, `2025-11-20T14:00:00Z` (Tempo's and GitHub's style). */
  isoSeconds(ms: number): string {
    return `${this.iso(ms).slice(0, 19)}Z`;
  }
}

const clock: string[] = [];
for (let m = 0; m < 24 * 60; m++) clock.push(`${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}:00`);

/** "HH:MM:SS" for a minute of the day (shared strings: a large agency has hundreds of thousands of worklogs). */
export function clockTime(minute: number): string {
  return clock[Math.min(clock.length - 1, Math.max(0, minute))]!;
}
