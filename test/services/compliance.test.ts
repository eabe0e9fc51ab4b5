// Specification of the weekly time-tracking verdicts: hours per person, status bars, streaks and team summaries.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, weekContaining } from '../../src/services/calendar.ts';
import {
  assessWeek,
  type ComplianceHistoryRow,
  type CompliancePerson,
  type ComplianceWorklog,
} from '../../src/services/compliance.ts';

const week = weekContaining('2025-11-24'); // Mon Nov 24 – Sun Nov 30, 2025-W48
const thresholds = { compliant_hours: 32, partial_hours: 16 };
const H = 3600;

function person(accountId: string, extra: Partial<CompliancePerson> = {}): CompliancePerson {
  return { accountId, name: `Person ${accountId}`, team: 'platform', weeklyHours: 40, active: true, ...extra };
}

function assess(people: CompliancePerson[], worklogs: ComplianceWorklog[], history: ComplianceHistoryRow[] = [], teams?: string[]) {
  return assessWeek({ week, people, worklogs, thresholds, history, ...(teams ? { teams } : {}) });
}

/** The worklogs of one person spread Monday to Thursday, adding up to `seconds`. */
function loggedThisWeek(accountId: string, seconds: number): ComplianceWorklog[] {
  const quarter = Math.floor(seconds / 4);
  return [0, 1, 2, 3].map((i) => ({ accountId, startDate: week.days[i]!, seconds: i === 3 ? seconds - 3 * quarter : quarter }));
}

describe('time-tracking compliance: status of one person', () => {
  it.each([
    ['exactly 32 h', 32 * H, 'compliant'],
    ['31 h 59 m 59 s', 32 * H - 1, 'partial'],
    ['exactly 16 h', 16 * H, 'partial'],
    ['one second below 16 h', 16 * H - 1, 'non_compliant'],
    ['40 h', 40 * H, 'compliant'],
  ] as const)('judges a 40-hour person with %s as %s', (_label, seconds, status) => {
    const [p] = assess([person('a')], loggedThisWeek('a', seconds)).people;
    expect(p!.status).toBe(status);
    expect(p!.seconds).toBe(seconds);
  });

  it.each([
    ['16 h', 16 * H, 'compliant'],
    ['8 h', 8 * H, 'partial'],
    ['7 h 59 m', 7 * H + 59 * 60, 'non_compliant'],
  ] as const)('scales the bars for a 20-hour part-timer: %s is %s', (_label, seconds, status) => {
    const [p] = assess([person('pt', { weeklyHours: 20 })], loggedThisWeek('pt', seconds)).people;
    expect(p!.status).toBe(status);
    expect(p!.compliantHours).toBe(16);
    expect(p!.partialHours).toBe(8);
    expect(p!.expectedHours).toBe(20);
  });

  it('pro-rates bars for weekday holidays: Thanksgiving week (Thu and Fri off) needs 60 % of the bars', () => {
    const holidays = ['2025-11-27', '2025-11-28'];
    const judge = (seconds: number, weeklyHours = 40) =>
      assessWeek({ week, people: [person('a', { weeklyHours })], worklogs: loggedThisWeek('a', seconds), thresholds, history: [], holidays }).people[0]!;
    expect(judge(19.2 * H)).toMatchObject({ status: 'compliant', compliantHours: 19.2, partialHours: 9.6, expectedHours: 24, weeklyHours: 40 });
    expect(judge(19.2 * H - 1).status).toBe('partial');
    expect(judge(9.6 * H - 1).status).toBe('non_compliant');
    expect(judge(9.6 * H, 20)).toMatchObject({ status: 'compliant', expectedHours: 12 });
    // A weekend holiday changes nothing.
    const weekend = assessWeek({ week, people: [person('a')], worklogs: loggedThisWeek('a', 32 * H), thresholds, history: [], holidays: ['2025-11-29'] }).people[0]!;
    expect(weekend).toMatchObject({ status: 'compliant', compliantHours: 32, expectedHours: 40 });
  });

  it('says how much is missing to the compliance bar, to the second', () => {
    const [p] = assess([person('a')], loggedThisWeek('a', 32 * H - 1)).people;
    expect(p!.missingSeconds).toBe(1);
    const [q] = assess([person('a')], loggedThisWeek('a', 40 * H)).people;
    expect(q!.missingSeconds).toBe(0);
    expect(q!.missingHours).toBe(0);
  });

  it('judges an active person with no worklog at all: 0 h, non-compliant, every day at 0', () => {
    const [p] = assess([person('idle')], []).people;
    expect(p).toMatchObject({ seconds: 0, hours: 0, status: 'non_compliant', missingHours: 32, streak: 1 });
    expect(p!.byDay.map((d) => [d.weekday, d.hours])).toEqual([
      ['Mon', 0], ['Tue', 0], ['Wed', 0], ['Thu', 0], ['Fri', 0], ['Sat', 0], ['Sun', 0],
    ]);
    expect(p!.byDay.map((d) => d.date)).toEqual(week.days);
  });

  it('counts worklogs dated Monday to Sunday and ignores the Sunday before and the Monday after', () => {
    const result = assess(
      [person('a')],
      [
        { accountId: 'a', startDate: '2025-11-23', seconds: 8 * H }, // Sunday before
        { accountId: 'a', startDate: '2025-11-24', seconds: 8 * H }, // Monday
        { accountId: 'a', startDate: '2025-11-30', seconds: 2 * H }, // Sunday
        { accountId: 'a', startDate: '2025-12-01', seconds: 8 * H }, // Monday after
      ],
    );
    const [p] = result.people;
    expect(p!.seconds).toBe(10 * H);
    expect(p!.byDay[0]!.hours).toBe(8);
    expect(p!.byDay[6]!.hours).toBe(2);
    expect(result.totals.worklogs).toBe(2);
  });

  it('adds up several worklogs on the same day', () => {
    const [p] = assess([person('a')], [
      { accountId: 'a', startDate: '2025-11-25', seconds: 1800 },
      { accountId: 'a', startDate: '2025-11-25', seconds: 5400 },
    ]).people;
    expect(p!.byDay[1]).toMatchObject({ weekday: 'Tue', seconds: 7200, hours: 2 });
  });
});

