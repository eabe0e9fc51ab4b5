import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  alertLevel,
  assessRetainer,
  forecastSentence,
  sortByRisk,
  thresholdToAlert,
  type RetainerAssessment,
} from '../../src/services/budget.ts';
import { isWorkingDay, workingDaysBetween } from '../../src/services/calendar.ts';

const NY = 'America/New_York';
const SUBS = { key: 'SUBS', name: 'Subscriptions', monthlyHours: 120 };

/** The same hours on every working day from `from` to `to`, plus any extra dated entries. */
function logged(from: string, to: string, hoursPerDay: number, extra: Record<string, number> = {}, holidays: string[] = []): Map<string, number> {
  const map = new Map<string, number>();
  for (const d of workingDaysBetween(from, to, holidays)) map.set(d, hoursPerDay);
  for (const [d, h] of Object.entries(extra)) map.set(d, (map.get(d) ?? 0) + h);
  return map;
}

function assess(asOf: string, dailyHours: Map<string, number>, holidays: string[] = [], zone = NY, project = SUBS): RetainerAssessment {
  return assessRetainer({ project, asOf: new Date(asOf), zone, dailyHours, holidays });
}

// November 2025 in New York: starts on a Saturday, 20 working days (Mon 3 … Fri 28), EST (UTC−5) after Sun Nov 2.
describe('retainer assessment', () => {
  it('projects a pace that runs out before month end (Thu Nov 20 at 17:00, 7 h a working day)', () => {
    const a = assess('2025-11-20T22:00:00Z', logged('2025-11-03', '2025-11-20', 7));
    expect(a).toMatchObject({
      month: '2025-11',
      asOfDate: '2025-11-20',
      asOf: '2025-11-20T17:00:00-05:00',
      consumedHours: 98,
      remainingHours: 22,
      workingDaysElapsed: 14,
      workingDaysInMonth: 20,
      workingDaysRemaining: 6,
      burnRatePerWorkingDay: 7,
      projectedMonthEndHours: 140,
      exhaustionDate: '2025-11-26',
      workingDaysBeforeMonthEnd: 2,
      risk: 'warning',
    });
    expect(a.percent).toBeCloseTo(81.6667, 4);
    expect(forecastSentence(a)).toBe('At 7 h per working day, the 120 h retainer runs out on Wed Nov 26, 2 working days before month end.');
  });

  it('does not count the as-of day as elapsed before 17:00, but counts its hours as consumed', () => {
    const a = assess('2025-11-20T18:00:00Z', logged('2025-11-03', '2025-11-20', 6.5)); // 13:00 EST
    expect(a).toMatchObject({ consumedHours: 91, workingDaysElapsed: 13, workingDaysRemaining: 7, burnRatePerWorkingDay: 7 });
    expect(a.projectedMonthEndHours).toBe(91 + 7 * 7);
    // The rest of Thu 20 is still ahead: 91 + 7 × 5 (Thu 20, Fri 21, Mon 24, Tue 25, Wed 26) = 126 ≥ 120.
    expect(a.exhaustionDate).toBe('2025-11-26');
  });

  it('says the retainer runs out today when the rest of today is enough', () => {
    const a = assess('2025-11-20T18:00:00Z', logged('2025-11-03', '2025-11-20', 8)); // 112 h, 8.6 h a working day
    expect(a.exhaustionDate).toBe('2025-11-20');
    expect(forecastSentence(a)).toBe('At 8.6 h per working day, the 120 h retainer runs out today, 6 working days before month end.');
  });

  it('forecasts the month end when the pace stays under the retainer', () => {
    const a = assess('2025-11-14T22:00:00Z', logged('2025-11-03', '2025-11-10', 8));
    expect(a).toMatchObject({
      consumedHours: 48,
      workingDaysElapsed: 10,
      workingDaysRemaining: 10,
      burnRatePerWorkingDay: 4.8,
      projectedMonthEndHours: 96,
      exhaustionDate: null,
      workingDaysBeforeMonthEnd: null,
      percent: 40,
      risk: 'on_track',
    });
    expect(forecastSentence(a)).toBe('At 4.8 h per working day, it ends the month at about 96 h (80 %).');
  });

  it('has no pace on the 1st of a month before 17:00 (no division by zero)', () => {
    const a = assess('2025-12-01T14:00:00Z', new Map([['2025-12-01', 2]])); // Mon Dec 1, 09:00 EST
    expect(a).toMatchObject({
      month: '2025-12',
      consumedHours: 2,
      workingDaysElapsed: 0,
      workingDaysInMonth: 23,
      workingDaysRemaining: 23,
      burnRatePerWorkingDay: null,
      projectedMonthEndHours: null,
      exhaustionDate: null,
      forecast: [],
      risk: 'on_track',
    });
    expect(a.daily).toEqual([{ date: '2025-12-01', hours: 2, cumulative: 2 }]);
    expect(forecastSentence(a)).toBe('No working day of December 2025 has ended yet, so there is no pace to forecast from.');
  });

  it('counts the 1st as elapsed from 17:00', () => {
    const a = assess('2025-12-01T22:00:00Z', new Map([['2025-12-01', 2]]));
    expect(a).toMatchObject({ workingDaysElapsed: 1, workingDaysRemaining: 22, burnRatePerWorkingDay: 2, projectedMonthEndHours: 46 });
  });

  it('projects nothing more on the last day of the month after 17:00', () => {
    const a = assess('2025-12-31T23:00:00Z', logged('2025-12-01', '2025-12-31', 4)); // Wed Dec 31, 18:00 EST
    expect(a).toMatchObject({ workingDaysElapsed: 23, workingDaysRemaining: 0, consumedHours: 92, projectedMonthEndHours: 92, exhaustionDate: null });
    expect(a.daily).toHaveLength(31);
    const morning = assess('2025-12-31T14:00:00Z', logged('2025-12-01', '2025-12-31', 4));
    expect(morning).toMatchObject({ workingDaysElapsed: 22, workingDaysRemaining: 1 });
  });

  it.each([
    ['February 2025 (28 days)', '2025-03-01T01:00:00Z', '2025-02', 28, 20],
    ['February 2024 (29 days)', '2024-03-01T01:00:00Z', '2024-02', 29, 21],
  ])('handles %s', (_label, asOf, month, days, workingDays) => {
    const a = assess(asOf, logged(`${month}-01`, `${month}-${days}`, 5)); // 20:00 local on the last day
    expect(a.month).toBe(month);
    expect(a.daily).toHaveLength(days);
    expect(a.daily.at(-1)!.date).toBe(`${month}-${days}`);
    expect(a).toMatchObject({ workingDaysInMonth: workingDays, workingDaysElapsed: workingDays, consumedHours: 5 * workingDays, burnRatePerWorkingDay: 5 });
  });

  describe('across daylight-saving changes (local dates, not 24-hour slices)', () => {
    it.each([
      // March 2025: clocks go forward on Sun Mar 9, so Mon Mar 10 17:00 is 21:00Z (EDT, UTC−4).
      ['Mon Mar 10 16:59 EDT', '2025-03-10T20:59:00Z', '2025-03-10', 5],
      ['Mon Mar 10 17:00 EDT', '2025-03-10T21:00:00Z', '2025-03-10', 6],
      // November 2025: clocks go back on Sun Nov 2, so Mon Nov 3 17:00 is 22:00Z (EST, UTC−5).
      ['Mon Nov 3 16:30 EST', '2025-11-03T21:30:00Z', '2025-11-03', 0],
      ['Mon Nov 3 17:00 EST', '2025-11-03T22:00:00Z', '2025-11-03', 1],
      // Late evening local time is already the next day in UTC: still the old month.
      ['Sun Nov 30 22:00 EST', '2025-12-01T03:00:00Z', '2025-11-30', 20],
      ['Mon Mar 31 23:30 EDT', '2025-04-01T03:30:00Z', '2025-03-31', 21],
    ])('at %s', (_label, asOf, asOfDate, elapsed) => {
      const a = assess(asOf, new Map());
      expect(a.asOfDate).toBe(asOfDate);
      expect(a.month).toBe(asOfDate.slice(0, 7));
      expect(a.workingDaysElapsed).toBe(elapsed);
      expect(a.daily).toHaveLength(Number(asOfDate.slice(8)));
    });

    it('books hours by local date on the 25-hour day', () => {
      const a = assess('2025-11-03T22:00:00Z', new Map([['2025-11-02', 3], ['2025-11-03', 5]]));
      expect(a.daily).toEqual([
        { date: '2025-11-01', hours: 0, cumulative: 0 },
        { date: '2025-11-02', hours: 3, cumulative: 3 },
        { date: '2025-11-03', hours: 5, cumulative: 8 },
      ]);
      expect(a.burnRatePerWorkingDay).toBe(8);
    });
  });

  it('counts weekend hours as consumption but not weekends as working days (month starting on a Saturday)', () => {
    const saturday = assess('2025-11-01T16:00:00Z', new Map([['2025-11-01', 4]]));
    expect(saturday).toMatchObject({ consumedHours: 4, workingDaysElapsed: 0, burnRatePerWorkingDay: null, workingDaysRemaining: 20 });
    const a = assess('2025-11-10T22:00:00Z', logged('2025-11-03', '2025-11-10', 6, { '2025-11-01': 4, '2025-11-08': 2 }));
    expect(a).toMatchObject({ consumedHours: 42, workingDaysElapsed: 6, burnRatePerWorkingDay: 7, projectedMonthEndHours: 42 + 7 * 14 });
  });

  it('ignores hours dated after the as-of date or outside the month', () => {
    const a = assess('2025-11-10T22:00:00Z', new Map([['2025-10-31', 9], ['2025-11-10', 6], ['2025-11-11', 8], ['2025-12-01', 7]]));
    expect(a.consumedHours).toBe(6);
  });

  it('reports an exceeded retainer with the day it ran out and the overrun', () => {
    const a = assess('2025-11-20T22:00:00Z', logged('2025-11-03', '2025-11-20', 10));
    expect(a).toMatchObject({
      consumedHours: 140,
      remainingHours: -20,
      burnRatePerWorkingDay: 10,
      projectedMonthEndHours: 200,
      exhaustionDate: '2025-11-18',
      workingDaysBeforeMonthEnd: 8,
      risk: 'exceeded',
    });
    expect(a.percent).toBeCloseTo(116.667, 3);
    expect(forecastSentence(a)).toBe('The 120 h retainer ran out on Tue Nov 18; at 10 h per working day, it ends the month at about 200 h (167 %).');
  });

  it('leaves holidays out of the working days (Thanksgiving)', () => {
    const holidays = ['2025-11-27'];
    const a = assess('2025-11-20T22:00:00Z', logged('2025-11-03', '2025-11-20', 6.5), holidays);
    expect(a).toMatchObject({ workingDaysInMonth: 19, workingDaysRemaining: 5, projectedMonthEndHours: 123.5, exhaustionDate: '2025-11-28', workingDaysBeforeMonthEnd: 0 });
    expect(forecastSentence(a)).toBe('At 6.5 h per working day, the 120 h retainer runs out on Fri Nov 28, the last working day of the month.');
    const onTheHoliday = assess('2025-11-27T23:00:00Z', new Map(), holidays);
    expect(onTheHoliday.workingDaysElapsed).toBe(18);
  });

  it('draws the forecast from the as-of total to month end', () => {
    const a = assess('2025-11-20T22:00:00Z', logged('2025-11-03', '2025-11-20', 6.5));
    expect(a.forecast[0]).toEqual({ date: '2025-11-20', cumulative: 91 });
    expect(a.forecast.find((p) => p.date === '2025-11-23')).toEqual({ date: '2025-11-23', cumulative: 97.5 }); // Fri 21 only
    expect(a.forecast.at(-1)).toEqual({ date: '2025-11-30', cumulative: 130 });
  });

  it('counts reaching a threshold exactly as crossing it', () => {
    const a = assess('2025-11-14T22:00:00Z', logged('2025-11-03', '2025-11-14', 10.8));
    expect(a.percent).toBeCloseTo(90, 9);
    expect(a.risk).toBe('critical');
    expect(thresholdToAlert(a.percent, [75, 90, 100], [75])).toBe(90);
  });

  it('says when nothing was logged in the working days so far', () => {
    expect(forecastSentence(assess('2025-11-03T22:00:00Z', new Map()))).toBe('No hours logged in the 1 working day so far.');
    expect(forecastSentence(assess('2025-11-05T22:00:00Z', new Map()))).toBe('No hours logged in the 3 working days so far.');
  });

  it('says an exceeded retainer has no pace yet when no working day has ended', () => {
    const a = assess('2025-11-02T16:00:00Z', new Map([['2025-11-01', 70], ['2025-11-02', 60]]));
    expect(a.risk).toBe('exceeded');
    expect(forecastSentence(a)).toBe('The 120 h retainer ran out on Sun Nov 2; no working day has ended yet this month, so there is no pace to forecast from.');
  });
});

