// Slack messages of the time-tracking compliance agent: the DM a team member gets when their week is short, and the
// one summary each PM gets for all the teams they lead. Pure builders: data in, Block Kit out.
import type { types } from '@slack/bolt';
import { formatHours, formatShortDate, isWorkingDay, type Week } from '../../services/calendar.ts';
import { FULL_TIME_WEEKLY_HOURS, type PersonWeek, type TeamWeek, type WeekAssessment } from '../../services/compliance.ts';
import { ACTIONS } from '../ids.ts';

type KnownBlock = types.KnownBlock;

/** The "Log time in Tempo" link button. Slack still posts a block_actions payload for it, which must be acked. */
export const LOG_TIME_ACTION_ID = ACTIONS.logTimeLink;

// Block Kit limits (API-NOTES §4) and the budgets we keep under them.
const MAX_BLOCKS = 50;
const MAX_SECTION_TEXT = 3000;
/** Slack refuses messages whose blocks add up to roughly 13k characters (msg_blocks_too_long): stay well below. */
const MAX_TOTAL_BLOCK_TEXT = 11_000;

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** Escape the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** "Mon Nov 24 – Sun Nov 30" */
export function weekRange(week: Week): string {
  return `${formatShortDate(week.start)} – ${formatShortDate(week.end)}`;
}

/** Hours still to log, rounded up to the minute: one second short is "0h 01m" missing, never "0h". */
function formatMissing(seconds: number): string {
  return formatHours(Math.ceil(seconds / 60) / 60);
}

/** A percentage that never claims 100 % (or 0 %) unless it is exactly that. */
export function formatPercent(percent: number): string {
  let shown = Math.round(percent);
  if (shown === 100 && percent < 100) shown = 99;
  if (shown === 0 && percent > 0) shown = 1;
  return `${shown}%`;
}

/** "▲ 5 pts", "▼ 1 pt", "same as", or "no data for last week". */
export function formatChange(points: number | null): string {
  if (points === null) return 'no data for last week';
  if (Math.abs(points) < 1e-9) return 'same as last week';
  const arrow = points > 0 ? '▲' : '▼';
  const size = Math.round(Math.abs(points));
  if (size === 0) return `${arrow} <1 pt from last week`;
  return `${arrow} ${size} ${size === 1 ? 'pt' : 'pts'} from last week`;
}

/**
 * Lines joined by newlines, at most `maxItems` of them and at most `maxChars` characters in all; whatever does not fit
 * is counted in a final "… and N more".
 */
export function boundedList(lines: readonly string[], maxItems: number, maxChars: number): string {
  const shown: string[] = [];
  let length = 0;
  for (const [i, line] of lines.entries()) {
    const rest = lines.length - i - 1;
    const tail = rest > 0 ? `\n… and ${rest} more`.length : 0;
    const cost = (shown.length > 0 ? 1 : 0) + line.length;
    if (shown.length >= maxItems || length + cost + tail > maxChars) break;
    shown.push(line);
    length += cost;
  }
  const more = lines.length - shown.length;
  return more > 0 ? [...shown, `… and ${more} more`].join('\n') : shown.join('\n');
}

function section(text: string): types.SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: text.slice(0, MAX_SECTION_TEXT) } };
}

function context(text: string): types.ContextBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: text.slice(0, MAX_SECTION_TEXT) }] };
}

function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? name;
}

function contract(p: PersonWeek): string {
  return p.weeklyHours === FULL_TIME_WEEKLY_HOURS ? '' : ` (${formatHours(p.weeklyHours)}/wk)`;
}

// ---------------------------------------------------------------------------------------------------------------
// The DM to a team member
// ---------------------------------------------------------------------------------------------------------------

export interface TimeTrackingDmOptions {
  /** Where the person logs time (Tempo's page on the Jira site, or the org's own URL). */
  logTimeUrl: string;
  /** Public holidays: a weekday holiday with nothing logged is not flagged. */
  holidays?: readonly string[];
}

