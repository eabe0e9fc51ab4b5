import { describe, expect, it } from 'vitest';
import { retainerAlert, retainerDailySummary, retainerSummaryCsv, SUMMARY_MAX_ROWS } from '../../../src/bot/blocks/retainer-budget.ts';
import { assessRetainer, type RetainerAssessment, type RetainerInput } from '../../../src/services/budget.ts';
import { workingDaysBetween } from '../../../src/services/calendar.ts';
import { blockTextCharacters, checkMessageBlocks } from '../../../src/sandbox/servers/block-kit-limits.ts';

const THU_NOV_20_1300 = '2025-11-20T18:00:00Z'; // 13:00 in New York: Nov 3 … 19 elapsed (13 working days)

function assess(project: RetainerInput, hoursPerWorkingDay: number, asOf = THU_NOV_20_1300): RetainerAssessment {
  const dailyHours = new Map(workingDaysBetween('2025-11-01', asOf.slice(0, 10)).map((d) => [d, hoursPerWorkingDay]));
  return assessRetainer({ project, asOf: new Date(asOf), zone: 'America/New_York', dailyHours, holidays: [] });
}

const SUBS = { key: 'SUBS', name: 'Subscriptions', monthlyHours: 120 };

/** Every piece of text a person can read in the blocks, joined. */
function visibleText(blocks: unknown): string {
  const parts: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) k === 'text' && typeof x === 'string' ? parts.push(x) : walk(x);
  };
  walk(blocks);
  return parts.join('\n');
}

describe('retainer threshold alert', () => {
  it('gives an early warning at 75 % with consumed / limit and the forecast', () => {
    const a = assess(SUBS, 6.5); // 91 h, 75.8 %
    const { text, blocks } = retainerAlert(a, 75, 'warning');
    expect(text).toContain('Early warning: SUBS · Subscriptions, 91h of 120h used (75 %), 29h remaining.');
    expect(text).toContain('At 7 h per working day, the 120 h retainer runs out on Wed Nov 26, 2 working days before month end.');
    const shown = visibleText(blocks);
    expect(shown).toContain('Early warning · SUBS · Subscriptions');
    expect(shown).toContain('91h / 120h');
    expect(shown).toContain('*Runs out*\nWed Nov 26');
    expect(shown).toContain('*Working days left*\n7 of 20');
    expect(shown).toContain('November 2025 · as of Thu Nov 20, 13:00 · alert at 75 %, sent once this month');
    expect(checkMessageBlocks(blocks)).toEqual({ ok: true });
  });

  it('says how many hours remain when critical at 90 %', () => {
    const a = assess(SUBS, 8); // 14 working days logged, Nov 3 … 20 → 112 h
    const { text, blocks } = retainerAlert(a, 90, 'critical');
    expect(text).toContain('Critical: SUBS · Subscriptions, 112h of 120h used (93 %), 8h remaining.');
    expect(visibleText(blocks)).toContain('*Critical: 8h remaining (93 % used)*');
  });

  it('says how many hours over when exceeded', () => {
    const a = assess(SUBS, 10); // 14 working days to Nov 20 → 140 h
    const { text, blocks } = retainerAlert(a, 100, 'exceeded');
    expect(text).toContain('Exceeded: SUBS · Subscriptions, 140h of 120h used (116 %), 20h over.');
    expect(text).toContain('The 120 h retainer ran out on Tue Nov 18;');
    const shown = visibleText(blocks);
    expect(shown).toContain('*Exceeded: 20h over (116 % used)*');
    expect(shown).toContain('*Over by*\n20h');
    expect(shown).toContain('*Ran out*\nTue Nov 18');
  });

  it('escapes project names for Slack and keeps a long name inside the header limit', () => {
    const a = assess({ key: 'ACME', name: `Acme & <Co> ${'x'.repeat(300)}`, monthlyHours: 40 }, 4);
    const { text, blocks } = retainerAlert(a, 100, 'exceeded');
    expect(text).toContain('Acme &amp; &lt;Co&gt;');
    expect(checkMessageBlocks(blocks)).toEqual({ ok: true });
  });

  it('says there is no pace yet on the first working day', () => {
    const a = assess(SUBS, 2, '2025-11-03T14:00:00Z');
    expect(visibleText(retainerAlert(a, 75, 'warning').blocks)).toContain('No working day of November 2025 has ended yet');
  });
});

