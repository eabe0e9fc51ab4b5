// Specification of the time-tracking Slack messages: the DM a team member reads and the summary a PM acts on.
import { describe, expect, it } from 'vitest';
import {
  boundedList,
  formatChange,
  formatPercent,
  LOG_TIME_ACTION_ID,
  timeTrackingDm,
  timeTrackingPmSummary,
  type SlackMessage,
} from '../../../src/bot/blocks/time-tracking.ts';
import { addDays, weekContaining } from '../../../src/services/calendar.ts';
import {
  assessWeek,
  type ComplianceHistoryRow,
  type CompliancePerson,
  type ComplianceWorklog,
  type PersonWeek,
} from '../../../src/services/compliance.ts';

const week = weekContaining('2025-11-24'); // Mon Nov 24 – Sun Nov 30
const thresholds = { compliant_hours: 32, partial_hours: 16 };
const H = 3600;
const logTimeUrl = 'https://agency.atlassian.net/plugins/servlet/ac/io.tempo.jira/tempo-app';

function person(accountId: string, extra: Partial<CompliancePerson> = {}): CompliancePerson {
  return { accountId, name: `Person ${accountId}`, team: 'platform', weeklyHours: 40, active: true, ...extra };
}

/** Seconds per weekday, Monday first. */
function days(accountId: string, perDay: number[]): ComplianceWorklog[] {
  return perDay.flatMap((seconds, i) => (seconds > 0 ? [{ accountId, startDate: week.days[i]!, seconds }] : []));
}

function judge(people: CompliancePerson[], worklogs: ComplianceWorklog[], history: ComplianceHistoryRow[] = []) {
  return assessWeek({ week, people, worklogs, thresholds, history });
}

function allText(message: SlackMessage): string {
  return JSON.stringify(message.blocks);
}

function sectionTexts(message: SlackMessage): string[] {
  return message.blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));
}