/** Short, specific: hours against their bar, what is missing, and which days are empty. */
export function timeTrackingDm(p: PersonWeek, week: Week, options: TimeTrackingDmOptions): SlackMessage {
  const holidays = new Set(options.holidays ?? []);
  const range = weekRange(week);
  const logged = formatHours(p.hours);
  const bar = formatHours(p.compliantHours);
  const holidaysInWeek = week.days.slice(0, 5).filter((d) => holidays.has(d)).length;
  // "your 40h week" — or, in a week with holidays, "your 24h week (40h less 2 holidays)".
  const expected =
    holidaysInWeek > 0
      ? `${formatHours(p.expectedHours)} week (${formatHours(p.weeklyHours)} less ${holidaysInWeek} holiday${holidaysInWeek > 1 ? 's' : ''})`
      : `${formatHours(p.expectedHours)} week`;
  const missing = formatMissing(p.missingSeconds);
  const emptyWorkday = (d: PersonWeek['byDay'][number]) => d.seconds === 0 && isWorkingDay(d.date, holidays);

  const headline =
    p.status === 'compliant'
      ? `:white_check_mark: Hi ${escapeMrkdwn(firstName(p.name))}, you logged *${logged}* in Tempo for *${range}*. Thanks, that meets the ${bar} bar for your ${expected}.`
      : `:hourglass_flowing_sand: Hi ${escapeMrkdwn(firstName(p.name))}, you logged *${logged}* in Tempo for *${range}*. ` +
        `Your ${expected} needs at least *${bar}*: please log the *${missing}* still missing.`;

  const dayLines = p.byDay.map((d) => {
    const hours = formatHours(d.hours);
    return emptyWorkday(d) ? `${formatShortDate(d.date)}  *${hours}*  :warning: nothing logged` : `${formatShortDate(d.date)}  ${hours}`;
  });
  const compactDays = p.byDay.map((d) => `${d.weekday} ${formatHours(d.hours)}${emptyWorkday(d) ? ' ⚠' : ''}`).join(' · ');
  const streakLine = p.streak >= 2 ? `This makes ${p.streak} weeks in a row under the bar.` : '';

  const blocks: KnownBlock[] = [section(headline), section(`*Your week, day by day*\n${dayLines.join('\n')}`)];
  if (streakLine) blocks.push(context(`:repeat: ${streakLine}`));
  blocks.push({
    type: 'actions',
    elements: [
      {
        type: 'button',
        action_id: LOG_TIME_ACTION_ID,
        text: { type: 'plain_text', text: 'Log time in Tempo', emoji: true },
        url: options.logTimeUrl,
        ...(p.status === 'compliant' ? {} : { style: 'primary' as const }),
      },
    ],
  });

  const text =
    p.status === 'compliant'
      ? `Tempo, ${range}: you logged ${logged} of your ${expected} (bar ${bar}). Thanks! ${compactDays}`
      : `Tempo, ${range}: you logged ${logged} of your ${expected}, ${missing} short of the ${bar} bar. ` +
        `${compactDays}. ${streakLine ? `${streakLine} ` : ''}Log time: ${options.logTimeUrl}`;
  return { text, blocks };
}

// ---------------------------------------------------------------------------------------------------------------
// The summary to a PM
// ---------------------------------------------------------------------------------------------------------------

export interface TimeTrackingPmSummaryInput {
  pmName: string;
  week: Week;
  /** Every team this PM leads. */
  teams: readonly TeamWeek[];
  /** People who should have had a DM and could not be reached, with why. */
  unreachable: readonly { name: string; reason: string }[];
  unmapped: WeekAssessment['unmapped'];
}

/** How many people each list shows before "… and N more": fewer when the PM leads many teams. */
function itemsPerList(teamCount: number): number {
  if (teamCount <= 1) return 15;
  if (teamCount <= 3) return 8;
  if (teamCount <= 6) return 5;
  return 3;
}

function teamHeadline(t: TeamWeek): string {
  const name = `*${escapeMrkdwn(t.team)}*`;
  if (t.percent === null) return `${name}: no active members`;
  return `${name}: *${formatPercent(t.percent)}* compliant (${t.compliant} of ${t.members}) · ${formatChange(t.changePoints)}`;
}

function teamSection(t: TeamWeek, maxItems: number, maxChars: number): string {
  const headline = teamHeadline(t);
  if (t.percent === null) return headline;
  if (t.partial.length === 0 && t.nonCompliant.length === 0) return `${headline}\nEveryone logged enough hours. :tada:`;
  const hoursLine = (p: PersonWeek) => `• ${escapeMrkdwn(p.name)}: ${formatHours(p.hours)} of ${formatHours(p.compliantHours)}${contract(p)}`;
  const lists: [string, string[]][] = [
    [`:red_circle: *Non-compliant (${t.nonCompliant.length})*`, t.nonCompliant.map(hoursLine)],
    [`:large_yellow_circle: *Partial (${t.partial.length})*`, t.partial.map(hoursLine)],
    [
      `:repeat: *Repeat offenders (${t.repeatOffenders.length})*`,
      t.repeatOffenders.map((p) => `• ${escapeMrkdwn(p.name)}: ${p.streak} weeks in a row (${formatHours(p.hours)} this week)`),
    ],
  ];
  const present = lists.filter(([, lines]) => lines.length > 0);
  const perList = Math.floor((maxChars - headline.length) / present.length) - 60;
  return [headline, ...present.map(([title, lines]) => `${title}\n${boundedList(lines, maxItems, Math.max(perList, 20))}`)].join('\n');
}

