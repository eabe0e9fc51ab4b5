// Block Kit for the retainer budget monitor: the threshold alert for one project, the daily summary of every retainer
// (summarised past a screenful, the full list goes out as a CSV file), and that CSV. Pure: assessments in, messages out.
import type { KnownBlock } from '@slack/types';
import { DateTime } from 'luxon';
import {
  forecastSentence,
  formatMonth,
  sortByRisk,
  type RetainerAlertLevel,
  type RetainerAssessment,
  type RetainerRisk,
} from '../../services/budget.ts';
import { formatHours, formatShortDate } from '../../services/calendar.ts';

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** Rows shown in the summary before "… and N more": 40 rows stay well inside Slack's ~13k characters of blocks. */
export const SUMMARY_MAX_ROWS = 40;
const ROWS_PER_SECTION = 10;
const SECTION_TEXT_LIMIT = 3000;
const HEADER_TEXT_LIMIT = 150;
const NAME_LIMIT = 60;

const RISK_EMOJI: Record<RetainerRisk, string> = {
  exceeded: ':red_circle:',
  critical: ':large_orange_circle:',
  warning: ':large_yellow_circle:',
  on_track: ':large_green_circle:',
};
const RISK_LABEL: Record<RetainerRisk, string> = { exceeded: 'exceeded', critical: 'critical', warning: 'warning', on_track: 'on track' };
const LEVEL_TITLE: Record<RetainerAlertLevel, string> = { warning: 'Early warning', critical: 'Critical', exceeded: 'Exceeded' };

/** Slack mrkdwn treats &, < and > as control characters. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Rounded down, so 89.99 % never reads as the 90 % that was not alerted. */
function percentLabel(percent: number): string {
  return `${Math.floor(percent + 1e-9)} %`;
}

function projectLabel(a: RetainerAssessment): string {
  return `${a.key} · ${truncate(a.name, NAME_LIMIT)}`;
}

/** "6h 15m over" or "22h remaining" (or "fully used" at exactly 100 %). */
function balance(a: RetainerAssessment): string {
  if (a.remainingHours < 0) return `${formatHours(-a.remainingHours)} over`;
  if (a.remainingHours === 0) return 'fully used, nothing left';
  return `${formatHours(a.remainingHours)} remaining`;
}

function asOfLabel(a: RetainerAssessment): string {
  return DateTime.fromISO(a.asOf, { setZone: true }).toFormat('ccc LLL d, HH:mm');
}

function runsOutLabel(a: RetainerAssessment): string {
  if (a.exhaustionDate === null) return a.projectedMonthEndHours === null ? 'no pace yet' : 'not this month';
  return `${a.risk === 'exceeded' ? 'ran out' : 'runs out'} ${formatShortDate(a.exhaustionDate)}`;
}

function monthEndLabel(a: RetainerAssessment): string {
  if (a.projectedMonthEndHours === null) return 'no pace yet';
  return `≈ ${Math.round(a.projectedMonthEndHours)}h (${Math.round((a.projectedMonthEndHours * 100) / a.monthlyHours)} %)`;
}

/**
 * The alert sent when `threshold` is crossed: 75 % reads as an early warning, 90 % as critical with the hours left,
 * 100 % as exceeded with the hours over. Always the forecast sentence, consumed / limit and the as-of moment.
 */
