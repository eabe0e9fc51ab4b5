import cron from 'node-cron';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.ts';
import { parseOrgConfig, readRuntimeSettings, type Config } from '../../src/config.ts';
import type { Db } from '../../src/db/database.ts';
import { runsOf } from '../../src/db/job-runs.ts';
import { createClients } from '../../src/integrations/clients.ts';
import type { JobContext, JobDefinition } from '../../src/jobs/job.ts';
import { Notifier } from '../../src/jobs/notifier.ts';
import { nextSlot, previousSlot, Scheduler } from '../../src/jobs/scheduler.ts';
import { silentLogger } from '../../src/logger.ts';
import { createTestDatabase, postgresSkipReason, testEngines, type TestDatabase, useTwoConnections } from '../support/databases.ts';

const config: Config = {
  org: parseOrgConfig({ people: [{ name: 'Grace', jira_account_id: 'g1' }] }),
  timezone: 'America/New_York',
  runtime: readRuntimeSettings({}),
  env: {},
};

function contextOn(db: Db, now = new Date()): JobContext {
  return {
    config,
    db,
    clients: createClients({}, { logger: silentLogger }),
    clock: fixedClock(now),
    notifier: new Notifier({ db, slack: null, logger: silentLogger, runner: 'test' }),
    logger: silentLogger,
    outDir: './out',
  };
}

function recordingJob(schedule: string, graceMs: number, calls: { asOf: Date; by: string }[], by: string): JobDefinition {
  return {
    name: 'time-tracking-compliance',
    description: 'test job',
    schedule,
    graceMs,
    run: async (_ctx, { asOf }) => {
      calls.push({ asOf, by });
      return { ran: true };
    },
  };
}

describe('previousSlot', () => {
  it('finds the latest Monday 10:00 in New York, across the DST change', () => {
    const task = cron.createTask('0 10 * * 1', () => undefined, { timezone: 'America/New_York' });
    // Tuesday Nov 4 2025 12:00 UTC: last Monday 10:00 EST was 15:00 UTC (EDT would have been 14:00).
    expect(previousSlot(task, new Date('2025-11-04T12:00:00Z'), 2 * 86_400_000, false)?.toISOString()).toBe('2025-11-03T15:00:00.000Z');
    expect(previousSlot(task, new Date('2025-11-04T12:00:00Z'), 3600_000, false)).toBeUndefined();
  });

  it('finds the next slot too, for run --list (Monday 10:00 EST after the change)', () => {
    const task = cron.createTask('0 10 * * 1', () => undefined, { timezone: 'America/New_York' });
    expect(nextSlot(task, new Date('2025-10-28T12:00:00Z'), 8 * 86_400_000, false)?.toISOString()).toBe('2025-11-03T15:00:00.000Z');
    expect(nextSlot(task, new Date('2025-10-21T12:00:00Z'), 8 * 86_400_000, false)?.toISOString()).toBe('2025-10-27T14:00:00.000Z');
  });
});

describe.each(testEngines())('scheduler catch-up on %s', (engine) => {
  let database: TestDatabase;
  afterEach(async () => database?.close());

  it('runs a slot missed while down once, within the grace window only', async () => {
    database = await createTestDatabase(engine);
    const calls: { asOf: Date; by: string }[] = [];
    const job = recordingJob('0 10 * * 1', 86_400_000, calls, 'a');
    const mondayLate = new Date('2025-11-24T19:00:00Z'); // Monday 14:00 in New York; the 10:00 tick was missed
    const scheduler = new Scheduler(contextOn(database.db, mondayLate), { jobs: [job], timezone: 'America/New_York' });

    const first = await scheduler.catchUp(mondayLate);
    expect(first.map((r) => [r.job, r.slot.toISOString(), r.outcome.status])).toEqual([['time-tracking-compliance', '2025-11-24T15:00:00.000Z', 'succeeded']]);
    expect(calls.map((c) => c.asOf.toISOString())).toEqual(['2025-11-24T15:00:00.000Z']);
    expect(await scheduler.catchUp(mondayLate)).toEqual([]);

    const runs = await runsOf(database.db, job.name);
    expect(runs.map((r) => [r.trigger, r.status, r.slot?.toISOString(), r.stats])).toEqual([['catch-up', 'succeeded', '2025-11-24T15:00:00.000Z', { ran: true }]]);

    const tooLate = new Date('2025-11-26T12:00:00Z'); // Wednesday: Monday's slot is past the one-day grace window
    const otherDb = await createTestDatabase(engine);
    try {
      const late = new Scheduler(contextOn(otherDb.db, tooLate), { jobs: [job], timezone: 'America/New_York' });
      expect(await late.catchUp(tooLate)).toEqual([]);
    } finally {
      await otherDb.close();
    }
  });
});

describe('scheduler shutdown', () => {
  let database: TestDatabase;
  afterEach(async () => database?.close());

  it('stops taking ticks but lets the running job finish before stop() returns', async () => {
    database = await createTestDatabase('pglite');
    let finished = false;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: JobDefinition = {
      name: 'time-tracking-compliance',
      description: 'slow job',
      schedule: '0 10 * * 1',
      graceMs: 86_400_000,
      run: async () => {
        await gate;
        finished = true;
        return {};
      },
    };
    const now = new Date('2025-11-24T16:00:00Z');
    const scheduler = new Scheduler(contextOn(database.db, now), { jobs: [slow], timezone: 'America/New_York' });
    scheduler.start();
    const catchUp = scheduler.catchUp(now);
    await new Promise((r) => setTimeout(r, 200)); // the catch-up run is now in progress
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(stopped).toBe(false);
    release();
    await stopping;
    await catchUp;
    expect(finished).toBe(true);
    expect((await runsOf(database.db, slow.name)).map((r) => r.status)).toEqual(['succeeded']);
  });
});

const pgSkip = postgresSkipReason();
describe.skipIf(pgSkip !== null)(`two schedulers on one PostgreSQL${pgSkip ? ` (skipped: ${pgSkip})` : ''}`, () => {
  const pair = useTwoConnections();

  it('runs each tick exactly once when both fire it', async () => {
    const { database, second } = pair();
    const calls: { asOf: Date; by: string }[] = [];
    const a = new Scheduler(contextOn(database.db), { jobs: [recordingJob('* * * * * *', 60_000, calls, 'a')], timezone: 'America/New_York' });
    const b = new Scheduler(contextOn(second.db), { jobs: [recordingJob('* * * * * *', 60_000, calls, 'b')], timezone: 'America/New_York' });
    a.start();
    b.start();
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && (await runsOf(database.db, 'time-tracking-compliance')).filter((r) => r.status === 'succeeded').length < 3) {
      await new Promise((r) => setTimeout(r, 200));
    }
    await Promise.all([a.stop(), b.stop()]);

    const runs = await runsOf(database.db, 'time-tracking-compliance');
    expect(runs.length).toBeGreaterThanOrEqual(3);
    const slots = runs.map((r) => r.slot!.toISOString());
    expect(new Set(slots).size).toBe(slots.length);
    expect(calls.map((c) => c.asOf.toISOString()).sort()).toEqual([...slots].sort());
    expect(runs.every((r) => r.trigger === 'schedule')).toBe(true);
  });
});
