// The agency's shape: teams, projects (the demo's eight, then generated ones for larger sizes), who works on what,
// and the Slack channels; and, once the worklogs exist, the org config (pm-agents.yaml) that describes it all.
import type { OrgConfigInput } from '../../config.ts';
import type { Random } from '../random.ts';
import { buildRoster, slackId, teamDiscipline, teamName, type Roster, type SampleContractor, type SamplePerson } from './roster.ts';
import { CLIENT_THEMES, CLIENTS, INTERNAL_THEMES, PRODUCTS, type EpicTheme } from './themes.ts';
import type { SampleTimeline } from './timeline.ts';

export type ProjectType = 'retainer' | 'scope' | 'internal';
export type PullPattern = 'fresh' | 'stuck' | 'changes' | 'approved' | 'draft';

export interface SampleRepo {
  fullName: string;
  /** The open pull requests' situations, in order (the demo scripts them; larger sizes draw them). */
  patterns: PullPattern[];
}

export interface SampleProject {
  index: number;
  key: string;
  name: string;
  type: ProjectType;
  /** Jira's numeric project id (also Tempo's projectId). */
  jiraId: number;
  /** The owning team; its PM is the project's PM. */
  team: number;
  /** Other teams whose people also work here. */
  supportTeams: number[];
  pm: number;
  slackChannel: { id: string; name: string } | undefined;
  repos: SampleRepo[];
  themes: EpicTheme[];
  storyCount: number;
  orphanCount: number;
  /** Tickets held in review or QA for this many days at the as-of. */
  stuck: { status: 'In Review' | 'QA'; days: number }[];
  /** The share of the monthly retainer used by the as-of (retainers only); the hours are sized from it. */
  burnTarget: number | undefined;
  /**
   * The share of the time people would spend here that they do spend, in each of the three months (the rest goes to
   * their other work): retainers are quieter before the as-of's month, so last month's burn stays under 100 %.
   */
  monthFactors: readonly [number, number, number];
  /** People who log time here. */
  members: number[];
  monthlyRetainerHours: number | undefined;
}

export interface SampleOrg extends Roster {
  teams: { name: string; pm: number }[];
  projects: SampleProject[];
  channels: { pmAlerts: { id: string; name: string }; leadership: { id: string; name: string } };
  contractor: SampleContractor;
}

/** What every part of the generator reads. */
export interface GeneratorContext {
  timeline: SampleTimeline;
  org: SampleOrg;
  size: ResolvedSize;
  /** The day the inactive person left (their last worklogs are before it). */
  leftDay: number;
}

export interface ResolvedSize {
  demo: boolean;
  people: number;
  teams: number;
  retainers: number;
  scopes: number;
  internals: number;
  /** Total Jira issues (epics included) for a sized agency; undefined for the demo (15–40 stories a project). */
  issues: number | undefined;
  worklogsPerPersonWeek: number | undefined;
}

const find = (epic: string): EpicTheme => [...CLIENT_THEMES, ...INTERNAL_THEMES].find((t) => t.epic === epic)!;

interface DemoProject {
  key: string;
  name: string;
  type: ProjectType;
  team: number;
  supportTeams: number[];
  repos: SampleRepo[];
  themes: string[];
  stuck: SampleProject['stuck'];
  burnTarget?: number;
  monthFactors?: readonly [number, number, number];
}

