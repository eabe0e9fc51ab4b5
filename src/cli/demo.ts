// `pm-agents demo`: the sample agency served by the fake APIs in-process, PGlite in a temporary directory, every agent
// run once as of a fixed moment, every Slack message shown as a person would read it, files written to ./out.
// No network, no environment, no setup.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { renderMessageText } from '../bot/blocks/render-text.ts';
import { fixedClock } from '../clock.ts';
import { parseOrgConfig, readRuntimeSettings, type Config } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import type { JobDefinition } from '../jobs/job.ts';
import { jobs } from '../jobs/registry.ts';
import { executeJob, type JobOutcome } from '../jobs/run-job.ts';
import type { Logger } from '../logger.ts';
import { openRuntime } from '../runtime.ts';
import { runPlanScene } from './demo-plan.ts';
import { DEMO_AS_OF, generateSampleAgency, writeSampleConfig } from '../sandbox/sample-agency.ts';
import { startSandbox } from '../sandbox/sandbox.ts';
import type { SlackFake, SlackFakeMessage } from '../sandbox/servers/slack.ts';

/** The moment each agent is shown at: its own scheduled time on the demo's Monday. */
const DEMO_MOMENTS: Partial<Record<JobDefinition['name'], string>> = {
  'time-tracking-compliance': '2025-11-24T10:00:00-05:00',
  'retainer-budget-monitor': '2025-11-24T17:00:00-05:00',
};

/** Earlier runs replayed first, unprinted, so the shown run has history (streaks, change from last week). */
const DEMO_HISTORY: Partial<Record<JobDefinition['name'], string[]>> = {
  'time-tracking-compliance': ['2025-11-03T10:00:00-05:00', '2025-11-10T10:00:00-05:00', '2025-11-17T10:00:00-05:00'],
};

export interface DemoOptions {
  outDir: string;
  /** Where the transcript goes (default stdout). */
  write?: (text: string) => void;
}

const rule = (title: string) => `\n${'═'.repeat(4)} ${title} ${'═'.repeat(Math.max(4, 76 - title.length))}`;

function recipientLabel(slack: SlackFake, message: SlackFakeMessage, names: Map<string, string>, channels: Map<string, string>): string {
  const user = slack.userOfDm(message.channel) ?? (message.channel.startsWith('U') ? message.channel : undefined);
  const where = user ? `DM to ${names.get(user) ?? user}` : `#${channels.get(message.channel) ?? message.channel}`;
  return message.threadTs ? `${where} (in thread)` : where;
}

