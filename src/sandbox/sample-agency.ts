// A simulated agency for the demo, the tests and the benchmarks: people, teams and projects (the org config), three
// months of Tempo worklogs, Jira epics and tickets with their histories, GitHub pull requests and a Slack workspace,
// all from one seed, with the situations the agents exist for planted in it (see SAMPLE_CAST). Deterministic: the same
// options always give the same agency.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Document, isMap, isSeq } from 'yaml';
import type { AgencyData } from './agency-data.ts';
import { Random } from './random.ts';
import { generateGithub } from './sample-agency/github.ts';
import { estimateEpics } from './sample-agency/epic-estimates.ts';
import { generateJira } from './sample-agency/jira.ts';
import { buildOrg, orgConfigFor, type GeneratorContext, type ResolvedSize, type SampleOrg } from './sample-agency/org.ts';
import { DEMO_PEOPLE } from './sample-agency/roster.ts';
import { generateSlack } from './sample-agency/slack.ts';
import { generateWorklogs } from './sample-agency/tempo.ts';
import { SampleTimeline } from './sample-agency/timeline.ts';

export { SAMPLE_CAST } from './sample-agency/roster.ts';

/** Monday Nov 24 2025, 10:00 in New York: the morning the weekly reports go out. */
export const DEMO_AS_OF = '2025-11-24T15:00:00.000Z';
export const SAMPLE_TIMEZONE = 'America/New_York';

export interface SampleAgencyOptions {
  /** Default 42. */
  seed?: number;
  /** Default DEMO_AS_OF. The scenario (last complete week, the month's retainer burn) is built around it. */
  asOf?: string;
  /**
   * `demo` (default): 40 people in 4 teams, 8 projects, 15–40 tickets each. A sized agency keeps the demo's people and
   * projects and adds generated ones (e.g. `{ people: 2000, issues: 100000 }`: 50 teams, 410 projects), logging about
   * `worklogsPerPersonWeek` (default 30) worklogs per person in the last complete week and a quarter of that before.
   */
  size?: 'demo' | { people: number; issues: number; worklogsPerPersonWeek?: number };
}

const clamp = (v: number, min: number, max: number): number => Math.min(max, Math.max(min, v));

function resolveSize(size: SampleAgencyOptions['size'] = 'demo'): ResolvedSize {
  if (size === 'demo') return { demo: true, people: DEMO_PEOPLE, teams: 4, retainers: 3, scopes: 3, internals: 2, issues: undefined, worklogsPerPersonWeek: undefined };
  const { people, issues, worklogsPerPersonWeek = 30 } = size;
  if (!Number.isInteger(people) || people < DEMO_PEOPLE) throw new RangeError(`size.people must be a whole number of at least ${DEMO_PEOPLE} (the demo's cast), got ${people}`);
  if (!Number.isInteger(issues) || issues < 100) throw new RangeError(`size.issues must be a whole number of at least 100, got ${issues}`);
  if (!(worklogsPerPersonWeek >= 1)) throw new RangeError(`size.worklogsPerPersonWeek must be at least 1, got ${worklogsPerPersonWeek}`);
  return {
    demo: false,
    people,
    teams: clamp(Math.round(people / 40), 4, 50),
    retainers: people >= 1000 ? 300 : clamp(Math.round(people * 0.075), 3, 300),
    scopes: clamp(Math.round(people * 0.05), 3, 100),
    internals: clamp(Math.round(people / 200), 2, 10),
    issues,
    worklogsPerPersonWeek,
  };
}

/**
 * Size each retainer from the hours logged on it this month so its burn at the as-of is the scenario's: the hot one
 * over 90 % (on pace to run out before month end), the warm one just over 75 %, the healthy one about half. Round
 * numbers of hours where rounding keeps the figure within 1.5 points.
 */
function sizeRetainers(org: SampleOrg, monthSeconds: Float64Array): void {
  for (const p of org.projects) {
    if (p.type !== 'retainer') continue;
    const hours = monthSeconds[p.index]! / 3600;
    const target = p.burnTarget ?? 0.5;
    if (hours <= 0) {
      p.monthlyRetainerHours = 40;
      continue;
    }
    const exact = Math.max(1, Math.floor(hours / target));
    const round = Math.floor(exact / 5) * 5;
    p.monthlyRetainerHours = round > 0 && hours / round - target <= 0.015 ? round : exact;
  }
}

export function generateSampleAgency(options: SampleAgencyOptions = {}): AgencyData {
  const seed = options.seed ?? 42;
  const asOf = new Date(options.asOf ?? DEMO_AS_OF);
  if (Number.isNaN(asOf.getTime())) throw new RangeError(`asOf "${options.asOf}" is not an ISO date-time`);
  const size = resolveSize(options.size);
  const rng = new Random(seed);
  const timeline = new SampleTimeline(asOf.toISOString(), SAMPLE_TIMEZONE);
  const org = buildOrg(size, rng.fork('org'));
  // The inactive person left about six weeks into the window.
  const ctx: GeneratorContext = { timeline, org, size, leftDay: timeline.windowStartDay + 44 };
  const jira = generateJira(ctx, rng.fork('jira'));
  const tempo = generateWorklogs(ctx, jira, rng.fork('tempo'));
  estimateEpics(ctx, jira, tempo.loggedSeconds, rng.fork('estimates'));
  sizeRetainers(org, tempo.monthSeconds);
  const github = generateGithub(ctx, jira, rng.fork('github'));

  const jiraUsers = org.people.map((p) => ({ accountId: p.accountId, displayName: p.name, emailAddress: p.email, active: p.active }));
  jiraUsers.push({ accountId: org.contractor.accountId, displayName: org.contractor.name, emailAddress: org.contractor.email, active: true });
  return {
    orgConfig: orgConfigFor(org, timeline),
    asOf: asOf.toISOString(),
    tempo: { worklogs: tempo.worklogs },
    jira: { users: jiraUsers, projects: org.projects.map((p) => ({ id: String(p.jiraId), key: p.key, name: p.name })), issues: jira.issues },
    github,
    slack: generateSlack(ctx),
  };
}

/** The org config of a sample agency as pm-agents.yaml text: one line per person, team and project. */
export function orgConfigYaml(data: AgencyData): string {
  const doc = new Document(data.orgConfig);
  doc.commentBefore =
    ` pm-agents org config for the sample agency (as of ${data.asOf}).\n` +
    ` Generated by the sample-agency generator; edit it freely or regenerate it with \`pm-agents demo\`.\n` +
    ` Reference: people (Jira account, Slack id or email, team), teams and their PMs, projects and the agents' thresholds.`;
  for (const key of ['people', 'teams', 'projects']) {
    const list = doc.get(key);
    if (isSeq(list)) for (const item of list.items) if (isMap(item)) item.flow = true;
  }
  const channels = doc.get('channels');
  if (isMap(channels)) channels.flow = true;
  const thresholds = doc.get('thresholds');
  if (isMap(thresholds)) for (const pair of thresholds.items) if (isMap(pair.value) || isSeq(pair.value)) pair.value.flow = true;
  const holidays = doc.get('holidays');
  if (isSeq(holidays)) holidays.flow = true;
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true });
}

/** Write the sample agency's pm-agents.yaml to `path` (creating its directory). */
export async function writeSampleConfig(data: AgencyData, path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, orgConfigYaml(data), 'utf8');
}
