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
    expect(transcript).not.toMatch(/"level":/); // no log noise in the transcript
    // The config it ran with is there to read, and valid.
    expect(await readdir(outDir)).toContain('pm-agents.sample.yaml');
    await loadOrgConfig(join(outDir, 'pm-agents.sample.yaml'));
  });
});