export async function demoCommand(options: DemoOptions, logger: Logger): Promise<number> {
  const write = options.write ?? ((text: string) => process.stdout.write(`${text}\n`));
  const started = performance.now();
  const data = generateSampleAgency();
  const outDir = resolve(options.outDir);
  await mkdir(outDir, { recursive: true });
  await writeSampleConfig(data, join(outDir, 'pm-agents.sample.yaml'));

  const sandbox = await startSandbox(data, { clock: fixedClock(DEMO_AS_OF) });
  const dataDir = await mkdtemp(join(tmpdir(), 'pm-agents-demo-'));
  const database = await openDatabase({ pgliteDir: dataDir });
  const env = { ...sandbox.env, PGLITE_DIR: dataDir };
  const org = parseOrgConfig(data.orgConfig, 'the sample agency');
  const config: Config = { org, timezone: org.timezone, runtime: readRuntimeSettings(env), env };
  const names = new Map(data.slack.users.map((u) => [u.id, u.realName]));
  const channels = new Map(data.slack.channels.map((c) => [c.id, c.name]));
  const outcomes: { job: string; asOf: string; outcome: JobOutcome }[] = [];

  write(`pm-agents demo — a simulated agency: ${org.people.length} people, ${org.teams.length} teams, ${org.projects.length} projects.`);
  write(`Tempo, Jira, GitHub and Slack are simulated on 127.0.0.1; the database is PGlite in ${dataDir}.`);
  write(`Its config: ${join(options.outDir, 'pm-agents.sample.yaml')}`);
  try {
    for (const job of jobs) {
      if (job.name === 'plan-executor') continue; // runs inside the /plan scene below, as it does inside `serve`
      const asOf = DEMO_MOMENTS[job.name] ?? DEMO_AS_OF;
      const history = DEMO_HISTORY[job.name] ?? [];
      for (const earlier of history) {
        const past = await openRuntime({ env, logger, clock: fixedClock(earlier), config, database, outDir });
        await executeJob(past.ctx, job, { asOf: new Date(earlier), dryRun: false, trigger: 'manual' });
        await past.close();
      }
      const runtime = await openRuntime({ env, logger, clock: fixedClock(asOf), config, database, outDir });
      const before = sandbox.slack.messages.length;
      write(rule(`${job.name} — as of ${asOf}`));
      if (history.length > 0) write(`(replayed first, not shown: the runs of ${history.map((h) => h.slice(0, 10)).join(', ')}, so this one has history)`);
      const outcome = await executeJob(runtime.ctx, job, { asOf: new Date(asOf), dryRun: false, trigger: 'manual' });
      outcomes.push({ job: job.name, asOf, outcome });
      for (const message of sandbox.slack.messages.slice(before)) {
        write(`\n── ${recipientLabel(sandbox.slack, message, names, channels)} ──`);
        if (message.text || message.blocks.length > 0) write(renderMessageText(message, { names: Object.fromEntries(names) }));
        for (const fileId of message.files ?? []) {
          const file = sandbox.slack.files.find((f) => f.id === fileId);
          if (!file) continue;
          const saved = existsSync(join(outDir, file.filename)) ? ` (saved as ${join(options.outDir, file.filename)})` : '';
          write(`[file: ${file.filename}${file.bytes ? `, ${Math.round(file.bytes.length / 1024)} KB` : ''}]${saved}`);
        }
      }
      if (outcome.status === 'failed') write(`\n✗ ${job.name} failed: ${outcome.error}`);
      await runtime.close();
    }
    outcomes.push(...(await planScene(sandbox, config, env, database, outDir, logger, write)));
  } finally {
    await sandbox.stop();
    await database.close();
    await rm(dataDir, { recursive: true, force: true });
  }

  write(rule('summary'));
  for (const { job, outcome } of outcomes) {
    if (outcome.status === 'succeeded') write(`✓ ${job}: ${summariseStats(outcome.stats)}`);
    else write(`✗ ${job}: ${outcome.status === 'failed' ? outcome.error : outcome.reason}`);
  }
  write(`\nFiles in ${options.outDir}. Finished in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  write('Next: copy pm-agents.example.yaml to pm-agents.yaml, set the tokens (README.md), then `npx pm-agents run <job> --dry-run`.');
  return outcomes.every((o) => o.outcome.status === 'succeeded') ? 0 : 1;
}

/** `/plan` through the real Bolt receiver: typed by a project's PM in the project's channel, approved, executed. */
async function planScene(
  sandbox: Awaited<ReturnType<typeof startSandbox>>,
  config: Config,
  env: Record<string, string | undefined>,
  database: Awaited<ReturnType<typeof openDatabase>>,
  outDir: string,
  logger: Logger,
  write: (text: string) => void,
): Promise<{ job: string; asOf: string; outcome: JobOutcome }[]> {
  const org = config.org;
  const project = org.projects.find((p) => p.slack_channel && p.pm && org.people.find((x) => x.name === p.pm)?.slack_user_id);
  if (!project) return [];
  const pm = org.people.find((x) => x.name === project.pm)!;
  write(rule(`/plan — typed by ${pm.name}, as of ${DEMO_AS_OF}`));
  const runtime = await openRuntime({ env, logger, config, database, outDir, clock: fixedClock(DEMO_AS_OF) });
  try {
    const started = performance.now();
    const scene = await runPlanScene({ sandbox, ctx: runtime.ctx, write, requesterSlackId: pm.slack_user_id!, channelId: project.slack_channel! });
    const durationMs = performance.now() - started;
    const outcome: JobOutcome = scene.ok
      ? { status: 'succeeded', stats: { result: scene.summary }, durationMs, runId: null }
      : { status: 'failed', error: scene.summary, durationMs, runId: null };
    return [{ job: '/plan', asOf: DEMO_AS_OF, outcome }];
  } finally {
    await runtime.close();
  }
}

/** One line of the figures a PM cares about. */
function summariseStats(stats: Record<string, unknown>): string {
  return Object.entries(stats)
    .filter(([, v]) => typeof v === 'number' || typeof v === 'string' || (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length <= 6))
    .map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v).replace(/"/g, '') : v}`)
    .join(' · ');
}
