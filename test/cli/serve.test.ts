import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSampleAgency, writeSampleConfig } from '../../src/sandbox/sample-agency.ts';
import { SANDBOX_TOKENS, startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { postSigned, slashCommandForm } from '../support/slack-signing.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe('pm-agents serve', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox(generateSampleAgency());
  });
  afterAll(async () => sandbox.stop());

  it('serves Slack requests and health checks, and stops cleanly on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pm-serve-'));
    await writeSampleConfig(generateSampleAgency(), join(dir, 'pm-agents.yaml'));
    const port = await freePort();
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PM_CONFIG: join(dir, 'pm-agents.yaml'), PGLITE_DIR: join(dir, 'db'), PORT: String(port), NODE_ENV: 'production' };
    for (const [k, v] of Object.entries(sandbox.env)) if (v) env[k] = v;
    const child = spawn(process.execPath, ['bin/pm-agents.js', 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += String(d)));
    child.stderr.on('data', (d) => (output += String(d)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 60_000;
      while (!output.includes('pm-agents is serving') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(output).toContain('pm-agents is serving');

      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(await health.json()).toEqual({ ok: true, database: 'up' });
      const res = await postSigned(`http://127.0.0.1:${port}/slack/events`, slashCommandForm('/plan', 'launch'), { secret: SANDBOX_TOKENS.slackSigningSecret });
      expect(res.status).toBe(200);
      expect(output).not.toContain(SANDBOX_TOKENS.slack); // tokens never logged
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(output).toMatch(/shutting down/);
    expect(output).toMatch(/"msg":"stopped"/);
  }, 120_000);
});
