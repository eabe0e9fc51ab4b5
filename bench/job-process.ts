// Runs one job once in a process of its own, so its duration and peak memory are its own, and prints them as JSON.
// argv: <job> <as-of ISO>; env: the sandbox's variables, PM_CONFIG, DATABASE_URL or PGLITE_DIR.
import { fixedClock } from '../src/clock.ts';
import { findJob } from '../src/jobs/registry.ts';
import { executeJob } from '../src/jobs/run-job.ts';
import { createLogger } from '../src/logger.ts';
import { openRuntime } from '../src/runtime.ts';

const [name, asOfText] = process.argv.slice(2);
const job = findJob(name ?? '');
if (!job || !asOfText) {
  console.error('usage: job-process <job> <as-of ISO>');
  process.exit(2);
}
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const asOf = new Date(asOfText);
const runtime = await openRuntime({ env: process.env, logger: createLogger({ level: 'error' }), clock: fixedClock(asOf) });
const rssBeforeMb = mb(process.memoryUsage().rss);
const started = performance.now();
const outcome = await executeJob(runtime.ctx, job, { asOf, dryRun: false, trigger: 'manual' });
const durationMs = Math.round(performance.now() - started);
await runtime.close();
process.stdout.write(
  `${JSON.stringify({ outcome: outcome.status, durationMs, rssBeforeJobMb: rssBeforeMb, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024), stats: outcome.status === 'succeeded' ? outcome.stats : outcome })}\n`,
);