describe('retainer daily summary', () => {
  it('lists every retainer, most urgent first, with consumed / limit, %, month end and run-out date', () => {
    const list = [
      assess({ key: 'CALM', name: 'Calm', monthlyHours: 200 }, 4),
      assess({ key: 'OVER', name: 'Overrun', monthlyHours: 100 }, 9),
      assess(SUBS, 6.5),
    ];
    const { text, blocks, hiddenCount } = retainerDailySummary(list, 'Thu Nov 20, 13:00');
    expect(text).toBe('Retainer budgets as of Thu Nov 20, 13:00: 1 exceeded, 1 warning, 1 on track.');
    expect(hiddenCount).toBe(0);
    const shown = visibleText(blocks);
    const lines = shown.split('\n').filter((l) => l.includes(' — '));
    expect(lines).toEqual([
      ':red_circle: *OVER* Overrun — 126h / 100h (126 %) · month end ≈ 194h (194 %) · ran out Tue Nov 18',
      ':large_yellow_circle: *SUBS* Subscriptions — 91h / 120h (75 %) · month end ≈ 140h (117 %) · runs out Wed Nov 26',
      ':large_green_circle: *CALM* Calm — 56h / 200h (28 %) · month end ≈ 86h (43 %) · not this month',
    ]);
    expect(shown).toContain('November 2025 · 3 retainers: 1 exceeded, 1 warning, 1 on track');
    expect(checkMessageBlocks(blocks)).toEqual({ ok: true });
  });

  it('summarises 300 retainers within Block Kit limits and says how many more are in the file', () => {
    const list = Array.from({ length: 300 }, (_, i) =>
      assess({ key: `P${String(i).padStart(3, '0')}`, name: `Client project with a fairly long name number ${i}`, monthlyHours: 40 + i }, 2 + (i % 7)),
    );
    const { blocks, hiddenCount } = retainerDailySummary(list, 'Thu Nov 20, 13:00');
    expect(checkMessageBlocks(blocks)).toEqual({ ok: true });
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(blockTextCharacters(blocks)).toBeLessThan(13_000);
    for (const b of blocks) if (b.type === 'section' && b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
    expect(hiddenCount).toBe(300 - SUMMARY_MAX_ROWS);
    expect(visibleText(blocks)).toMatch(new RegExp(`… and ${300 - SUMMARY_MAX_ROWS} more \\(.*\\): the full list is in the attached file\\.`));
    expect(visibleText(blocks).split('\n').filter((l) => l.includes(' — '))).toHaveLength(SUMMARY_MAX_ROWS);
  });

  it('says so when there is no retainer project', () => {
    const { text, blocks } = retainerDailySummary([], 'Thu Nov 20, 09:00');
    expect(text).toBe('Retainer budgets as of Thu Nov 20, 09:00: no retainer projects.');
    expect(checkMessageBlocks(blocks)).toEqual({ ok: true });
  });
});

describe('retainer summary CSV', () => {
  it('has a header and one row per retainer, most urgent first', () => {
    const csv = retainerSummaryCsv([assess({ key: 'CALM', name: 'Calm, "quiet" one', monthlyHours: 200 }, 4), assess(SUBS, 6.5)]);
    expect(csv.split('\r\n')).toEqual([
      'key,name,risk,month,as_of_date,monthly_hours,consumed_hours,percent,remaining_hours,working_days_elapsed,working_days_in_month,burn_rate_per_working_day,projected_month_end_hours,exhaustion_date',
      'SUBS,Subscriptions,warning,2025-11,2025-11-20,120,91,75.83,29,13,20,7,140,2025-11-26',
      'CALM,"Calm, ""quiet"" one",on_track,2025-11,2025-11-20,200,56,28,144,13,20,4.31,86.15,',
      '',
    ]);
  });

  it('keeps a spreadsheet from running a name as a formula', () => {
    const csv = retainerSummaryCsv([assess({ key: 'EVIL', name: '=HYPERLINK("x")', monthlyHours: 10 }, 0)]);
    expect(csv.split('\r\n')[1]).toMatch(/^EVIL,"'=HYPERLINK\(""x""\)",/);
  });

  it('has the same 300 rows the summary leaves out and more', () => {
    const list = Array.from({ length: 300 }, (_, i) => assess({ key: `P${i}`, name: `Project ${i}`, monthlyHours: 100 }, i % 9));
    expect(retainerSummaryCsv(list).trimEnd().split('\r\n')).toHaveLength(301);
  });
});
