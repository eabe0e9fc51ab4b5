// Environment + the org config file → one typed, validated Config. Every error names the variable or the field path.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------------------------
// Org config (pm-agents.yaml)
// ---------------------------------------------------------------------------------------------------------------

const positive = (what = 'a positive number') => z.number({ error: `expected ${what}` }).positive({ error: `expected ${what}` });
const nonEmpty = z.string({ error: 'expected a non-empty string' }).trim().min(1, { error: 'expected a non-empty string' });
const slackChannelId = z.string().regex(/^[CGD][A-Z0-9]{2,}$/, { error: 'expected a Slack channel id such as C0PMALERTS' });
const slackUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, { error: 'expected a Slack user id such as U01ADA' });
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected a date as YYYY-MM-DD' });

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}
const timeZone = z.string().refine(isValidTimeZone, { error: 'expected an IANA time zone such as America/New_York' });

const personSchema = z.strictObject({
  name: nonEmpty,
  jira_account_id: nonEmpty,
  slack_user_id: slackUserId.optional(),
  email: z.email({ error: 'expected an email address' }).optional(),
  /** GitHub login, to match pull-request authors and reviewers to people. */
  github_login: z.string().regex(/^[A-Za-z0-9-]+$/, { error: 'expected a GitHub login' }).optional(),
  team: nonEmpty.optional(),
  pm: z.boolean().default(false),
  active: z.boolean().default(true),
  weekly_hours: positive('a positive number of hours').max(80, { error: 'expected at most 80 hours' }).default(40),
});

const teamSchema = z.strictObject({ name: nonEmpty, pm: nonEmpty });

export const PROJECT_TYPES = ['retainer', 'scope', 'internal'] as const;
const projectSchema = z.strictObject({
  key: z.string().regex(/^[A-Z][A-Z0-9_]{1,9}$/, { error: 'expected a Jira project key such as SUBS' }),
  name: nonEmpty,
  type: z.enum(PROJECT_TYPES, { error: `expected one of ${PROJECT_TYPES.join(', ')}` }),
  monthly_retainer_hours: positive().optional(),
  pm: nonEmpty.optional(),
  slack_channel: slackChannelId.optional(),
  tempo_project_id: z.number().int().positive({ error: 'expected a positive integer (the Jira project id)' }).optional(),
  github_repos: z.array(z.string().regex(/^[\w.-]+\/[\w.-]+$/, { error: 'expected owner/repo' })).default([]),
  active: z.boolean().default(true),
});

const thresholdsSchema = z
  .strictObject({
    time_tracking: z
      .strictObject({ compliant_hours: positive().default(32), partial_hours: positive().default(16) })
      .default({ compliant_hours: 32, partial_hours: 16 })
      .refine((t) => t.partial_hours < t.compliant_hours, {
        error: 'partial_hours must be below compliant_hours',
        path: ['partial_hours'],
      }),
    retainer: z
      .array(positive('a positive percentage'))
      .min(1)
      .default([75, 90, 100])
      .refine((a) => a.every((v, i) => i === 0 || v > a[i - 1]!), { error: 'expected percentages in increasing order' }),
    variance: z
      .strictObject({ report: positive().default(20), alert: positive().default(30), escalate: positive().default(50) })
      .default({ report: 20, alert: 30, escalate: 50 }),
    bottleneck: z
      .strictObject({
        z: positive().default(2),
        dm_after_days: positive().default(5),
        escalate_after_days: positive().default(10),
      })
      .default({ z: 2, dm_after_days: 5, escalate_after_days: 10 }),
    epic_suggestion: z
      .strictObject({ min_confidence: z.number().min(0).max(1, { error: 'expected a number from 0 to 1' }).default(0.7) })
      .default({ min_confidence: 0.7 }),
  })
  .default({
    time_tracking: { compliant_hours: 32, partial_hours: 16 },
    retainer: [75, 90, 100],
    variance: { report: 20, alert: 30, escalate: 50 },
    bottleneck: { z: 2, dm_after_days: 5, escalate_after_days: 10 },
    epic_suggestion: { min_confidence: 0.7 },
  });

const orgConfigShape = z.strictObject({
  timezone: timeZone.default('America/New_York'),
  channels: z.strictObject({ pm_alerts: slackChannelId.optional(), leadership: slackChannelId.optional() }).default({}),
  /** Public holidays (no working day), used by burn-rate and working-day arithmetic. */
  holidays: z.array(isoDate).default([]),
  /** Base URL people use to log time (the DM link); default: Tempo's page on the Jira site. */
  tempo_app_url: z.url().optional(),
  people: z.array(personSchema).min(1, { error: 'expected at least one person' }),
  teams: z.array(teamSchema).default([]),
  projects: z.array(projectSchema).default([]),
  thresholds: thresholdsSchema,
});

export const orgConfigSchema = orgConfigShape;

interface Problem {
  path: PropertyKey[];
  message: string;
}

const asRecords = (v: unknown): Record<string, unknown>[] =>
  Array.isArray(v) ? v.map((x) => (x !== null && typeof x === 'object' ? (x as Record<string, unknown>) : {})) : [];

