// What a benchmark runs on: a sized sample agency behind the fake APIs (with latency and Slack's rate limits), a
// database (PostgreSQL when one answers, as in production; else PGlite), and a child process running the job.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { AgencyData } from '../src/sandbox/agency-data.ts';
import { writeSampleConfig } from '../src/sandbox/sample-agency.ts';
import { startSandbox, type Sandbox } from '../src/sandbox/sandbox.ts';

const exec = promisify(execFile);

/**
 * How a bench starts its child process: `node --import tsx`, plus a CPU profile of the child when
 * `BENCH_CPU_PROF=<dir>` is set (open the .cpuprofile in Chrome DevTools or speedscope).
 */
export function childNodeArgs(): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  return ['--import', 'tsx', ...(dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [])];
}

/** Slack's published limits, per minute: chat.postMessage ~1/s per channel with bursts (DMs are separate channels; we
 * cap the workspace at 600/min), users.lookupByEmail tier 3 (50+), conversations.open tier 3, files tier 2–4. */
export const SLACK_LIMITS = { 'chat.postMessage': 600, 'users.lookupByEmail': 100, 'conversations.open': 100, 'files.getUploadURLExternal': 100, 'files.completeUploadExternal': 100 };

export interface BenchEnvironment {
  sandbox: Sandbox;
  env: Record<string, string>;
  database: 'postgres' | 'pglite';
  runJob(job: string, asOf: string): Promise<{ outcome: string; durationMs: number; rssBeforeJobMb: number; peakRssMb: number; stats: Record<string, unknown> }>;
  close(): Promise<void>;
}

async function postgresUrl(): Promise<string | null> {
  const url = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return url;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function benchEnvironment(data: AgencyData, latencyMs: number): Promise<BenchEnvironment> {
  const sandbox = await startSandbox(data, { latencyMs, slackRateLimits: SLACK_LIMITS });
  const dir = await mkdtemp(join(tmpdir(), 'pm-bench-'));
  await writeSampleConfig(data, join(dir, 'pm-agents.yaml'));
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PM_CONFIG: join(dir, 'pm-agents.yaml'), PGLITE_DIR: join(dir, 'pglite') };
  for (const [k, v] of Object.entries(sandbox.env)) if (v) env[k] = v;
  const adminUrl = await postgresUrl();
  let dropDatabase = async () => undefined as void;
  if (adminUrl) {
    const name = `bench_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    env.DATABASE_URL = u.toString();
    dropDatabase = async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  }
  return {
    sandbox,
    env,
    database: adminUrl ? 'postgres' : 'pglite',
    async runJob(job, asOf) {
      const { stdout } = await exec(process.execPath, [...childNodeArgs(), 'bench/job-process.ts', job, asOf], { env, maxBuffer: 64 * 1024 * 1024, timeout: 600_000 });
      return JSON.parse(stdout.trim().split('\n').pop()!);
    },
    async close() {
      await sandbox.stop();
      await dropDatabase();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