describe('time-tracking DM to a team member', () => {
  const ada = person('ada', { name: 'Ada Lovelace' });

  it('shows 31h 59m exactly, against the 32h bar, with the minute still missing', () => {
    const [p] = judge([ada], days('ada', [8 * H, 8 * H, 8 * H, 8 * H - 60, 0, 0, 0])).people;
    const dm = timeTrackingDm(p!, week, { logTimeUrl });
    for (const out of [dm.text, allText(dm)]) {
      expect(out).toContain('31h 59m');
      expect(out).toContain('32h');
      expect(out).toContain('0h 01m');
      expect(out).toContain('40h');
      expect(out).not.toContain('32.0');
    }
  });

  it('rounds the missing time up, so one second short never reads as nothing missing', () => {
    const [p] = judge([ada], days('ada', [8 * H, 8 * H, 8 * H, 8 * H - 1, 0, 0, 0])).people;
    const dm = timeTrackingDm(p!, week, { logTimeUrl });
    expect(dm.text).toContain('you logged 31h 59m');
    expect(dm.text).toContain('0h 01m short of the 32h bar');
  });

  it('breaks the week down Monday to Sunday and flags the working days with nothing logged', () => {
    const [p] = judge([ada], days('ada', [8 * H, 0, 7.5 * H, 8 * H, 0, 0, 0])).people;
    const dm = timeTrackingDm(p!, week, { logTimeUrl });
    expect(dm.text).toContain('Mon 8h · Tue 0h ⚠ · Wed 7h 30m · Thu 8h · Fri 0h ⚠ · Sat 0h · Sun 0h');
    const breakdown = sectionTexts(dm).find((t) => t.includes('day by day'))!;
    const lines = breakdown.split('\n').slice(1);
    expect(lines).toHaveLength(7);
    expect(lines[0]).toBe('Mon Nov 24  8h');
    expect(lines[1]).toContain('Tue Nov 25');
    expect(lines[1]).toContain('nothing logged');
    expect(lines[2]).toBe('Wed Nov 26  7h 30m');
    expect(lines[4]).toContain('nothing logged');
    expect(lines[5]).toBe('Sat Nov 29  0h');
    expect(lines[6]).toBe('Sun Nov 30  0h');
  });

  it('explains the lower bar of a week with holidays', () => {
    const holidays = ['2025-11-27', '2025-11-28'];
    const [p] = assessWeek({ week, people: [ada], worklogs: days('ada', [5 * H, 5 * H, 5 * H, 0, 0, 0, 0]), thresholds: { compliant_hours: 32, partial_hours: 16 }, history: [], holidays }).people;
    const dm = timeTrackingDm(p!, week, { logTimeUrl, holidays });
    expect(dm.text).toContain('you logged 15h of your 24h week (40h less 2 holidays), 4h 12m short of the 19h 12m bar');
  });

  it('does not flag a public holiday with nothing logged', () => {
    const [p] = judge([ada], days('ada', [8 * H, 8 * H, 8 * H, 0, 8 * H, 0, 0])).people;
    const dm = timeTrackingDm(p!, week, { logTimeUrl, holidays: ['2025-11-27'] });
    expect(dm.text).toContain('Thu 0h · Fri 8h');
    expect(allText(dm)).not.toContain('nothing logged');
  });

  it('tells a part-timer their own bar and contract', () => {
    const [p] = judge([person('pt', { name: 'Pat Part', weeklyHours: 20 })], days('pt', [4 * H, 3 * H + 59 * 60, 0, 0, 0, 0, 0])).people;
    const dm = timeTrackingDm(p!, week, { logTimeUrl });
    expect(dm.text).toContain('you logged 7h 59m of your 20h week, 8h 01m short of the 16h bar');
  });

  it('offers a button that opens Tempo', () => {
    const [p] = judge([ada], []).people;
    const dm = timeTrackingDm(p!, week, { logTimeUrl });
    const actions = dm.blocks.find((b) => b.type === 'actions');
    expect(actions).toMatchObject({
      elements: [{ type: 'button', action_id: LOG_TIME_ACTION_ID, url: logTimeUrl, text: { text: 'Log time in Tempo' } }],
    });
    expect(dm.text).toContain(logTimeUrl);
  });

  it('says how many weeks in a row the person has been under the bar', () => {
    const history = [1, 2].map((n) => ({ accountId: 'ada', weekStart: addDays(week.start, -7 * n), isCompliant: false }));
    const [p] = judge([ada], [], history).people;
    const dm = timeTrackingDm(p!, week, { logTimeUrl });
    expect(allText(dm)).toContain('3 weeks in a row');
    expect(dm.text).toContain('3 weeks in a row');
  });

  it('greets by first name and escapes what Slack would read as markup', () => {
    const [p] = judge([person('x', { name: 'Tom <&> Jerry' })], []).people;
    const dm = timeTrackingDm({ ...p!, name: '<Tom> & Jerry' }, week, { logTimeUrl });
    expect(allText(dm)).toContain('Hi &lt;Tom&gt;,');
  });

  it('thanks a compliant person instead of asking for more', () => {
    const [p] = judge([ada], days('ada', [8 * H, 8 * H, 8 * H, 8 * H, 0, 0, 0])).people;
    const dm = timeTrackingDm(p!, week, { logTimeUrl });
    expect(dm.text).toContain('Thanks');
    expect(dm.text).not.toContain('short');
  });
});