/** The demo's projects. Teams: 0 platform, 1 mobile, 2 design, 3 data. */
const DEMO_PROJECTS: readonly DemoProject[] = [
  {
    key: 'SUBS', name: 'Lumen Subscriptions Portal', type: 'retainer', team: 0, supportTeams: [2], burnTarget: 0.93, monthFactors: [0.5, 0.5, 1],
    repos: [{ fullName: 'agency/subs-web', patterns: ['stuck', 'changes', 'fresh', 'approved'] }, { fullName: 'agency/subs-api', patterns: ['draft', 'fresh', 'approved'] }],
    themes: ['Subscription billing', 'Checkout redesign', 'Account and login', 'Performance and Core Web Vitals'], stuck: [{ status: 'In Review', days: 6.9 }],
  },
  {
    key: 'HRBR', name: 'Harbor Health App', type: 'retainer', team: 1, supportTeams: [2], burnTarget: 0.76, monthFactors: [0.75, 0.75, 1],
    repos: [{ fullName: 'agency/harbor-app', patterns: ['stuck', 'approved', 'fresh', 'changes'] }],
    themes: ['Appointment booking', 'Push notifications', 'Offline mode', 'Accessibility compliance'], stuck: [{ status: 'In Review', days: 6.75 }],
  },
  {
    key: 'NWND', name: 'Northwind Storefront', type: 'retainer', team: 0, supportTeams: [3], burnTarget: 0.5, monthFactors: [0.9, 0.9, 1],
    repos: [{ fullName: 'agency/northwind-shop', patterns: ['stuck', 'fresh', 'approved'] }],
    themes: ['Search and filtering', 'Loyalty programme', 'Inventory sync'], stuck: [{ status: 'QA', days: 6.4 }],
  },
  {
    key: 'ATLS', name: 'Atlas Insurance Quotes', type: 'scope', team: 1, supportTeams: [2],
    repos: [{ fullName: 'agency/atlas-mobile', patterns: ['changes', 'fresh', 'approved'] }],
    themes: ['Quote flow', 'Onboarding flow', 'Payments integration'], stuck: [{ status: 'QA', days: 13.1 }],
  },
  {
    key: 'MRDN', name: 'Meridian Data Platform', type: 'scope', team: 3, supportTeams: [],
    repos: [{ fullName: 'agency/meridian-pipelines', patterns: ['fresh', 'approved', 'changes'] }],
    themes: ['Data warehouse migration', 'Reporting dashboards', 'Data pipeline reliability', 'Recommendations engine'], stuck: [{ status: 'In Review', days: 11.9 }],
  },
  { key: 'KSTL', name: 'Kestrel Brand Refresh', type: 'scope', team: 2, supportTeams: [], repos: [], themes: ['Brand guidelines', 'Design system', 'Marketing website refresh'], stuck: [] },
  { key: 'OPS', name: 'Agency Operations', type: 'internal', team: 2, supportTeams: [0, 1, 3], repos: [], themes: ['Team operations', 'Hiring', 'Security and compliance'], stuck: [] },
  { key: 'LAB', name: 'Labs and Tooling', type: 'internal', team: 3, supportTeams: [0], repos: [], themes: ['Internal tooling', 'Knowledge sharing'], stuck: [] },
];
const DEMO_COUNTS = { retainer: 3, scope: 3, internal: 2 };

const PATTERN_WEIGHTS: readonly [PullPattern, number][] = [['fresh', 40], ['approved', 20], ['changes', 20], ['stuck', 12], ['draft', 8]];

function drawPatterns(count: number, rng: Random): PullPattern[] {
  const weights = PATTERN_WEIGHTS.map(([, w]) => w);
  return Array.from({ length: count }, () => PATTERN_WEIGHTS[rng.weightedIndex(weights)]![0]);
}

function generatedProject(type: ProjectType, n: number, team: number, size: ResolvedSize, rng: Random): DemoProject {
  const prefix = type === 'retainer' ? 'R' : type === 'scope' ? 'S' : 'I';
  const key = `${prefix}${String(n).padStart(3, '0')}`;
  const name = type === 'internal' ? `Internal ${rng.pick(['Tooling', 'Operations', 'Enablement', 'Research'])} ${n}` : `${rng.pick(CLIENTS)} ${rng.pick(PRODUCTS)} ${n}`;
  const perProject = (size.issues ?? 30) / (size.retainers + size.scopes + size.internals);
  const epicCount = Math.max(2, Math.min(20, Math.round(perProject / 15)));
  const pool = rng.shuffle([...(type === 'internal' ? INTERNAL_THEMES : CLIENT_THEMES)]).map((t) => t.epic);
  const themes = Array.from({ length: epicCount }, (_, i) => pool[i % pool.length]!);
  const hasRepo = type === 'retainer' || (type === 'scope' && rng.chance(0.5));
  const repos = hasRepo ? [{ fullName: `agency/${key.toLowerCase()}-${type === 'retainer' ? 'web' : 'app'}`, patterns: drawPatterns(rng.int(1, 3), rng) }] : [];
  const retainer = type === 'retainer';
  return { key, name, type, team, supportTeams: [], repos, themes, stuck: [], burnTarget: retainer ? rng.between(0.3, 0.88) : undefined, monthFactors: retainer ? [0.7, 0.7, 1] : undefined };
}