describe('risk', () => {
  it.each([
    [60, 'on_track'],
    [90, 'warning'], // 75 %
    [108, 'critical'], // 90 %
    [120, 'exceeded'],
  ])('at %d h of 120 h on Nov 28 after 17:00 is %s', (hours, risk) => {
    const a = assess('2025-11-28T22:00:00Z', new Map([['2025-11-03', hours]]));
    expect(a.risk).toBe(risk);
  });

  it('is at least a warning when the pace runs out before month end, whatever the percentage', () => {
    const a = assess('2025-11-04T22:00:00Z', logged('2025-11-03', '2025-11-04', 10)); // 20 h, 17 %
    expect(a.exhaustionDate).toBe('2025-11-18');
    expect(a.risk).toBe('warning');
  });

  it('follows the configured thresholds', () => {
    const a = assessRetainer({
      project: SUBS,
      asOf: new Date('2025-11-28T22:00:00Z'),
      zone: NY,
      dailyHours: new Map([['2025-11-03', 72]]), // 60 %
      holidays: [],
      thresholds: [50, 95, 100],
    });
    expect(a.risk).toBe('warning');
  });

  it('names alert levels by percentage', () => {
    expect([75, 80, 90, 95, 100, 120].map(alertLevel)).toEqual(['warning', 'warning', 'critical', 'critical', 'exceeded', 'exceeded']);
  });
});

