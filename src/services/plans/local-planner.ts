// The planner that needs no LLM: it recognises five common requests (a project launch, a follow-up with a person, an
// idea turned into a project, onboarding a new team member, a sprint kickoff), reads who, which project and when from
// the request and its context, and builds the plan from a template. Anything else gets a clear "I need an LLM".
import * as chrono from 'chrono-node';
import { DateTime } from 'luxon';
import type { Person, Project } from '../../config.ts';
import { addDays, formatShortDate, isWorkingDay, localDate, type IsoDate } from '../calendar.ts';
import { REMINDER_HOUR, workingDaysAfter } from './actions/slack-schedule-reminder.ts';
import { formatProblem, type PlanningContext, type PlanningOutcome, type PlanStep } from './plan.ts';
import { validatePlan } from './validate.ts';

export const LOCAL_PLANNER_LABEL = 'local planner (no LLM)';

export type RequestKind = 'project-launch' | 'follow-up' | 'idea-to-project' | 'onboarding' | 'sprint-kickoff';

/** What the local planner can do, with an example each: shown when a request is not one of them. */
export const LOCAL_PLANNER_CAN: { kind: RequestKind; what: string; example: string }[] = [
  { kind: 'project-launch', what: 'a project launch', example: 'plan the SUBS launch on Dec 12' },
  { kind: 'follow-up', what: 'a follow-up with a person', example: 'follow up with Ada about the invoice next Friday' },
  { kind: 'idea-to-project', what: 'turning an idea into a project', example: 'turn the idea of a loyalty program into a project' },
  { kind: 'onboarding', what: 'onboarding a new team member', example: 'onboard Alan Turing to SUBS next Monday' },
  { kind: 'sprint-kickoff', what: 'a sprint kickoff', example: 'kick off sprint 14 on Monday' },
];

/** Words that give a request away; the kind whose words come first in the request wins. */
const TRIGGERS: [RequestKind, RegExp][] = [
  ['onboarding', /\bonboard(?:ing)?\b|\bnew (?:team member|hire|joiner|starter|colleague|developer|designer|engineer)\b|\bwelcome\b.*\bto the team\b/i],
  ['follow-up', /\bfollow[- ]?up\b|\bcheck[- ]in with\b|\bping\b|\bchase\b|\bremind me\b/i],
  ['sprint-kickoff', /\bsprint\b(?=.*\b(?:kick[- ]?off|start|planning|begin)s?\b)|\b(?:kick[- ]?off|start|begin)\b(?=.*\bsprint\b)/i],
  ['idea-to-project', /\bidea\b|\binto (?:a|an|our) (?:new )?project\b|\bnew project\b/i],
  ['project-launch', /\blaunch\b|\bgo[- ]live\b|\brelease\b|\bship\b/i],
];

/** The kind of request, or undefined when the local planner cannot plan it. */
export function recogniseRequest(request: string): RequestKind | undefined {
  let best: { kind: RequestKind; at: number } | undefined;
  for (const [kind, pattern] of TRIGGERS) {
    const at = pattern.exec(request)?.index;
    if (at !== undefined && (best === undefined || at < best.at)) best = { kind, at };
  }
  return best?.kind;
}

// ---- Reading the request ------------------------------------------------------------------------------------------

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * People of the config named in the request: a Slack mention, the full name (any case), or a first name written with
 * a capital that no one else shares. In order of appearance.
 */
export function peopleNamed(request: string, people: readonly Person[]): Person[] {
  const active = people.filter((p) => p.active);
  const firstNames = new Map<string, number>();
  for (const p of active) firstNames.set(p.name.split(/\s+/)[0]!, (firstNames.get(p.name.split(/\s+/)[0]!) ?? 0) + 1);
  const found: { person: Person; at: number }[] = [];
  for (const p of active) {
    const first = p.name.split(/\s+/)[0]!;
    const mention = p.slack_user_id ? new RegExp(`<@${p.slack_user_id}(?:\\|[^>]*)?>`).exec(request) : null;
    const full = new RegExp(`\\b${escape(p.name)}\\b`, 'i').exec(request);
    const byFirst = firstNames.get(first) === 1 ? new RegExp(`\\b${escape(first)}\\b`).exec(request) : null;
    const at = [mention, full, byFirst].filter((m) => m !== null).map((m) => m!.index);
    if (at.length > 0) found.push({ person: p, at: Math.min(...at) });
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.person);
}