/**
 * Rules that look across the file: every name a team or project points at must exist, names and ids are unique,
 * retainer projects carry their hours and Tempo id. Run on the raw file, so they are reported together with shape errors.
 */
function crossReferenceProblems(raw: unknown): Problem[] {
  const cfg = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const people = asRecords(cfg.people);
  const teams = asRecords(cfg.teams);
  const projects = asRecords(cfg.projects);
  const problems: Problem[] = [];
  const names = new Set(people.map((p) => p.name).filter((n): n is string => typeof n === 'string'));
  const teamNames = new Set(teams.map((t) => t.name).filter((n): n is string => typeof n === 'string'));
  const duplicates = (items: Record<string, unknown>[], field: string, list: string, what: string) => {
    const seen = new Map<unknown, number>();
    items.forEach((item, i) => {
      const k = item[field];
      if (typeof k !== 'string') return;
      if (seen.has(k)) problems.push({ path: [list, i, field], message: `duplicate ${what} "${k}" (also at ${list}[${seen.get(k)}])` });
      else seen.set(k, i);
    });
  };
  duplicates(people, 'name', 'people', 'person name');
  duplicates(people, 'jira_account_id', 'people', 'jira_account_id');
  duplicates(teams, 'name', 'teams', 'team name');
  duplicates(projects, 'key', 'projects', 'project key');
  people.forEach((p, i) => {
    if (typeof p.team === 'string' && !teamNames.has(p.team)) {
      problems.push({ path: ['people', i, 'team'], message: `no team named "${p.team}" in teams` });
    }
  });
  teams.forEach((t, i) => {
    if (typeof t.pm === 'string' && !names.has(t.pm)) problems.push({ path: ['teams', i, 'pm'], message: `no person named "${t.pm}" in people` });
  });
  projects.forEach((p, i) => {
    if (typeof p.pm === 'string' && !names.has(p.pm)) {
      problems.push({ path: ['projects', i, 'pm'], message: `no person named "${p.pm}" in people` });
    }
    if (p.type === 'retainer') {
      if (p.monthly_retainer_hours === undefined) {
        problems.push({ path: ['projects', i, 'monthly_retainer_hours'], message: 'expected a positive number (required for a retainer project)' });
      }
      if (p.tempo_project_id === undefined) {
        problems.push({ path: ['projects', i, 'tempo_project_id'], message: 'expected the Jira project id Tempo reports under (required for a retainer project)' });
      }
    }
  });
  return problems;
}

export type OrgConfig = z.output<typeof orgConfigSchema>;
export type OrgConfigInput = z.input<typeof orgConfigSchema>;
export type Person = OrgConfig['people'][number];
export type Team = OrgConfig['teams'][number];
export type Project = OrgConfig['projects'][number];
export type Thresholds = OrgConfig['thresholds'];

/** A config file that could not be used: every problem, each with the path of the field at fault. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source} is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function formatPath(path: PropertyKey[]): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)), '');
}

/** Validate an already-parsed config object. Throws ConfigError naming every bad field. */
export function parseOrgConfig(raw: unknown, source = 'org config'): OrgConfig {
  const result = orgConfigSchema.safeParse(raw ?? {});
  const problems: string[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) {
      let message = issue.message;
      if (issue.code === 'unrecognized_keys') message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
      else if (issue.code === 'invalid_type' && /received undefined/.test(message)) message = `required: ${message.replace(/, received undefined/, '')}`;
      problems.push(issue.path.length ? `${formatPath(issue.path)}: ${message}` : message);
    }
  }
  for (const p of crossReferenceProblems(raw)) {
    const line = `${formatPath(p.path)}: ${p.message}`;
    if (!problems.some((existing) => existing.startsWith(`${formatPath(p.path)}:`))) problems.push(line);
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(source, problems);
  return result.data;
}

/** Read and validate the org config file (YAML or JSON). */
export async function loadOrgConfig(path: string): Promise<OrgConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(path, [
      code === 'ENOENT'
        ? `file not found (set PM_CONFIG to your org config; pm-agents.example.yaml is a starting point)`
        : `cannot read the file: ${(err as Error).message}`,
    ]);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? `line ${err.linePos[0].line}: ` : '';
    throw new ConfigError(path, [`${where}not valid YAML: ${(err as Error).message.split('\n')[0]}`]);
  }
  return parseOrgConfig(raw, path);
}

// ---------------------------------------------------------------------------------------------------------------
// Environment
// ---------------------------------------------------------------------------------------------------------------