/** Teams, people and projects for a size; who works where. Issue counts per project are set here too. */
export function buildOrg(size: ResolvedSize, rng: Random): SampleOrg {
  const roster = buildRoster(size.people, size.teams, rng.fork('people'));
  const projectRng = rng.fork('projects');
  const channelIds = new Set<string>();
  const defs: DemoProject[] = [...DEMO_PROJECTS];
  const counters = { retainer: 0, scope: 0, internal: 0 };
  const wanted = { retainer: size.retainers, scope: size.scopes, internal: size.internals };
  for (const type of ['retainer', 'scope', 'internal'] as const) {
    for (let n = DEMO_COUNTS[type] + 1; n <= wanted[type]; n++) {
      defs.push(generatedProject(type, ++counters[type], defs.length % size.teams, size, projectRng));
    }
  }
  const demoIssues = size.issues === undefined;
  const perProject = demoIssues ? 0 : Math.floor(size.issues! / defs.length);
  const remainder = demoIssues ? 0 : size.issues! - perProject * defs.length;
  let jiraId = 10000;
  const projects: SampleProject[] = defs.map((def, index) => {
    jiraId += projectRng.int(1, 3);
    const library = def.type === 'internal' ? INTERNAL_THEMES : CLIENT_THEMES;
    // More epics than themes (large sizes): later rounds are the next phase of the same theme.
    const themes = def.themes.map((epic, i) => (i < library.length ? find(epic) : { ...find(epic), epic: `${epic} (phase ${Math.floor(i / library.length) + 1})` }));
    const total = demoIssues ? themes.length + projectRng.int(15, 40) : perProject + (index < remainder ? 1 : 0);
    const storyCount = Math.max(3, total - themes.length);
    const orphanCount = def.type === 'internal' ? 0 : demoIssues ? projectRng.int(1, 2) : Math.max(1, Math.round(storyCount * 0.02));
    const channel = def.type === 'internal' ? undefined : { id: slackId('C', projectRng, channelIds), name: `client-${def.key.toLowerCase()}` };
    return {
      index,
      key: def.key,
      name: def.name,
      type: def.type,
      jiraId,
      team: def.team,
      supportTeams: def.supportTeams,
      pm: roster.teamPms[def.team]!,
      slackChannel: channel,
      repos: def.repos,
      themes,
      storyCount,
      orphanCount,
      stuck: def.stuck,
      burnTarget: def.burnTarget,
      monthFactors: def.monthFactors ?? [1, 1, 1],
      members: [],
      monthlyRetainerHours: undefined,
    };
  });
  assignWork(roster.people, projects, size.teams, rng.fork('work'));
  const teams = Array.from({ length: size.teams }, (_, t) => ({ name: teamName(t), pm: roster.teamPms[t]! }));
  const channels = {
    pmAlerts: { id: slackId('C', projectRng, channelIds), name: 'pm-alerts' },
    leadership: { id: slackId('C', projectRng, channelIds), name: 'leadership' },
  };
  return { ...roster, teams, projects, channels };
}

/**
 * Who logs time where: each person's main project is one of their team's (round-robin, so every project has people),
 * often a second one, and the agency's operations project a little; PMs spread over the projects they run.
 */