export function retainerAlert(a: RetainerAssessment, threshold: number, level: RetainerAlertLevel): SlackMessage {
  const used = `${formatHours(a.consumedHours)} of ${formatHours(a.monthlyHours)} used (${percentLabel(a.percent)})`;
  const headline = {
    warning: `Early warning: ${percentLabel(a.percent)} of the retainer used, ${balance(a)}`,
    critical: `Critical: ${balance(a)} (${percentLabel(a.percent)} used)`,
    exceeded: `Exceeded: ${balance(a)} (${percentLabel(a.percent)} used)`,
  }[level];
  const forecast = forecastSentence(a);

  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: truncate(`${LEVEL_TITLE[level]} · ${projectLabel(a)}`, HEADER_TEXT_LIMIT), emoji: true },
    },
    { type: 'section', text: { type: 'mrkdwn', text: `${RISK_EMOJI[level]} *${escape(headline)}*\n${escape(forecast)}` } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Consumed*\n${formatHours(a.consumedHours)} / ${formatHours(a.monthlyHours)}` },
        { type: 'mrkdwn', text: `*Used*\n${percentLabel(a.percent)}` },
        { type: 'mrkdwn', text: `*${a.remainingHours < 0 ? 'Over by' : 'Remaining'}*\n${formatHours(Math.abs(a.remainingHours))}` },
        { type: 'mrkdwn', text: `*Month end (forecast)*\n${monthEndLabel(a)}` },
        { type: 'mrkdwn', text: `*Working days left*\n${a.workingDaysRemaining} of ${a.workingDaysInMonth}` },
        {
          type: 'mrkdwn',
          text: `*${a.risk === 'exceeded' ? 'Ran out' : 'Runs out'}*\n${a.exhaustionDate === null ? runsOutLabel(a) : formatShortDate(a.exhaustionDate)}`,
        },
      ],
    },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text:
            `${formatMonth(a.month)} · as of ${asOfLabel(a)} · alert at ${threshold} %, sent once this month`,
        },
      ],
    },
  ];
  const text = `${LEVEL_TITLE[level]}: ${projectLabel(a)}, ${used}, ${balance(a)}. ${forecast}`;
  return { text: escape(text), blocks };
}

function summaryRow(a: RetainerAssessment): string {
  return (
    `${RISK_EMOJI[a.risk]} *${escape(a.key)}* ${escape(truncate(a.name, NAME_LIMIT))} — ` +
    `${formatHours(a.consumedHours)} / ${formatHours(a.monthlyHours)} (${percentLabel(a.percent)}) · ` +
    `month end ${monthEndLabel(a)} · ${runsOutLabel(a)}`
  );
}

function countsByRisk(list: readonly RetainerAssessment[]): string {
  const order: RetainerRisk[] = ['exceeded', 'critical', 'warning', 'on_track'];
  return order
    .map((risk) => [risk, list.filter((a) => a.risk === risk).length] as const)
    .filter(([, n]) => n > 0)
    .map(([risk, n]) => `${n} ${RISK_LABEL[risk]}`)
    .join(', ');
}

/** Consecutive rows in sections of at most ten rows and 3000 characters. */
function rowSections(rows: string[]): KnownBlock[] {
  const sections: KnownBlock[] = [];
  let current: string[] = [];
  const flush = (): void => {
    if (current.length > 0) sections.push({ type: 'section', text: { type: 'mrkdwn', text: current.join('\n') } });
    current = [];
  };
  for (const row of rows) {
    const length = current.reduce((n, r) => n + r.length + 1, row.length);
    if (current.length === ROWS_PER_SECTION || length > SECTION_TEXT_LIMIT) flush();
    current.push(row);
  }
  flush();
  return sections;
}

/**
 * Every retainer in one message, most urgent first (see `sortByRisk`): consumed / limit, %, forecast month end and
 * the run-out date. Past {@link SUMMARY_MAX_ROWS} rows it ends with "… and N more"; the caller attaches
 * {@link retainerSummaryCsv} as a file then (`hiddenCount` says how many rows were left out).
 */
export function retainerDailySummary(list: readonly RetainerAssessment[], asOfLabel: string): SlackMessage & { hiddenCount: number } {
  const sorted = sortByRisk(list);
  const shown = sorted.slice(0, SUMMARY_MAX_ROWS);
  const hidden = sorted.slice(SUMMARY_MAX_ROWS);
  const month = sorted[0] ? formatMonth(sorted[0].month) : '';
  const counts = countsByRisk(sorted);

  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(`Retainer budgets · ${asOfLabel}`, HEADER_TEXT_LIMIT), emoji: true } },
  ];
  if (sorted.length === 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: 'No retainer projects to report.' } });
    return { text: `Retainer budgets as of ${escape(asOfLabel)}: no retainer projects.`, blocks, hiddenCount: 0 };
  }
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `${month} · ${sorted.length} retainer${sorted.length === 1 ? '' : 's'}: ${counts}` }],
  });
  blocks.push(...rowSections(shown.map(summaryRow)));
  if (hidden.length > 0) {
    blocks.push({
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: `… and ${hidden.length} more (${countsByRisk(hidden)}): the full list is in the attached file.` },
      ],
    });
  }
  return { text: `Retainer budgets as of ${escape(asOfLabel)}: ${counts}.`, blocks, hiddenCount: hidden.length };
}

const CSV_COLUMNS = [
  'key',
  'name',
  'risk',
  'month',
  'as_of_date',
  'monthly_hours',
  'consumed_hours',
  'percent',
  'remaining_hours',
  'working_days_elapsed',
  'working_days_in_month',
  'burn_rate_per_working_day',
  'projected_month_end_hours',
  'exhaustion_date',
] as const;

/** RFC 4180 quoting; text that a spreadsheet would run as a formula (=, +, -, @) is prefixed with an apostrophe. */
function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(Math.round(value * 100) / 100);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Every retainer, most urgent first, as CSV (hours and percentages to two decimals, CRLF line ends). */
export function retainerSummaryCsv(list: readonly RetainerAssessment[]): string {
  const rows = sortByRisk(list).map((a) =>
    [
      a.key,
      a.name,
      a.risk,
      a.month,
      a.asOfDate,
      a.monthlyHours,
      a.consumedHours,
      a.percent,
      a.remainingHours,
      a.workingDaysElapsed,
      a.workingDaysInMonth,
      a.burnRatePerWorkingDay,
      a.projectedMonthEndHours,
      a.exhaustionDate,
    ]
      .map(csvCell)
      .join(','),
  );
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}