describe('time-tracking compliance: who is judged', () => {
  it('totals worklogs of accounts not in the people list as unmapped, most hours first, and never judges them', () => {
    const result = assess(
      [person('a')],
      [
        { accountId: 'ghost-1', startDate: '2025-11-24', seconds: 2 * H },
        { accountId: 'ghost-2', startDate: '2025-11-25', seconds: 5 * H },
        { accountId: 'ghost-1', startDate: '2025-11-26', seconds: 1 * H },
        { accountId: 'ghost-3', startDate: '2025-12-02', seconds: 9 * H }, // outside the week
      ],
    );
    expect(result.people.map((p) => p.accountId)).toEqual(['a']);
    expect(result.unmapped).toEqual([
      { accountId: 'ghost-2', seconds: 5 * H, worklogs: 1 },
      { accountId: 'ghost-1', seconds: 3 * H, worklogs: 2 },
    ]);
    expect(result.totals.unmappedSeconds).toBe(8 * H);
  });

  it('leaves inactive people out of the verdicts, the teams and the unmapped list', () => {
    const result = assess(
      [person('a'), person('gone', { active: false })],
      [{ accountId: 'gone', startDate: '2025-11-24', seconds: 3 * H }],
    );
    expect(result.people.map((p) => p.accountId)).toEqual(['a']);
    expect(result.teams[0]!.members).toBe(1);
    expect(result.unmapped).toEqual([]);
    expect(result.totals.inactiveSeconds).toBe(3 * H);
  });

  it('counts people per status', () => {
    const result = assess(
      [person('a'), person('b'), person('c'), person('d')],
      [...loggedThisWeek('a', 35 * H), ...loggedThisWeek('b', 20 * H), ...loggedThisWeek('c', 2 * H)],
    );
    expect(result.counts).toEqual({ compliant: 1, partial: 1, non_compliant: 2 });
  });
});