describe('time-tracking summary to a PM', () => {
  const lastWeek = addDays(week.start, -7);

  function platformWeek() {
    const people = [
      person('a', { name: 'Ada Lovelace' }),
      person('b', { name: 'Bob Byte' }),
      person('c', { name: 'Cy Clock' }),
      person('d', { name: 'Dee Duty', weeklyHours: 20 }),
    ];
    const worklogs = [
      ...days('a', [4 * H, 30 * 60, 0, 0, 0, 0, 0]), // 4h 30m: non-compliant
      ...days('b', [8 * H, 8 * H, 8 * H, 8 * H - 60, 0, 0, 0]), // 31h 59m: partial
      ...days('c', [8 * H, 8 * H, 8 * H, 8 * H, 0, 0, 0]), // compliant
      ...days('d', [8 * H, 8 * H, 0, 0, 0, 0, 0]), // compliant part-timer
    ];
    const history: ComplianceHistoryRow[] = [
      { accountId: 'a', weekStart: lastWeek, isCompliant: false },
      { accountId: 'a', weekStart: addDays(week.start, -14), isCompliant: false },
      { accountId: 'b', weekStart: lastWeek, isCompliant: true },
      { accountId: 'c', weekStart: lastWeek, isCompliant: true },
      { accountId: 'd', weekStart: lastWeek, isCompliant: true },
    ];
    return assessWeek({
      week,
      people: [...people, person('e', { name: 'Eve Empty', team: 'design', active: false })],
      worklogs: [...worklogs, { accountId: '712020:ghost', startDate: week.days[1]!, seconds: 12 * H }],
      thresholds,
      history,
      teams: ['platform', 'design'],
    });
  }

  it('gives each team its compliance, its change, and who is short by how much', () => {
    const a = platformWeek();
    const msg = timeTrackingPmSummary({ pmName: 'Grace Hopper', week, teams: a.teams, unreachable: [], unmapped: a.unmapped });
    const platform = sectionTexts(msg).find((t) => t.includes('*platform*'))!;
    expect(platform).toContain('*50%* compliant (2 of 4) · ▼ 25 pts from last week');
    expect(platform).toMatch(/Non-compliant \(1\)\*\n• Ada Lovelace: 4h 30m of 32h/);
    expect(platform).toMatch(/Partial \(1\)\*\n• Bob Byte: 31h 59m of 32h/);
    expect(platform).toMatch(/Repeat offenders \(1\)\*\n• Ada Lovelace: 3 weeks in a row \(4h 30m this week\)/);
    expect(allText(msg)).not.toContain('32.0');
    expect(msg.text).toContain('platform 50% compliant (2 of 4, 1 non-compliant, 1 partial)');
    expect(allText(msg)).toContain('Hi Grace');
  });

  it('says when a team has no active members or no data for last week', () => {
    const a = platformWeek();
    const msg = timeTrackingPmSummary({ pmName: 'Grace', week, teams: a.teams, unreachable: [], unmapped: [] });
    expect(allText(msg)).toContain('*design*: no active members');
    const fresh = judge([person('n', { name: 'New Person' })], days('n', [8 * H, 8 * H, 8 * H, 8 * H, 0, 0, 0]));
    const msg2 = timeTrackingPmSummary({ pmName: 'Grace', week, teams: fresh.teams, unreachable: [], unmapped: [] });
    expect(sectionTexts(msg2)[0]).toContain('*100%* compliant (1 of 1) · no data for last week');
    expect(sectionTexts(msg2)[0]).toContain('Everyone logged enough hours');
  });

  it('names who could not be DMed and why, and the Tempo accounts nobody maps', () => {
    const a = platformWeek();
    const msg = timeTrackingPmSummary({
      pmName: 'Grace',
      week,
      teams: a.teams,
      unreachable: [{ name: 'Bob Byte', reason: 'no Slack user for bob@agency.test' }],
      unmapped: a.unmapped,
    });
    const blocksText = allText(msg);
    expect(blocksText).toContain('Could not DM (1)');
    expect(blocksText).toContain('Bob Byte: no Slack user for bob@agency.test');
    expect(blocksText).toContain('`712020:ghost` 12h (1 worklog)');
    expect(msg.blocks.at(-1)!.type).toBe('context');
    expect(msg.text).toContain('1 could not be DMed');
  });

  it('keeps a 200-person team within Block Kit limits and says how many more', () => {
    const people = Array.from({ length: 200 }, (_, i) => person(`p${i}`, { name: `Member Number ${i}` }));
    const worklogs = people.flatMap((p, i) => days(p.accountId, [(i % 3 === 0 ? 5 : 3) * H, 0, 0, 0, 0, 0, 0]).concat(i % 2 ? days(p.accountId, [0, 14 * H, 0, 0, 0, 0, 0]) : []));
    const history = people.map((p) => ({ accountId: p.accountId, weekStart: lastWeek, isCompliant: false }));
    const a = judge(people, worklogs, history);
    const unreachable = people.slice(0, 40).map((p) => ({ name: p.name, reason: 'users_not_found' }));
    const unmapped = Array.from({ length: 30 }, (_, i) => ({ accountId: `ghost-${i}`, seconds: 3600 * (30 - i), worklogs: 2 }));
    const msg = timeTrackingPmSummary({ pmName: 'Grace', week, teams: a.teams, unreachable, unmapped });
    expectWithinLimits(msg);
    const team = sectionTexts(msg).find((t) => t.includes('*platform*'))!;
    expect(team).toContain('Non-compliant (100)');
    expect(team).toContain('Partial (100)');
    expect(team).toContain('Repeat offenders (200)');
    expect(team).toMatch(/… and \d+ more/);
    expect(allText(msg)).toContain('… and 30 more'); // unreachable beyond the first 10
    expect(allText(msg)).toContain('… and 25 more'); // unmapped beyond the first 5
  });

  it('keeps a PM of 40 large teams within the limits and names the teams that did not fit', () => {
    const people = Array.from({ length: 2000 }, (_, i) => person(`p${i}`, { name: `Member ${i}`, team: `team-${String(i % 40).padStart(2, '0')}` }));
    const a = judge(people, people.flatMap((p, i) => days(p.accountId, [(i % 40) * H, 0, 0, 0, 0, 0, 0])));
    const msg = timeTrackingPmSummary({ pmName: 'Grace', week, teams: a.teams, unreachable: [], unmapped: a.unmapped });
    expectWithinLimits(msg);
    expect(allText(msg)).toContain('More teams');
    expect(allText(msg)).toMatch(/… and \d+ more/);
    expect(msg.text).toContain('and 30 more teams');
  });
});