function assignWork(people: SamplePerson[], projects: SampleProject[], teamCount: number, rng: Random): void {
  const teamProjects: number[][] = Array.from({ length: teamCount }, () => []);
  const owned: number[][] = Array.from({ length: teamCount }, () => []);
  const operations = projects.find((p) => p.type === 'internal')!.index;
  for (const p of projects) {
    if (p.index === operations) continue;
    owned[p.team]!.push(p.index);
    teamProjects[p.team]!.push(p.index);
    for (const t of p.supportTeams) teamProjects[t]!.push(p.index);
  }
  const seen = new Array<number>(teamCount).fill(0);
  for (const person of people) {
    const add = (project: number, weight: number) => {
      const at = person.projects.indexOf(project);
      if (at >= 0) person.weights[at]! += weight;
      else {
        person.projects.push(project);
        person.weights.push(weight);
      }
    };
    if (person.pm) {
      for (const p of owned[person.team]!.slice(0, 6)) add(p, 1);
      add(operations, 0.3);
    } else {
      const mine = teamProjects[person.team]!;
      const k = seen[person.team]!++;
      if (mine.length > 0) {
        add(mine[k % mine.length]!, rng.between(0.6, 1));
        if (mine.length > 1 && rng.chance(0.6)) add(rng.pick(mine), rng.between(0.2, 0.5));
      }
      add(operations, rng.between(0.06, 0.14));
      if (teamDiscipline(person.team) !== 'design' && rng.chance(0.2)) {
        const lab = projects.find((p) => p.type === 'internal' && p.index !== operations && (p.team === person.team || p.supportTeams.includes(person.team)));
        if (lab) add(lab.index, 0.1);
      }
    }
    for (const p of person.projects) projects[p]!.members.push(person.index);
  }
  // A project nobody was given (possible with many projects per team) is at least worked on by its PM.
  for (const p of projects) {
    if (p.members.length === 0) {
      const pm = people[p.pm]!;
      pm.projects.push(p.index);
      pm.weights.push(0.5);
      p.members.push(pm.index);
    }
  }
}

/** The org config that describes the agency (the sample's pm-agents.yaml). */
export function orgConfigFor(org: SampleOrg, timeline: SampleTimeline): OrgConfigInput {
  const nameOf = (i: number) => org.people[i]!.name;
  return {
    timezone: timeline.zone,
    channels: { pm_alerts: org.channels.pmAlerts.id, leadership: org.channels.leadership.id },
    holidays: timeline.holidays,
    people: org.people.map((p) => ({
      name: p.name,
      jira_account_id: p.accountId,
      ...(p.slackUserId ? { slack_user_id: p.slackUserId } : {}),
      email: p.email,
      ...(p.githubLogin ? { github_login: p.githubLogin } : {}),
      team: org.teams[p.team]!.name,
      ...(p.pm ? { pm: true } : {}),
      ...(p.active ? {} : { active: false }),
      ...(p.weeklyHours !== 40 ? { weekly_hours: p.weeklyHours } : {}),
    })),
    teams: org.teams.map((t) => ({ name: t.name, pm: nameOf(t.pm) })),
    projects: org.projects.map((p) => ({
      key: p.key,
      name: p.name,
      type: p.type,
      ...(p.type === 'retainer' ? { monthly_retainer_hours: p.monthlyRetainerHours!, tempo_project_id: p.jiraId } : {}),
      pm: nameOf(p.pm),
      ...(p.slackChannel ? { slack_channel: p.slackChannel.id } : {}),
      ...(p.repos.length > 0 ? { github_repos: p.repos.map((r) => r.fullName) } : {}),
    })),
    thresholds: {
      time_tracking: { compliant_hours: 32, partial_hours: 16 },
      retainer: [75, 90, 100],
      variance: { report: 20, alert: 30, escalate: 50 },
      bottleneck: { z: 2, dm_after_days: 5, escalate_after_days: 10 },
      epic_suggestion: { min_confidence: 0.7 },
    },
  };
}