/** One message per PM covering every team they lead, within Block Kit's limits however large the teams are. */
export function timeTrackingPmSummary(input: TimeTrackingPmSummaryInput): SlackMessage {
  const range = weekRange(input.week);
  const head: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: `Time tracking: ${range}`.slice(0, 150), emoji: true } },
    context(
      `Hi ${escapeMrkdwn(firstName(input.pmName))}, here is last week in Tempo for ${input.teams.length === 1 ? 'your team' : input.teams.length === 0 ? 'your teams' : `your ${input.teams.length} teams`}. ` +
        'Hours are shown against each person’s compliance bar.',
    ),
  ];
  const tail: KnownBlock[] = [];
  if (input.unreachable.length > 0) {
    const lines = input.unreachable.map((u) => `• ${escapeMrkdwn(u.name)}: ${escapeMrkdwn(u.reason)}`);
    tail.push(section(`:no_entry: *Could not DM (${input.unreachable.length})*, please tell them yourself:\n${boundedList(lines, 10, 1500)}`));
  }
  if (input.unmapped.length > 0) {
    const lines = input.unmapped.map(
      (u) => `\`${escapeMrkdwn(u.accountId)}\` ${formatHours(u.seconds / 3600)} (${u.worklogs} worklog${u.worklogs === 1 ? '' : 's'})`,
    );
    tail.push(
      context(
        `Tempo accounts not in pm-agents.yaml, not judged (add them to \`people\` to track them):\n${boundedList(lines, 5, 800)}`,
      ),
    );
  }

  // Teams fill what the header and the footer leave, in blocks and in characters; the rest are named in one line.
  const used = [...head, ...tail].reduce((n, b) => n + blockTextLength(b), 0);
  let charsLeft = MAX_TOTAL_BLOCK_TEXT - used - 600; // 600: room for the "more teams" line
  const teamSlots = Math.floor((MAX_BLOCKS - head.length - tail.length - 1) / 2);
  const perTeamChars = Math.min(MAX_SECTION_TEXT, Math.floor(charsLeft / Math.max(1, Math.min(input.teams.length, teamSlots))));
  const maxItems = itemsPerList(input.teams.length);
  const body: KnownBlock[] = [];
  let shownTeams = 0;
  for (const t of input.teams) {
    if (shownTeams >= teamSlots) break;
    const text = teamSection(t, maxItems, perTeamChars);
    if (text.length > charsLeft) break;
    body.push(section(text), { type: 'divider' });
    charsLeft -= text.length;
    shownTeams += 1;
  }
  const hidden = input.teams.slice(shownTeams);
  if (hidden.length > 0) {
    body.push(section(`*More teams*\n${boundedList(hidden.map(teamHeadline), 20, 550)}`));
  }

  return { text: summaryText(input, range), blocks: [...head, ...body, ...tail] };
}

function summaryText(input: TimeTrackingPmSummaryInput, range: string): string {
  const teams = input.teams.map((t) =>
    t.percent === null
      ? `${t.team}: no active members`
      : `${t.team} ${formatPercent(t.percent)} compliant (${t.compliant} of ${t.members}, ${t.nonCompliant.length} non-compliant, ${t.partial.length} partial)`,
  );
  const shown = teams.slice(0, 10).join('; ');
  const more = teams.length > 10 ? `; and ${teams.length - 10} more teams` : '';
  const unreachable = input.unreachable.length > 0 ? ` ${input.unreachable.length} could not be DMed.` : '';
  return `Time tracking, ${range}: ${shown}${more}.${unreachable}`;
}

/** Characters of text a block carries, for the aggregate budget. */
function blockTextLength(block: KnownBlock): number {
  if (block.type === 'section') return block.text?.text.length ?? 0;
  if (block.type === 'header') return block.text.text.length;
  if (block.type === 'context') return block.elements.reduce((n, e) => n + ('text' in e && typeof e.text === 'string' ? e.text.length : 0), 0);
  return 0;
}