describe('which threshold to alert', () => {
  const T = [75, 90, 100];
  it.each([
    ['nothing crossed', 50, [], null],
    ['75 % crossed for the first time', 76, [], 75],
    ['75 % crossed and already alerted', 80, [75], null],
    ['75 → 90 % in one jump: one alert, for 90', 92, [], 90],
    ['90 % after 75 was alerted', 92, [75], 90],
    ['0 → 100 % in one jump: only "exceeded"', 130, [], 100],
    ['95 % with 90 already alerted', 95, [75, 90], null],
    ['95 % with only 90 alerted (75 skipped): 75 is never sent later', 95, [90], null],
    ['100 % after 75 and 90', 100, [75, 90], 100],
    ['a correction back under 100 % after "exceeded"', 95, [100], null],
    ['a new month (empty alerted list)', 80, [], 75],
    ['just under a threshold', 89.999, [75], null],
  ])('%s', (_label, percent, alerted, expected) => {
    expect(thresholdToAlert(percent, T, alerted)).toBe(expected);
  });
});

describe('sorting by risk', () => {
  const base = assess('2025-11-20T22:00:00Z', new Map());
  const make = (key: string, risk: RetainerAssessment['risk'], percent: number, projected: number | null = null): RetainerAssessment => ({
    ...base,
    key,
    risk,
    percent,
    projectedMonthEndHours: projected,
  });

  it('puts exceeded first, then critical, warning, on track; higher percentage and projection first', () => {
    const list = [
      make('OK1', 'on_track', 10, 50),
      make('WARN', 'warning', 20, 130),
      make('CRIT', 'critical', 92),
      make('OVER', 'exceeded', 105),
      make('OVER2', 'exceeded', 140),
      make('OK3', 'on_track', 30, 80),
      make('OK2', 'on_track', 30, 90),
      make('OK4', 'on_track', 30, null),
      make('A', 'on_track', 0),
    ];
    expect(sortByRisk(list).map((a) => a.key)).toEqual(['OVER2', 'OVER', 'CRIT', 'WARN', 'OK2', 'OK3', 'OK4', 'OK1', 'A']);
    expect(list[0]!.key).toBe('OK1'); // the input is left alone
  });
});