describe('time-tracking compliance: repeat offenders', () => {
  const weeksBack = (n: number) => addDays(week.start, -7 * n);
  const row = (n: number, isCompliant: boolean, accountId = 'a'): ComplianceHistoryRow => ({ accountId, weekStart: weeksBack(n), isCompliant });

  it.each([
    ['no history', [], 1],
    ['last week not compliant', [row(1, false)], 2],
    ['three earlier weeks not compliant', [row(1, false), row(2, false), row(3, false)], 4],
    ['a compliant week two weeks ago', [row(1, false), row(2, true), row(3, false)], 2],
    ['no row two weeks ago', [row(1, false), row(3, false)], 2],
    ['last week compliant', [row(1, true), row(2, false)], 1],
    ['only another person’s history', [row(1, false, 'b'), row(2, false, 'b')], 1],
  ] as const)('counts the streak of a non-compliant person with %s', (_label, history, streak) => {
    const [p] = assess([person('a')], [], [...history]).people;
    expect(p!.streak).toBe(streak);
  });

  it('gives a compliant person no streak, whatever the history', () => {
    const [p] = assess([person('a')], loggedThisWeek('a', 32 * H), [row(1, false), row(2, false)]).people;
    expect(p!.streak).toBe(0);
  });

  it('ignores a history row for the week being judged (a re-run)', () => {
    const [p] = assess([person('a')], [], [{ accountId: 'a', weekStart: week.start, isCompliant: false }, row(1, true)]).people;
    expect(p!.streak).toBe(1);
  });

  it('lists repeat offenders per team, longest streak first, partial people included', () => {
    const team = assess(
      [person('a', { name: 'Ada' }), person('b', { name: 'Bob' }), person('c', { name: 'Cy' })],
      loggedThisWeek('b', 20 * H),
      [row(1, false, 'a'), row(1, false, 'b'), row(2, false, 'b'), row(1, true, 'c')],
    ).teams[0]!;
    expect(team.repeatOffenders.map((p) => [p.name, p.streak])).toEqual([
      ['Bob', 3],
      ['Ada', 2],
    ]);
  });
});

describe('time-tracking compliance: team summary', () => {
  it('gives a team with no active member no percentage rather than NaN', () => {
    const result = assess([person('a', { team: 'platform' }), person('z', { team: 'design', active: false })], [], [], ['platform', 'design']);
    const design = result.teams.find((t) => t.team === 'design')!;
    expect(design).toMatchObject({ members: 0, compliant: 0, percent: null, changePoints: null });
  });

  it('lists partial and non-compliant members furthest below their own bar first', () => {
    const team = assess(
      [person('a', { name: 'Ada' }), person('b', { name: 'Bob' }), person('c', { name: 'Cy' }), person('d', { name: 'Dee' })],
      [...loggedThisWeek('a', 10 * H), ...loggedThisWeek('b', 3 * H), ...loggedThisWeek('c', 20 * H), ...loggedThisWeek('d', 33 * H)],
    ).teams[0]!;
    expect(team.nonCompliant.map((p) => p.name)).toEqual(['Bob', 'Ada']);
    expect(team.partial.map((p) => p.name)).toEqual(['Cy']);
    expect(team).toMatchObject({ members: 4, compliant: 1, percent: 25 });
    const mixed = assess(
      [person('f', { name: 'Full', weeklyHours: 40 }), person('p', { name: 'Part', weeklyHours: 20 })],
      [...loggedThisWeek('f', 15 * H), ...loggedThisWeek('p', 7 * H)], // 15 of 32 (47 %) vs 7 of 16 (44 %)
    ).teams[0]!;
    expect(mixed.nonCompliant.map((p) => p.name)).toEqual(['Part', 'Full']);
  });

  it('keeps teams apart and leaves people without a team out of every team', () => {
    const result = assess([person('a', { team: 'platform' }), person('b', { team: 'design' }), person('c', { team: null })], []);
    expect(result.teams.map((t) => [t.team, t.members])).toEqual([
      ['platform', 1],
      ['design', 1],
    ]);
    expect(result.people).toHaveLength(3);
  });

  it('reports the change from last week in percentage points', () => {
    const lastWeek = addDays(week.start, -7);
    const people = ['a', 'b', 'c', 'd'].map((id) => person(id));
    const history: ComplianceHistoryRow[] = [
      { accountId: 'a', weekStart: lastWeek, isCompliant: true },
      { accountId: 'b', weekStart: lastWeek, isCompliant: true },
      { accountId: 'c', weekStart: lastWeek, isCompliant: false },
      { accountId: 'd', weekStart: lastWeek, isCompliant: false },
      { accountId: 'a', weekStart: addDays(week.start, -14), isCompliant: false }, // older weeks do not count
    ];
    const worklogs = ['a', 'b', 'c'].flatMap((id) => loggedThisWeek(id, 32 * H));
    const team = assess(people, worklogs, history).teams[0]!;
    expect(team).toMatchObject({ percent: 75, previousPercent: 50, changePoints: 25 });
  });

  it('uses the team recorded on last week’s rows when a person has since moved', () => {
    const lastWeek = addDays(week.start, -7);
    const result = assess(
      [person('a', { team: 'platform' }), person('b', { team: 'platform' })],
      loggedThisWeek('a', 32 * H),
      [
        { accountId: 'a', weekStart: lastWeek, isCompliant: true, team: 'platform' },
        { accountId: 'b', weekStart: lastWeek, isCompliant: true, team: 'design' },
      ],
    );
    expect(result.teams[0]).toMatchObject({ team: 'platform', percent: 50, previousPercent: 100, changePoints: -50 });
  });

  it('says nothing about the change when last week has no rows for the team', () => {
    const result = assess([person('a')], [], [{ accountId: 'a', weekStart: addDays(week.start, -14), isCompliant: true }]);
    expect(result.teams[0]).toMatchObject({ previousPercent: null, changePoints: null });
  });
});

