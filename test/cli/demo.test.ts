import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoCommand } from '../../src/cli/demo.ts';
import { loadOrgConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';

describe('pm-agents demo', () => {
  it('runs every agent on the sample agency and shows the Slack messages as people would read them', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'pm-demo-'));
    const lines: string[] = [];
    const code = await demoCommand({ outDir, write: (t) => lines.push(t) }, silentLogger);
    const transcript = lines.join('\n');
    expect(code).toBe(0);
    // The time-tracking DMs and PM summaries, with exact figures.
    expect(transcript).toMatch(/── DM to .+ ──\n.*you logged 31h 59m in Tempo for Mon Nov 17 – Sun Nov 23/);
    expect(transcript).toMatch(/Repeat offenders \(1\)\n• .+: 3 weeks in a row/);
    expect(transcript).toMatch(/Could not DM \(1\)/);
    expect(transcript).toMatch(/✓ time-tracking-compliance: week 2025-11-17\.\.2025-11-23/);
    // The retainer monitor: an alert with its forecast sentence, the chart, and the daily summary.
    expect(transcript).toMatch(/Critical: [\dhm ]+ remaining \(9\d % used\)\nAt [\d.]+ h per working day, the \d+ h retainer runs out on Wed Nov 26/);
    expect(transcript).toMatch(/── #pm-alerts ──\nRetainer budgets · Mon Nov 24, 17:00/);
    expect(transcript).toMatch(/\[file: SUBS-2025-11-burn-up\.png, \d+ KB\] \(saved as /);
    expect(transcript).toMatch(/✓ retainer-budget-monitor: month 2025-11/);
    // /plan through the real Bolt receiver: the plan for review, then the progress view reaching done.
    expect(transcript).toMatch(/── #client-subs: the plan, for review ──\n📋 Launch .+ on Fri Dec 12/);
    expect(transcript).toMatch(/🎉 Done — 7 of 7 done/);
    expect(transcript).toMatch(/✓ \/plan: result plan \d+ done: 7 of 7 steps/);
    expect(transcript).not.toMatch(/"level":/); // no log noise in the transcript
    // The config it ran with is there to read, and valid.
    expect(await readdir(outDir)).toEqual(expect.arrayContaining(['pm-agents.sample.yaml', 'SUBS-2025-11-burn-up.png']));
    await loadOrgConfig(join(outDir, 'pm-agents.sample.yaml'));
  });
});