describe('retainer assessment, for any moment, zone and hours', () => {
  const zones = ['America/New_York', 'Europe/London', 'Asia/Kolkata', 'Pacific/Auckland', 'UTC'];
  const day = fc.integer({ min: 1, max: 28 }).map((d) => String(d).padStart(2, '0'));

  it('keeps its figures consistent with each other', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2026-12-31T23:59:59Z'), noInvalidDate: true }),
        fc.constantFrom(...zones),
        fc.array(fc.tuple(day, fc.integer({ min: 0, max: 40 }).map((q) => q / 4)), { maxLength: 25 }),
        fc.array(day, { maxLength: 3 }),
        fc.integer({ min: 1, max: 300 }),
        (asOf, zone, entries, holidayDays, monthlyHours) => {
          const month = assessRetainer({ project: { ...SUBS, monthlyHours }, asOf, zone, dailyHours: new Map(), holidays: [] }).month;
          const dailyHours = new Map(entries.map(([d, h]) => [`${month}-${d}`, h]));
          const holidays = holidayDays.map((d) => `${month}-${d}`);
          const a = assessRetainer({ project: { ...SUBS, monthlyHours }, asOf, zone, dailyHours, holidays });

          expect(a.workingDaysElapsed + a.workingDaysRemaining).toBe(a.workingDaysInMonth);
          expect(a.daily).toHaveLength(Number(a.asOfDate.slice(8)));
          expect(a.daily.at(-1)!.cumulative).toBe(a.consumedHours);
          expect(a.burnRatePerWorkingDay === null).toBe(a.workingDaysElapsed === 0);
          if (a.projectedMonthEndHours !== null) expect(a.projectedMonthEndHours).toBeGreaterThanOrEqual(a.consumedHours);
          if (a.exhaustionDate !== null) {
            expect(a.exhaustionDate.slice(0, 7)).toBe(a.month);
            if (a.risk === 'exceeded') expect(a.exhaustionDate <= a.asOfDate).toBe(true);
            else {
              expect(a.exhaustionDate >= a.asOfDate).toBe(true);
              expect(isWorkingDay(a.exhaustionDate, holidays)).toBe(true);
              expect(a.projectedMonthEndHours!).toBeGreaterThan(monthlyHours);
            }
          }
          expect(a.risk === 'exceeded').toBe(a.consumedHours >= monthlyHours - 1e-9);
          expect(Number.isFinite(a.percent)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('alerts at most one threshold, above everything already alerted and not above the percentage', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 200, noNaN: true }), fc.subarray([75, 90, 100]), (percent, alerted) => {
        const t = thresholdToAlert(percent, [75, 90, 100], alerted);
        if (t === null) return;
        expect(t).toBeLessThanOrEqual(percent);
        expect(alerted.every((x) => x < t)).toBe(true);
        expect([75, 90, 100].filter((x) => x <= percent && x > t)).toEqual([]);
      }),
    );
  });
});
