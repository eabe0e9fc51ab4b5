// Runs jobs the way `pm-agents run` does — real config, database, clients and notifier — against a sandbox of fake
// servers serving a given agency, on a test database.
import { fixedClock, type Clock } from '../../src/clock.ts';
import { parseOrgConfig, readRuntimeSettings, type Config } from '../../src/config.ts';
import type { Engine } from '../../src/db/database.ts';
import type { JobDefinition } from '../../src/jobs/job.ts';
import { executeJob, type JobOutcome } from '../../src/jobs/run-job.ts';
import { silentLogger, type Logger } from '../../src/logger.ts';
import { openRuntime, type Runtime } from '../../src/runtime.ts';
import type { AgencyData } from '../../src/sandbox/agency-data.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { createTestDatabase, type TestDatabase } from './databases.ts';

export interface JobHarness {
  sandbox: Sandbox;
  database: TestDatabase;
  config: Config;
  /** Run a job once as `pm-agents run <job> --as-of <asOf> [--dry-run]` would. */
  run(job: JobDefinition, asOf: string, options?: { dryRun?: boolean; rendered?: string[] }): Promise<JobOutcome>;
  close(): Promise<void>;
}

/** Retries fast in tests: the behaviour is the production policy's, only the waits are shrunk. */
export const FAST_POLICY = { baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 5000 } as const;
/** Every wait an API asks for (Retry-After, Tempo's 5/10/15 s) shortened a thousandfold. */
export const shrunkSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.ceil(ms / 1000)));

export async function createJobHarness(engine: Engine, data: AgencyData, options: { logger?: Logger; clock?: Clock } = {}): Promise<JobHarness> {
  const database = await createTestDatabase(engine);
  const sandbox = await startSandbox(data, { clock: options.clock });
  const env = { ...sandbox.env };
  const config: Config = { org: parseOrgConfig(data.orgConfig), timezone: data.orgConfig.timezone ?? 'America/New_York', runtime: readRuntimeSettings(env), env };
  const runtimes: Runtime[] = [];
  return {
    sandbox,
    database,
    config,
    async run(job, asOf, runOptions = {}) {
      const runtime = await openRuntime({
        env,
        logger: options.logger ?? silentLogger,
        clock: fixedClock(asOf),
        config,
        database: database.handle,
        dryRun: runOptions.dryRun,
        render: ({ target, text }) => runOptions.rendered?.push(`${target}\n${text}`),
        clientOptions: { policy: FAST_POLICY, sleep: shrunkSleep, slackRetries: 2 },
      });
      runtimes.push(runtime);
      return executeJob(runtime.ctx, job, { asOf: new Date(asOf), dryRun: runOptions.dryRun ?? false, trigger: 'manual' });
    },
    async close() {
      await sandbox.stop();
      await database.close();
    },
  };
}