function expectWithinLimits(msg: SlackMessage): void {
  expect(msg.blocks.length).toBeLessThanOrEqual(50);
  let total = 0;
  for (const b of msg.blocks) {
    if (b.type === 'section') {
      expect(b.text!.text.length).toBeLessThanOrEqual(3000);
      expect(b.fields?.length ?? 0).toBeLessThanOrEqual(10);
      total += b.text!.text.length;
    }
    if (b.type === 'context') {
      expect(b.elements.length).toBeLessThanOrEqual(10);
      for (const e of b.elements) if ('text' in e && typeof e.text === 'string') total += e.text.length;
    }
    if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(150);
  }
  expect(total).toBeLessThanOrEqual(12_000); // Slack's undocumented msg_blocks_too_long starts near 13k
  expect(msg.text.length).toBeLessThan(4000);
}

describe('time-tracking message wording', () => {
  it.each([
    [5, '▲ 5 pts from last week'],
    [-1, '▼ 1 pt from last week'],
    [16.67, '▲ 17 pts from last week'],
    [0.2, '▲ <1 pt from last week'],
    [0, 'same as last week'],
    [null, 'no data for last week'],
  ] as const)('shows a change of %s points as "%s"', (points, shown) => {
    expect(formatChange(points)).toBe(shown);
  });

  it.each([
    [100, '100%'],
    [99.6, '99%'],
    [0, '0%'],
    [0.3, '1%'],
    [66.67, '67%'],
  ] as const)('never rounds %s%% to a misleading whole', (percent, shown) => {
    expect(formatPercent(percent)).toBe(shown);
  });

  it('ends a long list with how many were left out', () => {
    const lines = Array.from({ length: 12 }, (_, i) => `• person ${i}`);
    expect(boundedList(lines, 3, 1000)).toBe('• person 0\n• person 1\n• person 2\n… and 9 more');
    const byChars = boundedList(lines, 100, 40);
    expect(byChars.length).toBeLessThanOrEqual(40);
    expect(byChars).toMatch(/… and \d+ more$/);
    expect(boundedList(lines.slice(0, 2), 5, 1000)).toBe('• person 0\n• person 1');
  });
});
