import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** Runs the installed `pm-agents` bin as a user would, with only the given environment. */
async function pmAgents(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/pm-agents.js', ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'silent', ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const BAD_CONFIG = `
timezone: America/Nowhere
people:
  - { name: Grace Hopper, jira_account_id: g1, pm: true, team: platform }
  - { name: Ada Lovelace, jira_account_id: a1, team: platfrom, weekly_hours: -4 }
teams:
  - { name: platform, pm: Grace Hoper }
projects:
  - { key: SUBS, name: Subscriptions, type: retainer, tempo_project_id: 10001 }
`;

describe('the pm-agents command', () => {
  it('config check names every mistake in a file with five, with its path, and exits 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pm-cli-'));
    await writeFile(join(dir, 'bad.yaml'), BAD_CONFIG);
    const { code, stderr } = await pmAgents(['config', 'check'], { PM_CONFIG: join(dir, 'bad.yaml') });
    expect(code).toBe(1);
    expect(stderr).toContain('bad.yaml is not valid');
    for (const path of ['timezone:', 'people[1].team:', 'people[1].weekly_hours:', 'teams[0].pm:', 'projects[0].monthly_retainer_hours:']) {
      expect(stderr).toContain(`  - ${path}`);
    }
  });

  it('config check prints a summary of a good file', async () => {
    const { code, stdout } = await pmAgents(['config', 'check'], { PM_CONFIG: 'pm-agents.example.yaml' });
    expect(code).toBe(0);
    expect(stdout).toMatch(/pm-agents\.example\.yaml is valid/);
    expect(stdout).toMatch(/projects: 3 \(1 retainer, 1 scope, 1 internal\)/);
  });

  it('serve without Slack credentials exits 1, naming each missing variable and pointing to the demo', async () => {
    const { code, stderr } = await pmAgents(['serve'], { PM_CONFIG: 'pm-agents.example.yaml' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/SLACK_BOT_TOKEN: /);
    expect(stderr).toMatch(/SLACK_SIGNING_SECRET: /);
    expect(stderr).toMatch(/npx pm-agents demo/);
  });

  it('refuses an unknown job and lists the known ones', async () => {
    const { code, stderr } = await pmAgents(['run', 'coffee-machine'], { PM_CONFIG: 'pm-agents.example.yaml' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/Unknown job "coffee-machine"\. Jobs: time-tracking-compliance/);
  });
});