/** What each variable is for, so a missing one can be explained where it is needed. */
export const ENV_PURPOSE = {
  DATABASE_URL: 'PostgreSQL connection string (absent: the embedded PGlite database in PGLITE_DIR)',
  PGLITE_DIR: 'directory of the embedded PGlite database (default ./data/pglite)',
  PM_CONFIG: 'path of the org config file (default ./pm-agents.yaml)',
  PM_TIMEZONE: 'the org time zone (default America/New_York; the config file may set it too)',
  PORT: 'HTTP port of `pm-agents serve` (default 3000)',
  SLACK_BOT_TOKEN: 'the Slack bot token (xoxb-…) from your app\'s "OAuth & Permissions" page',
  SLACK_SIGNING_SECRET: 'the Slack signing secret from your app\'s "Basic Information" page, to verify requests',
  SLACK_APP_TOKEN: 'a Slack app-level token (xapp-…) with connections:write, to use Socket Mode instead of HTTP',
  SLACK_API_URL: 'base URL of the Slack Web API (default https://slack.com/api/)',
  TEMPO_API_TOKEN: 'a Tempo API token (Tempo → Settings → API Integration) to read worklogs',
  TEMPO_BASE_URL: 'base URL of the Tempo API (default https://api.tempo.io/4)',
  JIRA_BASE_URL: 'your Jira Cloud site, e.g. https://agency.atlassian.net',
  JIRA_EMAIL: 'the email of the Atlassian account whose API token is used',
  JIRA_API_TOKEN: 'an Atlassian API token (id.atlassian.com → Security → API tokens)',
  GITHUB_TOKEN: 'a GitHub token with read access to pull requests of the configured repositories',
  GITHUB_API_URL: 'base URL of the GitHub REST API (default https://api.github.com)',
  OPENAI_API_KEY: 'an OpenAI (or compatible server) API key; absent: the local fallback is used',
  OPENAI_BASE_URL: 'base URL of an OpenAI-compatible server (Ollama, vLLM, Azure); default OpenAI\'s',
  OPENAI_MODEL: 'chat model for planning and classification (default gpt-4o-mini)',
  OPENAI_EMBEDDING_MODEL: 'embedding model (default text-embedding-3-small)',
} as const;
export type EnvVar = keyof typeof ENV_PURPOSE;

/** A required variable is missing for the part that needs it. Lists every missing one with its purpose. */
export class MissingEnvError extends Error {
  constructor(
    readonly part: string,
    readonly variables: EnvVar[],
  ) {
    super(
      `${part} needs ${variables.length === 1 ? 'this environment variable' : 'these environment variables'}:\n` +
        variables.map((v) => `  - ${v}: ${ENV_PURPOSE[v]}`).join('\n'),
    );
    this.name = 'MissingEnvError';
  }
}

export type Env = Partial<Record<string, string | undefined>>;

function value(env: Env, name: EnvVar): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

/** Return the named variables, or throw one MissingEnvError listing every one that is absent. */
export function requireEnv<K extends EnvVar>(env: Env, part: string, names: readonly K[]): Record<K, string> {
  const missing = names.filter((n) => value(env, n) === undefined);
  if (missing.length > 0) throw new MissingEnvError(part, missing);
  return Object.fromEntries(names.map((n) => [n, value(env, n)!])) as Record<K, string>;
}

export interface RuntimeSettings {
  databaseUrl: string | undefined;
  pgliteDir: string;
  configPath: string;
  /** Time zone from PM_TIMEZONE; the config file's `timezone` wins when PM_TIMEZONE is unset. */
  timezoneOverride: string | undefined;
  port: number;
  slackApiUrl: string | undefined;
}

export function readRuntimeSettings(env: Env): RuntimeSettings {
  const tz = value(env, 'PM_TIMEZONE');
  if (tz !== undefined && !isValidTimeZone(tz)) {
    throw new ConfigError('environment', [`PM_TIMEZONE: "${tz}" is not an IANA time zone (e.g. America/New_York)`]);
  }
  const portText = value(env, 'PORT');
  const port = portText === undefined ? 3000 : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError('environment', [`PORT: "${portText}" is not a port number`]);
  }
  return {
    databaseUrl: value(env, 'DATABASE_URL'),
    pgliteDir: value(env, 'PGLITE_DIR') ?? './data/pglite',
    configPath: value(env, 'PM_CONFIG') ?? './pm-agents.yaml',
    timezoneOverride: tz,
    port,
    slackApiUrl: value(env, 'SLACK_API_URL'),
  };
}

/** The whole configuration a command runs with. */
export interface Config {
  org: OrgConfig;
  timezone: string;
  runtime: RuntimeSettings;
  env: Env;
}

export async function loadConfig(env: Env = process.env): Promise<Config> {
  const runtime = readRuntimeSettings(env);
  const org = await loadOrgConfig(runtime.configPath);
  return { org, timezone: runtime.timezoneOverride ?? org.timezone, runtime, env };
}

/** One line per part of the config, for `pm-agents config check`. */
export function summariseOrgConfig(org: OrgConfig): string[] {
  const active = org.people.filter((p) => p.active);
  const byType = PROJECT_TYPES.map((t) => `${org.projects.filter((p) => p.type === t).length} ${t}`).join(', ');
  return [
    `time zone: ${org.timezone}`,
    `people: ${org.people.length} (${active.length} active, ${org.people.filter((p) => p.pm).length} PMs)`,
    `teams: ${org.teams.map((t) => `${t.name} (PM ${t.pm})`).join(', ') || 'none'}`,
    `projects: ${org.projects.length} (${byType})`,
    `channels: pm_alerts ${org.channels.pm_alerts ?? 'not set'}, leadership ${org.channels.leadership ?? 'not set'}`,
  ];
}
