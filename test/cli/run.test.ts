import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAsOf } from '../../src/cli/run.ts';
import { DEMO_AS_OF, generateSampleAgency, writeSampleConfig } from '../../src/sandbox/sample-agency.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';

const exec = promisify(execFile);

describe('--as-of', () => {
  it('reads a date-time without an offset in the org time zone, and keeps an explicit offset', () => {
    expect(parseAsOf('2025-11-24T10:00', 'America/New_York').toISOString()).toBe('2025-11-24T15:00:00.000Z');
    expect(parseAsOf('2025-11-24', 'America/New_York').toISOString()).toBe('2025-11-24T05:00:00.000Z');
    expect(parseAsOf('2025-11-24T10:00:00+01:00', 'America/New_York').toISOString()).toBe('2025-11-24T09:00:00.000Z');
    expect(() => parseAsOf('last monday', 'America/New_York')).toThrow(/not an ISO date-time/);
  });
});

describe('pm-agents run against the sample agency (a child process talking to the fake APIs)', () => {
  let sandbox: Sandbox;
  let env: Record<string, string>;
  beforeAll(async () => {
    const data = generateSampleAgency();
    sandbox = await startSandbox(data);
    const dir = await mkdtemp(join(tmpdir(), 'pm-run-'));
    await writeSampleConfig(data, join(dir, 'pm-agents.yaml'));
    env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'silent', PM_CONFIG: join(dir, 'pm-agents.yaml'), PGLITE_DIR: join(dir, 'pglite') };
    for (const [k, v] of Object.entries(sandbox.env)) if (v) env[k] = v;
  });
  afterAll(async () => sandbox.stop());

  const pmAgents = (args: string[]) => exec(process.execPath, ['bin/pm-agents.js', ...args], { env, timeout: 90_000 });

  it('dry-runs, then runs the time tracking agent as of a Monday, prints the stats, and lists the run', async () => {
    const dry = await pmAgents(['run', 'time-tracking-compliance', '--as-of', '2025-11-24T10:00', '--dry-run']);
    expect(dry.stdout).toMatch(/── would send to U\w+ ──\n.*you logged/);
    expect(sandbox.slack.messages).toEqual([]);

    const { stdout } = await pmAgents(['run', 'time-tracking-compliance', '--as-of', DEMO_AS_OF]);
    const result = JSON.parse(stdout.slice(stdout.indexOf('{')));
    expect(result).toMatchObject({ job: 'time-tracking-compliance', status: 'succeeded', dryRun: false, stats: { week: '2025-11-17..2025-11-23' } });
    expect(result.stats.dms.sent).toBeGreaterThan(0);
    expect(sandbox.slack.messages.length).toBe(result.stats.dms.sent + result.stats.pmSummaries.sent);

    const list = await pmAgents(['run', '--list']);
    expect(list.stdout).toMatch(/time-tracking-compliance\s+0 10 \* \* 1\s+next \d{4}-\d\d-\d\dT\S+\s+last succeeded/);
  }, 180_000); // three cold starts of the CLI (tsx + an on-disk PGlite) on a loaded 2-core machine
});