/** Projects named in the request: by key (as written, e.g. SUBS) or by name (any case). In order of appearance. */
export function projectsNamed(request: string, projects: readonly Project[]): Project[] {
  const found: { project: Project; at: number }[] = [];
  for (const p of projects.filter((x) => x.active)) {
    const at = [new RegExp(`\\b${escape(p.key)}\\b`).exec(request), new RegExp(`\\b${escape(p.name)}\\b`, 'i').exec(request)]
      .filter((m) => m !== null)
      .map((m) => m!.index);
    if (at.length > 0) found.push({ project: p, at: Math.min(...at) });
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.project);
}

export interface DateMention {
  date: IsoDate;
  /** The words it was read from, e.g. "next Friday". */
  text: string;
  /** When a time of day was given too. */
  time?: { hour: number; minute: number };
}

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/**
 * The first date in the request, read in `zone` relative to `now` and never in the past ("Dec 12", "in 2 weeks",
 * "tomorrow at 3pm"). "next Friday" is the first Friday after today, as people mean it on a Monday (chrono reads it
 * as the Friday of next week); "on Monday" said on a Monday is the Monday after.
 */
export function dateMentioned(request: string, now: Date, zone: string): DateMention | undefined {
  const here = DateTime.fromJSDate(now, { zone });
  // Mentions and sprint numbers are not dates ("sprint 14 on Monday" is not the 14th).
  const text = request.replace(/<[@#!][^>]*>/g, ' ').replace(/\bsprint\s+#?\d+/gi, 'sprint');
  const first = chrono.casual.parse(text, { instant: now, timezone: here.offset }, { forwardDate: true })[0];
  if (!first) return undefined;
  // "next Friday", and a bare weekday that is today ("on Monday" said on a Monday): the first such day after today.
  const weekdayOnly = /^(?:(next)\s+|on\s+|this\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)$/i.exec(first.text.trim());
  if (weekdayOnly) {
    const weekday = WEEKDAYS.indexOf(weekdayOnly[2]!.toLowerCase()) + 1;
    if (weekdayOnly[1] !== undefined || weekday === here.weekday) {
      const ahead = ((weekday - here.weekday + 6) % 7) + 1;
      return { date: here.plus({ days: ahead }).toISODate()!, text: first.text };
    }
  }
  const c = first.start;
  const date = `${c.get('year')}-${String(c.get('month')).padStart(2, '0')}-${String(c.get('day')).padStart(2, '0')}`;
  const mention: DateMention = { date, text: first.text };
  if (c.isCertain('hour')) mention.time = { hour: c.get('hour') ?? 0, minute: c.get('minute') ?? 0 };
  return mention;
}

// ---- Building plans ---------------------------------------------------------------------------------------------------

interface Facts {
  request: string;
  context: PlanningContext;
  people: Person[];
  project: Project | undefined;
  projectFrom: 'named' | 'channel' | undefined;
  date: DateMention | undefined;
  today: IsoDate;
  /** Who typed /plan, as an owner: their name in the config, else their Slack user id. */
  requester: string;
  requesterPerson: Person | undefined;
  /** Where announcements go: the project's channel, else the channel /plan was typed in. */
  channel: string | undefined;
}

function readFacts(request: string, context: PlanningContext): Facts {
  const named = projectsNamed(request, context.org.projects);
  const fromChannel = context.channelId ? context.org.projects.find((p) => p.active && p.slack_channel === context.channelId) : undefined;
  const project = named[0] ?? fromChannel;
  const requesterPerson = context.org.people.find((p) => p.slack_user_id === context.requester.slackUserId);
  return {
    request,
    context,
    people: peopleNamed(request, context.org.people),
    project,
    projectFrom: named[0] ? 'named' : fromChannel ? 'channel' : undefined,
    date: dateMentioned(request, context.now, context.zone),
    today: localDate(context.now, context.zone),
    requester: requesterPerson?.name ?? context.requester.slackUserId,
    requesterPerson,
    channel: project?.slack_channel ?? context.channelId,
  };
}

type StepOptions = Partial<Pick<PlanStep, 'depends_on' | 'on_failure' | 'owner' | 'needs'>> & { minutes: number };

function step(id: string, title: string, action: string, params: Record<string, unknown>, o: StepOptions): PlanStep {
  const out: PlanStep = { id, title, action, params, depends_on: o.depends_on ?? [], on_failure: o.on_failure ?? 'stop', estimate_minutes: o.minutes, owner: o.owner ?? null };
  if (o.needs && o.needs.length > 0) out.needs = o.needs;
  return out;
}

/** Jira params with the project, or `needs: ['project']` when none could be inferred. */
function inProject(f: Facts, params: Record<string, unknown>): { params: Record<string, unknown>; needs: string[] } {
  return f.project ? { params: { project: f.project.key, ...params }, needs: [] } : { params, needs: ['project'] };
}

/** Slack params in the default channel, or `needs: ['channel']`. */
function inChannel(f: Facts, params: Record<string, unknown>): { params: Record<string, unknown>; needs: string[] } {
  return f.channel ? { params: { channel: f.channel, ...params }, needs: [] } : { params, needs: ['channel'] };
}

function previousWorkingDay(date: IsoDate, holidays: readonly string[]): IsoDate {
  let day = addDays(date, -1);
  while (!isWorkingDay(day, holidays)) day = addDays(day, -1);
  return day;
}

/** A reminder's `when` for 9:00 on a date, or undefined when that moment has passed. */
function nineOn(f: Facts, date: IsoDate): string | undefined {
  const at = DateTime.fromISO(date, { zone: f.context.zone }).set({ hour: REMINDER_HOUR });
  return at.toMillis() > f.context.now.getTime() ? date : undefined;
}

/** Words after "about"/"regarding"/"re", without the date: what a follow-up is about. */
function topicOf(f: Facts): string | undefined {
  const text = f.date ? f.request.replace(f.date.text, ' ') : f.request;
  const topic = /\b(?:about|regarding|concerning|re:?)\s+(.+?)[\s.?!]*$/i.exec(text)?.[1]?.replace(/\s+(?:on|by|at|in)$/i, '').trim();
  return topic ? topic.slice(0, 80) : undefined;
}

/** A name written with capitals after the trigger words, for someone who is not in the config yet. */
function newcomerName(request: string): string | undefined {
  return /\b(?:onboard(?:ing)?(?:\s+of)?|welcome|new (?:team member|hire|joiner|starter|colleague|developer|designer|engineer))\s+([A-Z][\p{L}'-]+(?:\s+[A-Z][\p{L}'-]+)?)/u.exec(request)?.[1];
}

function launchPlan(f: Facts): PlanStep[] {
  const subject = f.project?.name ?? /\b(?:for|of)\s+([A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*)*)/.exec(f.request)?.[1] ?? 'Project';
  const day = f.date?.date;
  const on = day ? ` on ${formatShortDate(day)}` : '';
  const pm = f.project?.pm ?? f.requester;
  const epic = inProject(f, { summary: `${subject} launch`, description: `Launch${on}. Planned from: ${f.request}` });
  const issue = (id: string, summary: string) => {
    const p = inProject(f, { summary, parent: '{{steps.epic.key}}' });
    return step(id, `Jira issue: ${summary}`, 'jira.create_issue', p.params, { depends_on: ['epic'], owner: f.requester, minutes: 1, needs: p.needs });
  };
  const announce = inChannel(f, { text: `Launch plan for ${subject}${on}: epic {{steps.epic.key}}. Go/no-go review the working day before.` });
  const reminderDay = day ? nineOn(f, previousWorkingDay(day, f.context.org.holidays)) : undefined;
  const remind = inChannel(f, { text: `${subject} launches ${day ? formatShortDate(day) : 'soon'}: go/no-go review today ({{steps.epic.key}}).`, ...(reminderDay ? { when: reminderDay } : {}) });
  return [
    step('epic', `Create the ${subject} launch epic`, 'jira.create_epic', epic.params, { owner: f.requester, minutes: 1, needs: epic.needs }),
    issue('qa', 'QA sign-off'),
    issue('notes', 'Release notes'),
    issue('golive', 'Go-live checklist'),
    step('announce', 'Announce the launch plan', 'slack.post_message', announce.params, { depends_on: ['epic'], on_failure: 'continue', owner: f.requester, minutes: 1, needs: announce.needs }),
    step('remind', 'Remind the team of the go/no-go review', 'slack.schedule_reminder', remind.params, {
      depends_on: ['epic'], on_failure: 'continue', owner: f.requester, minutes: 1, needs: [...remind.needs, ...(reminderDay ? [] : ['when'])],
    }),
    step('review', 'Go/no-go review', 'manual', { instructions: `Check QA, release notes and the go-live checklist of ${subject}; decide go or no-go.`, ...(day ? { due: day } : {}) }, {
      depends_on: ['qa', 'notes', 'golive'], owner: pm, minutes: 60,
    }),
  ];
}

function followUpPlan(f: Facts): PlanStep[] {
  const person = f.people.find((p) => p.name !== f.requester) ?? f.people[0];
  const topic = topicOf(f);
  const about = `${person ? ` with ${person.name}` : ''}${topic ? ` about ${topic}` : ''}`;
  const when = (f.date && nineOn(f, f.date.date)) ?? '2 business days';
  return [
    step('remind', `Remind you to follow up${about}`, 'slack.schedule_reminder', { channel: f.context.requester.slackUserId, text: `Time to follow up${about}.`, when }, { owner: f.requester, minutes: 1 }),
    step('followup', `Follow up${about}`, 'manual', { instructions: `Follow up${about}.`, ...(f.date ? { due: f.date.date } : {}) }, { depends_on: ['remind'], owner: f.requester, minutes: 30 }),
  ];
}

function ideaPlan(f: Facts): PlanStep[] {
  const idea =
    /\bidea(?:\s+(?:of|for|about|to))?[:\s]+(.+?)(?:\s+(?:into|as)\s+(?:a|an|our)\s+(?:new\s+)?project\b.*|\s+(?:in|for)\s+[A-Z]{2,}\b.*|[.?!]*$)/i.exec(f.request)?.[1]?.trim() ??
    /\bnew project\s+(?:for|about|called)?\s*(.+?)[.?!]*$/i.exec(f.request)?.[1]?.trim() ??
    'the new idea';
  const name = idea.charAt(0).toUpperCase() + idea.slice(1, 120);
  const epic = inProject(f, { summary: name, description: `From an idea: ${f.request}` });
  const issue = (id: string, summary: string) => {
    const p = inProject(f, { summary, parent: '{{steps.epic.key}}' });
    return step(id, `Jira issue: ${summary}`, 'jira.create_issue', p.params, { depends_on: ['epic'], owner: f.requester, minutes: 1, needs: p.needs });
  };
  const announce = inChannel(f, { text: `New project idea: ${name}. Epic {{steps.epic.key}}; kickoff to follow.` });
  return [
    step('epic', `Jira epic: ${name}`, 'jira.create_epic', epic.params, { owner: f.requester, minutes: 1, needs: epic.needs }),
    issue('brief', `Write a one-page brief: ${name}`),
    issue('estimate', `Estimate: ${name}`),
    step('announce', 'Share the idea with the team', 'slack.post_message', announce.params, { depends_on: ['epic'], on_failure: 'continue', owner: f.requester, minutes: 1, needs: announce.needs }),
    step('kickoff', `Kickoff meeting: ${name}`, 'manual', { instructions: `Agree scope, owner and first milestone for ${name}.`, ...(f.date ? { due: f.date.date } : {}) }, {
      depends_on: ['brief', 'estimate'], owner: f.project?.pm ?? f.requester, minutes: 60,
    }),
  ];
}

function onboardingPlan(f: Facts): PlanStep[] {
  const newcomer = f.people.find((p) => p.name !== f.requester);
  const name = newcomer?.name ?? newcomerName(f.request) ?? 'the new team member';
  const start = f.date?.date ?? f.today;
  const epic = inProject(f, { summary: `Onboarding: ${name}` });
  const issue = (id: string, summary: string, assignee: string | undefined) => {
    const p = inProject(f, { summary, parent: '{{steps.epic.key}}', ...(assignee ? { assignee_account_id: assignee } : {}) });
    return step(id, `Jira issue: ${summary}`, 'jira.create_issue', p.params, { depends_on: ['epic'], owner: f.requester, minutes: 1, needs: p.needs });
  };
  const welcome = inChannel(f, { text: `Please welcome ${newcomer?.slack_user_id ? `<@${newcomer.slack_user_id}>` : name} to the team! Onboarding: {{steps.epic.key}}.` });
  const checkIn = nineOn(f, workingDaysAfter(start, 5, f.context.org.holidays)) ?? '5 business days';
  return [
    step('epic', `Create the onboarding epic for ${name}`, 'jira.create_epic', epic.params, { owner: f.requester, minutes: 1, needs: epic.needs }),
    issue('accounts', `Set up accounts and access for ${name}`, f.requesterPerson?.jira_account_id),
    issue('docs', `${name}: read the project docs and set up the development environment`, newcomer?.jira_account_id),
    issue('first', `${name}: first small ticket with a buddy`, newcomer?.jira_account_id),
    step('access', `Grant ${name} access to Jira, Slack channels and repositories`, 'manual', { instructions: `Give ${name} access to Jira, the project's Slack channels and repositories.`, due: start }, {
      depends_on: ['accounts'], owner: f.requester, minutes: 30,
    }),
    step('welcome', `Welcome ${name} in Slack`, 'slack.post_message', welcome.params, { depends_on: ['epic'], on_failure: 'continue', owner: f.requester, minutes: 1, needs: welcome.needs }),
    step('checkin', `Remind you to check in with ${name} after the first week`, 'slack.schedule_reminder', { channel: f.context.requester.slackUserId, text: `Check in with ${name}: how is the first week going?`, when: checkIn }, {
      depends_on: ['access'], on_failure: 'continue', owner: f.requester, minutes: 1,
    }),
  ];
}

/** "Sprint 14", or "the sprint" when no number is given. */
function sprintName(request: string): string {
  const number = /\bsprint\s+#?(\d+)\b/i.exec(request)?.[1];
  return number ? `Sprint ${number}` : 'the sprint';
}

function sprintPlan(f: Facts): PlanStep[] {
  const sprint = sprintName(f.request);
  const Sprint = sprint.charAt(0).toUpperCase() + sprint.slice(1);
  const day = f.date?.date;
  const pm = f.project?.pm ?? f.requester;
  const goals = inProject(f, { summary: `${Sprint} goals` });
  const announce = inChannel(f, { text: `${Sprint} kicks off ${day ? `on ${formatShortDate(day)}` : 'soon'}. Goals: {{steps.goals.key}}.` });
  const reminderWhen = day ? nineOn(f, day) : undefined;
  const remind = inChannel(f, { text: `${Sprint} kickoff today: sprint planning with the whole team.`, ...(reminderWhen ? { when: reminderWhen } : {}) });
  return [
    step('backlog', `Groom the backlog for ${sprint}`, 'manual', { instructions: `Order the backlog and size the top items before ${sprint} planning.`, ...(day ? { due: previousWorkingDay(day, f.context.org.holidays) } : {}) }, { owner: pm, minutes: 60 }),
    step('goals', `Jira issue: ${Sprint} goals`, 'jira.create_issue', goals.params, { owner: f.requester, minutes: 1, needs: goals.needs }),
    step('announce', `Announce ${sprint} kickoff`, 'slack.post_message', announce.params, { depends_on: ['goals'], on_failure: 'continue', owner: f.requester, minutes: 1, needs: announce.needs }),
    step('remind', `Remind the team on kickoff day`, 'slack.schedule_reminder', remind.params, {
      depends_on: ['goals'], on_failure: 'continue', owner: f.requester, minutes: 1, needs: [...remind.needs, ...(reminderWhen ? [] : ['when'])],
    }),
    step('planning', `Run the ${sprint} planning meeting`, 'manual', { instructions: `Agree the ${sprint} goals ({{steps.goals.key}}) and commit to the work.`, ...(day ? { due: day } : {}) }, {
      depends_on: ['backlog', 'goals'], owner: pm, minutes: 90,
    }),
  ];
}

const BUILDERS: Record<RequestKind, { goal: (f: Facts) => string; steps: (f: Facts) => PlanStep[] }> = {
  'project-launch': { goal: (f) => `Launch ${f.project?.name ?? 'the project'}${f.date ? ` on ${formatShortDate(f.date.date)}` : ''}`, steps: launchPlan },
  'follow-up': { goal: (f) => `Follow up${f.people[0] ? ` with ${f.people[0].name}` : ''}${f.date ? ` on ${formatShortDate(f.date.date)}` : ''}`, steps: followUpPlan },
  'idea-to-project': { goal: () => 'Turn an idea into a project', steps: ideaPlan },
  onboarding: { goal: (f) => `Onboard ${f.people.find((p) => p.name !== f.requester)?.name ?? newcomerName(f.request) ?? 'a new team member'}`, steps: onboardingPlan },
  'sprint-kickoff': { goal: (f) => `Kick off ${sprintName(f.request)}${f.date ? ` on ${formatShortDate(f.date.date)}` : ''}`, steps: sprintPlan },
};

function notes(f: Facts, kind: RequestKind): string[] {
  const out: string[] = [];
  if (f.projectFrom === 'named') out.push(`Project: ${f.project!.key} (${f.project!.name}).`);
  else if (f.projectFrom === 'channel') out.push(`Project: ${f.project!.key} (${f.project!.name}), the project of this channel.`);
  else if (kind !== 'follow-up') out.push('No project found in the request or this channel: choose one with Edit before approving.');
  if (f.date) out.push(`Date: ${formatShortDate(f.date.date)} (from “${f.date.text}”).`);
  if (f.people.length > 0) out.push(`People: ${f.people.map((p) => p.name).join(', ')}.`);
  if (kind === 'onboarding' && !f.people.some((p) => p.name !== f.requester)) {
    out.push('The newcomer is not in the org config yet: their Jira issues are left unassigned.');
  }
  out.push(`Steps nobody else is named for are yours${f.requesterPerson ? '' : ' (you are not in the org config; add yourself to it to get Jira assignments)'}.`);
  return out;
}

/** The message for a request the local planner cannot plan. */
export function needsLlmMessage(request: string): string {
  const can = LOCAL_PLANNER_CAN.map((c) => `• ${c.what}, e.g. “${c.example}”`).join('\n');
  return (
    `I need an LLM for that: “${request.trim()}” is not one of the requests I can plan on my own. Without an LLM I can plan:\n${can}\n` +
    'To plan anything else, set OPENAI_API_KEY (and OPENAI_BASE_URL for an OpenAI-compatible server such as Ollama).'
  );
}

/** Plans a request with rules and templates, or says it needs an LLM. Pure: `context.now` is "now". */
export function planLocally(request: string, context: PlanningContext): PlanningOutcome {
  const kind = recogniseRequest(request);
  if (!kind) return { ok: false, message: needsLlmMessage(request), problems: [] };
  const facts = readFacts(request, context);
  const builder = BUILDERS[kind];
  const checked = validatePlan({ goal: builder.goal(facts), steps: builder.steps(facts) }, { people: context.org.people });
  if (!checked.ok) {
    // Our own templates produced something invalid: say so rather than show a broken plan.
    return { ok: false, message: 'The local planner built a plan it cannot use (a bug in pm-agents; please report it).', problems: checked.problems.map(formatProblem) };
  }
  return { ok: true, plan: checked.plan, planner: LOCAL_PLANNER_LABEL, notes: notes(facts, kind) };
}
