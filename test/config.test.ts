import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadOrgConfig, MissingEnvError, parseOrgConfig, readRuntimeSettings, requireEnv } from '../src/config.ts';

const person = (name: string, id: string, extra: Record<string, unknown> = {}) => ({ name, jira_account_id: id, ...extra });
const base = () => ({
  people: [person('Grace Hopper', 'g1', { pm: true, team: 'platform' }), person('Ada Lovelace', 'a1', { team: 'platform', slack_user_id: 'U01ADA' })],
  teams: [{ name: 'platform', pm: 'Grace Hopper' }],
  projects: [{ key: 'SUBS', name: 'Subscriptions', type: 'retainer', monthly_retainer_hours: 120, tempo_project_id: 10001, pm: 'Grace Hopper' }],
});

function problemsOf(raw: unknown): string[] {
  try {
    parseOrgConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('org config', () => {
  it('fills the documented defaults', () => {
    const cfg = parseOrgConfig(base());
    expect(cfg.timezone).toBe('America/New_York');
    expect(cfg.people[1]).toMatchObject({ active: true, weekly_hours: 40, pm: false });
    expect(cfg.thresholds).toEqual({
      time_tracking: { compliant_hours: 32, partial_hours: 16 },
      retainer: [75, 90, 100],
      variance: { report: 20, alert: 30, escalate: 50 },
      bottleneck: { z: 2, dm_after_days: 5, escalate_after_days: 10 },
      epic_suggestion: { min_confidence: 0.7 },
    });
    expect(cfg.projects[0]!.github_repos).toEqual([]);
  });

  it.each([
    ['a team pm who is not a person', (c: any) => (c.teams[0].pm = 'Nobody'), 'teams[0].pm: no person named "Nobody" in people'],
    ['a project pm who is not a person', (c: any) => (c.projects[0].pm = 'Nobody'), 'projects[0].pm: no person named "Nobody" in people'],
    ['a time zone that does not exist', (c: any) => (c.timezone = 'Mars/Olympus'), 'timezone: expected an IANA time zone'],
    ['a retainer without hours', (c: any) => delete c.projects[0].monthly_retainer_hours, 'projects[0].monthly_retainer_hours: expected a positive number'],
    ['a retainer with negative hours', (c: any) => (c.projects[0].monthly_retainer_hours = -5), 'projects[0].monthly_retainer_hours: expected a positive number'],
    ['a retainer without tempo_project_id', (c: any) => delete c.projects[0].tempo_project_id, 'projects[0].tempo_project_id: expected the Jira project id'],
    ['an unknown project type', (c: any) => (c.projects[0].type = 'fixed'), 'projects[0].type: expected one of retainer, scope, internal'],
    ['a person in an unknown team', (c: any) => (c.people[1].team = 'mobile'), 'people[1].team: no team named "mobile" in teams'],
    ['a duplicate account id', (c: any) => (c.people[1].jira_account_id = 'g1'), 'people[1].jira_account_id: duplicate jira_account_id "g1"'],
    ['a misspelt field', (c: any) => (c.people[0].weekly_hrs = 20), 'people[0]: unknown field "weekly_hrs"'],
    ['weekly hours of zero', (c: any) => (c.people[0].weekly_hours = 0), 'people[0].weekly_hours: expected a positive number of hours'],
    ['a Slack id that is not one', (c: any) => (c.people[1].slack_user_id = 'ada'), 'people[1].slack_user_id: expected a Slack user id'],
    ['thresholds out of order', (c: any) => (c.thresholds = { retainer: [90, 75] }), 'thresholds.retainer: expected percentages in increasing order'],
    ['partial above compliant', (c: any) => (c.thresholds = { time_tracking: { compliant_hours: 10, partial_hours: 16 } }), 'thresholds.time_tracking.partial_hours: partial_hours must be below compliant_hours'],
  ])('refuses %s, naming the field', (_what, mutate, expected) => {
    const cfg = base();
    mutate(cfg);
    const problems = problemsOf(cfg);
    expect(problems.some((p) => p.startsWith(expected)), `got: ${problems.join(' | ')}`).toBe(true);
  });

  it('reports shape errors and cross-reference errors together', () => {
    const cfg: any = base();
    cfg.timezone = 'Nowhere/Land';
    cfg.teams[0].pm = 'Nobody';
    cfg.projects[0].monthly_retainer_hours = 'lots';
    cfg.projects.push({ key: 'satg', name: 'Stagecoach', type: 'scope', pm: 'Ghost' });
    cfg.people[0].weekly_hours = -1;
    const problems = problemsOf(cfg);
    expect(problems.map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining(['timezone', 'teams[0].pm', 'projects[0].monthly_retainer_hours', 'projects[1].key', 'projects[1].pm', 'people[0].weekly_hours']),
    );
  });

  it('names the file and line of a YAML syntax error, and a missing file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cfg-'));
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'people:\n  - { name: Ada\n');
    await expect(loadOrgConfig(bad)).rejects.toThrow(/bad\.yaml is not valid:\n {2}- line \d+: not valid YAML/);
    await expect(loadOrgConfig(join(dir, 'missing.yaml'))).rejects.toThrow(/file not found \(set PM_CONFIG/);
  });

  it('loads the shipped example file', async () => {
    const cfg = await loadOrgConfig('pm-agents.example.yaml');
    expect(cfg.projects.map((p) => p.key)).toEqual(['SUBS', 'SATG', 'OPS']);
  });
});

describe('environment', () => {
  it('names every missing variable and what it is for', () => {
    expect(() => requireEnv({ JIRA_EMAIL: 'x' }, 'Reading Jira', ['JIRA_BASE_URL', 'JIRA_EMAIL', 'JIRA_API_TOKEN'])).toThrow(MissingEnvError);
    try {
      requireEnv({ JIRA_EMAIL: 'x', JIRA_API_TOKEN: '  ' }, 'Reading Jira', ['JIRA_BASE_URL', 'JIRA_EMAIL', 'JIRA_API_TOKEN']);
    } catch (err) {
      expect((err as MissingEnvError).variables).toEqual(['JIRA_BASE_URL', 'JIRA_API_TOKEN']);
      expect((err as Error).message).toMatch(/JIRA_BASE_URL: your Jira Cloud site/);
    }
  });

  it('uses the documented defaults and refuses a bad time zone or port', () => {
    expect(readRuntimeSettings({})).toMatchObject({ databaseUrl: undefined, pgliteDir: './data/pglite', configPath: './pm-agents.yaml', port: 3000 });
    expect(() => readRuntimeSettings({ PM_TIMEZONE: 'EST5EDT-ish' })).toThrow(/PM_TIMEZONE/);
    expect(() => readRuntimeSettings({ PORT: 'eighty' })).toThrow(/PORT/);
  });
});