describe('time-tracking compliance: every second of the week is accounted for', () => {
  const firstMonday = '2025-10-27'; // the week the clocks go back in Europe and a week before the US change
  const accounts = ['a', 'b', 'c', 'gone', 'ghost-1', 'ghost-2'];
  const people = [person('a'), person('b', { team: 'design' }), person('c', { weeklyHours: 20 }), person('gone', { active: false })];
  const worklogArb = fc.record({
    accountId: fc.constantFrom(...accounts),
    startDate: fc.integer({ min: -3, max: 7 * 6 + 2 }).map((d) => addDays(firstMonday, d)),
    seconds: fc.integer({ min: 60, max: 12 * H }),
  });

  it('splits the week’s worklog seconds between judged, inactive and unmapped people', () => {
    fc.assert(
      fc.property(fc.array(worklogArb, { maxLength: 200 }), fc.integer({ min: 0, max: 5 }), (worklogs, weekIndex) => {
        const w = weekContaining(addDays(firstMonday, 7 * weekIndex));
        const result = assessWeek({ week: w, people, worklogs, thresholds, history: [] });
        const inWeek = worklogs.filter((l) => l.startDate >= w.start && l.startDate <= w.end);
        const expected = inWeek.reduce((n, l) => n + l.seconds, 0);
        const judged = result.people.reduce((n, p) => n + p.seconds, 0);
        const unmapped = result.unmapped.reduce((n, u) => n + u.seconds, 0);
        const inactive = inWeek.filter((l) => l.accountId === 'gone').reduce((n, l) => n + l.seconds, 0);
        expect(judged + unmapped + inactive).toBe(expected);
        expect(result.totals).toMatchObject({ seconds: expected, judgedSeconds: judged, unmappedSeconds: unmapped, inactiveSeconds: inactive });
        for (const p of result.people) expect(p.byDay.reduce((n, d) => n + d.seconds, 0)).toBe(p.seconds);
      }),
    );
  });

  it('counts each worklog in exactly one of consecutive weeks', () => {
    fc.assert(
      fc.property(fc.array(worklogArb, { maxLength: 200 }), (raw) => {
        // Keep the worklogs inside the six weeks assessed below.
        const worklogs = raw.filter((l) => l.startDate >= firstMonday && l.startDate <= addDays(firstMonday, 41));
        let count = 0;
        let seconds = 0;
        for (let i = 0; i < 6; i++) {
          const result = assessWeek({ week: weekContaining(addDays(firstMonday, 7 * i)), people, worklogs, thresholds, history: [] });
          count += result.totals.worklogs;
          seconds += result.totals.seconds;
        }
        expect(count).toBe(worklogs.length);
        expect(seconds).toBe(worklogs.reduce((n, l) => n + l.seconds, 0));
      }),
    );
  });
});

describe('time-tracking compliance: scale', () => {
  it('judges 2,000 people and 60,000 worklogs well under a second', () => {
    const people = Array.from({ length: 2000 }, (_, i) => person(`acc-${i}`, { team: `team-${i % 40}` }));
    const dates = [addDays(week.start, -1), ...week.days, addDays(week.end, 1)];
    const worklogs = Array.from({ length: 60_000 }, (_, i) => ({
      accountId: `acc-${(i * 7919) % 2100}`, // some accounts are unmapped
      startDate: dates[i % 9]!,
      seconds: 3600 + (i % 5) * 900,
    }));
    const earlierWeeks = [1, 2, 3].map((n) => addDays(week.start, -7 * n));
    const history = people.flatMap((p, i) => earlierWeeks.map((weekStart) => ({ accountId: p.accountId, weekStart, isCompliant: i % 3 === 0 })));
    const started = performance.now();
    const result = assessWeek({ week, people, worklogs, thresholds, history });
    const elapsed = performance.now() - started;
    expect(result.people).toHaveLength(2000);
    expect(result.teams).toHaveLength(40);
    expect(elapsed).toBeLessThan(1000); // generous: it takes under 100 ms here
  });
});
