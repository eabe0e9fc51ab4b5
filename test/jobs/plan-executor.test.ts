import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fixedClock } from '../../src/clock.ts';
import { parseOrgConfig, readRuntimeSettings, type Config } from '../../src/config.ts';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { claimReadySteps, getPlan, insertPlan, planEvents } from '../../src/db/plans.ts';
import type { JobContext } from '../../src/jobs/job.ts';
import { executePlans, planExecutorJob, type PlanExecutionOptions } from '../../src/jobs/plan-executor.ts';
import { actionContextFor, rowStepMemory } from '../../src/jobs/plans/action-context.ts';
import { approvePlan, attachPlanMessage, cancelPlan, completeManualStep, createPlanFromRequest, pausePlan, resumePlan, skipStep } from '../../src/jobs/plans/plan-service.ts';
import { findJob } from '../../src/jobs/registry.ts';
import { silentLogger } from '../../src/logger.ts';
import { openRuntime } from '../../src/runtime.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { actionRegistry, executeStep, planActions, type PlanAction } from '../../src/services/plans/actions/index.ts';
import type { PlanStep } from '../../src/services/plans/plan.ts';
import type { StoredPlan } from '../../src/services/plans/stored-plan.ts';
import { createTestDatabase, postgresSkipReason, testEngines, type TestDatabase } from '../support/databases.ts';
import { FAST_POLICY, shrunkSleep } from '../support/job-harness.ts';
import { ADA, ALAN, GRACE, NOW, planAgency } from './plans/plan-agency.ts';

/** The production behaviour with the waits shrunk: 3 tries, backoff 5 ms then 10 ms; progress updates every 100 ms. */
const FAST: PlanExecutionOptions = { backoffMs: 5, progressIntervalMs: 100, runner: 'runner-a' };


// ---- test actions: no side effects, a record of what ran when ---------------------------------------------------

const journal: string[] = [];
/** Called while a `test.record` step runs (between its start and its end in the journal). */
let duringStep: ((label: string) => Promise<void>) | undefined;
const undone: string[] = [];

const recordAction: PlanAction<{ label: string }, { label: string }> = {
  name: 'test.record',
  description: 'Records that it ran.',
  params: z.strictObject({ label: z.string() }),
  resultFields: ['label'],
  summary: (p) => `Record ${p.label}`,
  async execute(p) {
    journal.push(`start:${p.label}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
    await duringStep?.(p.label);
    journal.push(`end:${p.label}`);
    return { label: p.label };
  },
  async undo(result) {
    undone.push(result.label);
  },
};
const failAction: PlanAction<Record<string, never>, never> = {
  name: 'test.fail',
  description: 'Always fails.',
  params: z.strictObject({}),
  resultFields: [],
  summary: () => 'Fail',
  async execute() {
    journal.push('fail');
    throw new Error('the printer is on fire');
  },
};
/** What each try of a `test.remember` step saw of its memory. */
const memories: { mayHaveRunBefore: boolean; saved: unknown }[] = [];
/** Saves a checkpoint, then fails its first try; later tries return what was saved. */
const rememberAction: PlanAction<{ value: string }, { remembered: unknown }> = {
  name: 'test.remember',
  description: 'Saves a checkpoint and fails once.',
  params: z.strictObject({ value: z.string() }),
  resultFields: ['remembered'],
  summary: () => 'Remember',
  async execute(p, ctx) {
    memories.push({ mayHaveRunBefore: ctx.step.mayHaveRunBefore, saved: ctx.step.saved });
    if (ctx.step.saved === null) {
      await ctx.step.save({ value: p.value });
      throw new Error('failed after saving');
    }
    return { remembered: ctx.step.saved };
  },
};
/** Another executor takes the step over while it runs (before its checkpoint): its save must refuse, and nothing follows. */
let takeOver: (() => Promise<void>) | undefined;
const takenOverAction: PlanAction<Record<string, never>, { acted: boolean }> = {
  name: 'test.taken_over',
  description: 'Loses its step to another executor before acting.',
  params: z.strictObject({}),
  resultFields: ['acted'],
  summary: () => 'Be taken over',
  async execute(_p, ctx) {
    await takeOver?.();
    await ctx.step.save({ about_to: 'act' });
    journal.push('acted after losing the step');
    return { acted: true };
  },
};
const registry = actionRegistry([...planActions.values(), recordAction, failAction, rememberAction, takenOverAction]);

const rec = (id: string, depends_on: string[] = [], extra: Partial<PlanStep> = {}): PlanStep => ({
  id,
  title: `Record ${id}`,
  action: 'test.record',
  params: { label: id },
  depends_on,
  on_failure: 'stop',
  estimate_minutes: 5,
  owner: null,
  ...extra,
});
const jiraIssue = (id: string, summary: string, depends_on: string[] = [], parent?: string): PlanStep => ({
  id,
  title: summary,
  action: 'jira.create_issue',
  params: { project: 'SUBS', summary, ...(parent ? { parent } : {}) },
  depends_on,
  on_failure: 'stop',
  estimate_minutes: 5,
  owner: null,
});
const jiraEpic = (id: string, summary: string): PlanStep => ({ ...jiraIssue(id, summary), action: 'jira.create_epic' });

// ---- the world ------------------------------------------------------------------------------------------------------

interface World {
  sandbox: Sandbox;
  ctx: JobContext;
}

async function world(database: TestDatabase | { handle: DatabaseHandle }, sandbox?: Sandbox): Promise<World> {
  const data = planAgency();
  const clock = fixedClock(NOW);
  const box = sandbox ?? (await startSandbox(data, { clock }));
  const env = { ...box.env };
  const config: Config = { org: parseOrgConfig(data.orgConfig), timezone: 'America/New_York', runtime: readRuntimeSettings(env), env };
  const runtime = await openRuntime({ env, logger: silentLogger, clock, config, database: database.handle, clientOptions: { policy: FAST_POLICY, sleep: shrunkSleep, slackRetries: 2 } });
  return { sandbox: box, ctx: runtime.ctx };
}

async function approvedPlan(ctx: JobContext, steps: PlanStep[]): Promise<string> {
  return ctx.db.transaction().execute((trx) =>
    insertPlan(trx, { request: 'test', goal: 'Test plan', status: 'approved', requesterSlackId: GRACE, requesterAccountId: 'acc-grace', channelId: 'C0SUBS', planner: 'test', notes: [], steps }),
  );
}

async function plan(ctx: JobContext, id: string): Promise<StoredPlan> {
  return (await getPlan(ctx.db, id))!;
}

const statuses = (p: StoredPlan) => Object.fromEntries(p.steps.map((s) => [s.id, s.status]));

async function withMessage(w: World, planId: string): Promise<{ channel: string; ts: string }> {
  const posted = await w.ctx.clients.slack()!.chat.postMessage({ channel: 'C0SUBS', text: 'The plan (review)' });
  const message = { channel: posted.channel!, ts: posted.ts! };
  await attachPlanMessage(w.ctx, planId, message);
  return message;
}

/**
 * Closes a test database. On PostgreSQL the pool is ended first and its server processes given a moment to exit:
 * dropping the database with FORCE right after a busy pool ends can reach a closing connection as an uncaught error.
 */
async function closeDatabase(database: TestDatabase | undefined, ...others: (DatabaseHandle | undefined)[]): Promise<void> {
  for (const other of others) await other?.close();
  if (database?.url) {
    await database.handle.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await database?.close();
}

describe.each(testEngines())('the plan executor on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    w = await world(database);
  });
  afterAll(async () => {
    await w?.sandbox.stop();
    await closeDatabase(database);
  });
  beforeEach(() => {
    journal.length = 0;
    undone.length = 0;
    duringStep = undefined;
    w.sandbox.jira.clearFaults();
  });

  it('runs an approved launch plan: the epic first, the issues under it, the manual review waiting for its owner’s Done', async () => {
    const made = await createPlanFromRequest(w.ctx, { request: 'plan the SUBS launch on Dec 12', requesterSlackId: GRACE, channelId: 'C0SUBS' });
    if (!made.ok) throw new Error(made.message);
    const id = made.plan.id;
    const message = await withMessage(w, id);
    expect((await approvePlan(w.ctx, id, GRACE, 1)).ok).toBe(true);
    const createdBefore = w.sandbox.jira.createdIssues.length;

    const searchesBefore = w.sandbox.jira.requestsTo('/rest/api/3/search/jql').length;
    const first = await executePlans(w.ctx, { ...FAST, planId: id });
    expect(first).toMatchObject({ completed: 6, failed: 0, waiting: 1 });
    // Every step ran at its first try: no idempotency lookups.
    expect(w.sandbox.jira.requestsTo('/rest/api/3/search/jql').length).toBe(searchesBefore);

    const created = w.sandbox.jira.createdIssues.slice(createdBefore);
    expect(created.map((i) => i.issueType)).toEqual(['Epic', 'Task', 'Task', 'Task']);
    const epic = created[0]!;
    expect(created.slice(1).map((i) => [i.summary, i.parentKey])).toEqual(
      expect.arrayContaining([['QA sign-off', epic.key], ['Release notes', epic.key], ['Go-live checklist', epic.key]]),
    );
    const announcement = w.sandbox.slack.messagesIn('C0SUBS').find((m) => m.text.startsWith('Launch plan for Subscriptions'));
    expect(announcement?.text).toContain(epic.key);
    expect(w.sandbox.slack.messages.some((m) => m.kind === 'scheduled' && m.text.includes('go/no-go review today'))).toBe(true);

    const waiting = await plan(w.ctx, id);
    expect(waiting.status).toBe('executing');
    expect(statuses(waiting)).toMatchObject({ epic: 'completed', qa: 'completed', review: 'running' });
    const dm = w.sandbox.slack.dmsTo(GRACE);
    expect(dm).toHaveLength(1);
    expect(JSON.stringify(dm[0]!.blocks)).toContain('plan_step_done');

    const done = await completeManualStep(w.ctx, id, 'review', GRACE);
    expect(done.ok && done.plan.status).toBe('completed');
    await executePlans(w.ctx, { ...FAST, planId: id });
    const shown = w.sandbox.slack.messagesIn(message.channel).find((m) => m.ts === message.ts)!;
    expect(shown.updates).toBeGreaterThan(0);
    expect(shown.text).toMatch(/^Plan done: Launch Subscriptions on Fri Dec 12 — 7 of 7 done/);
    expect(JSON.stringify(shown.blocks)).not.toContain('plan_pause');
  });

  it('keeps the steps after a manual task waiting until its owner presses Done, DMing the owner once', async () => {
    const id = await approvedPlan(w.ctx, [
      { id: 'call', title: 'Call the client', action: 'manual', params: { instructions: 'Call ACME about the dates' }, depends_on: [], on_failure: 'stop', estimate_minutes: 30, owner: 'Ada Lovelace' },
      rec('after', ['call']),
    ]);
    await executePlans(w.ctx, { ...FAST, planId: id, registry });
    await executePlans(w.ctx, { ...FAST, planId: id, registry });
    expect(statuses(await plan(w.ctx, id))).toEqual({ call: 'running', after: 'pending' });
    expect(w.sandbox.slack.dmsTo(ADA).filter((m) => m.text.includes('Call the client'))).toHaveLength(1);
    expect(journal).toEqual([]);

    expect(await completeManualStep(w.ctx, id, 'call', ALAN)).toMatchObject({ ok: false, message: expect.stringMatching(/Only Ada Lovelace/) });
    expect((await completeManualStep(w.ctx, id, 'call', ADA)).ok).toBe(true);
    await executePlans(w.ctx, { ...FAST, planId: id, registry });
    const finished = await plan(w.ctx, id);
    expect([finished.status, statuses(finished)]).toEqual(['completed', { call: 'completed', after: 'completed' }]);
    expect(finished.steps[0]!.result).toEqual({ done_by: ADA });
  });

  it('tries a failing step 3 times with backoff, and succeeds when Jira recovers', async () => {
    const id = await approvedPlan(w.ctx, [jiraIssue('flaky', 'Flaky create')]);
    w.sandbox.jira.inject({ status: 500, times: 2, match: (r) => r.method === 'POST' && r.path === '/rest/api/3/issue' });
    const searchesBefore = w.sandbox.jira.requestsTo('/rest/api/3/search/jql').length;
    const summary = await executePlans(w.ctx, { ...FAST, planId: id });
    // The first try has nothing to look for; each retry first looks for what an earlier try may have created.
    expect(w.sandbox.jira.requestsTo('/rest/api/3/search/jql').length - searchesBefore).toBe(2);
    expect(summary).toMatchObject({ completed: 1, retries: 2 });
    const p = await plan(w.ctx, id);
    expect(p.steps[0]).toMatchObject({ status: 'completed', attempts: 3 });
    expect(w.sandbox.jira.createdIssues.filter((i) => i.summary === 'Flaky create')).toHaveLength(1);
    const retries = (await planEvents(w.ctx.db, id)).filter((e) => e.kind === 'step_retry');
    expect(retries.map((e) => e.detail.wait_ms)).toEqual([5, 10]);
  });

  it('fails the step after 3 tries and, with on_failure stop, starts nothing more and fails the plan', async () => {
    const id = await approvedPlan(w.ctx, [{ ...rec('bad'), action: 'test.fail', params: {} }, rec('after', ['bad']), rec('other')]);
    const summary = await executePlans(w.ctx, { ...FAST, planId: id, registry, concurrency: 1 });
    expect(summary).toMatchObject({ failed: 1, retries: 2 });
    expect(journal).toEqual(['fail', 'fail', 'fail']);
    const p = await plan(w.ctx, id);
    expect(p.status).toBe('failed');
    expect(statuses(p)).toEqual({ bad: 'failed', after: 'pending', other: 'pending' });
    expect(p.steps[0]).toMatchObject({ attempts: 3, error: 'the printer is on fire' });
    expect((await planEvents(w.ctx.db, id)).map((e) => e.kind)).toContain('plan_failed');
    // "other" was claimed ahead while "bad" ran (one slot, one step ahead): it was given back unstarted, its try
    // not counted.
    expect(p.steps[2]).toMatchObject({ id: 'other', status: 'pending', attempts: 0 });
    expect((await planEvents(w.ctx.db, id)).filter((e) => e.stepId === 'other').map((e) => e.kind)).toEqual(['step_started', 'step_released']);
    expect(summary.stepsStarted).toBe(1);
  });

  it('with on_failure continue, skips the steps that wait for the failed one and runs the rest', async () => {
    const id = await approvedPlan(w.ctx, [{ ...rec('bad', [], { on_failure: 'continue' }), action: 'test.fail', params: {} }, rec('after', ['bad']), rec('later', ['after']), rec('other')]);
    await executePlans(w.ctx, { ...FAST, planId: id, registry, concurrency: 1 });
    const p = await plan(w.ctx, id);
    expect(statuses(p)).toEqual({ bad: 'failed', after: 'skipped', later: 'skipped', other: 'completed' });
    expect(p.steps[1]!.error).toBe('not run: step 1 (“Record bad”) failed');
    expect(p.status).toBe('failed');
    expect(journal).toEqual(['fail', 'fail', 'fail', 'start:other', 'end:other']);
  });

  it('gives a retried step what its earlier try saved, and tells a first try that nothing ran before', async () => {
    memories.length = 0;
    const id = await approvedPlan(w.ctx, [{ ...rec('remember'), action: 'test.remember', params: { value: 'ACME-7 was Ada’s' } }]);
    const summary = await executePlans(w.ctx, { ...FAST, planId: id, registry });
    expect(summary).toMatchObject({ completed: 1, retries: 1 });
    expect(memories).toEqual([
      { mayHaveRunBefore: false, saved: null },
      { mayHaveRunBefore: true, saved: { value: 'ACME-7 was Ada’s' } },
    ]);
    expect((await plan(w.ctx, id)).steps[0]!.result).toEqual({ remembered: { value: 'ACME-7 was Ada’s' } });
  });

  it('stops a step whose checkpoint cannot be saved because another executor took it over, before it acts', async () => {
    const id = await approvedPlan(w.ctx, [{ ...rec('lost'), action: 'test.taken_over', params: {} }]);
    takeOver = async () => {
      await sql`update plan_steps set claimed_by = 'runner-b', claimed_at = now() where plan_id = ${id} and step_id = 'lost'`.execute(w.ctx.db);
    };
    try {
      const summary = await executePlans(w.ctx, { ...FAST, planId: id, registry });
      expect(summary).toMatchObject({ lost: 1, completed: 0, failed: 0, retries: 0 });
    } finally {
      takeOver = undefined;
    }
    expect(journal).not.toContain('acted after losing the step');
    expect((await plan(w.ctx, id)).steps[0]).toMatchObject({ status: 'running', result: null });
  });

  it('writes a step’s end again when the database fails to take it for a moment, and the plan goes on', async () => {
    const id = await approvedPlan(w.ctx, [rec('a'), rec('b', ['a'])]);
    const finish = 'pm_finish_plan_steps(jsonb, text, integer, bigint, double precision)';
    duringStep = async (label) => {
      if (label !== 'a') return;
      // For 100 ms the database has no way to record a step's end (as during a failover).
      await sql.raw(`alter function ${finish} rename to pm_finish_plan_steps_away`).execute(w.ctx.db);
      setTimeout(() => void sql.raw(`alter function pm_finish_plan_steps_away(jsonb, text, integer, bigint, double precision) rename to pm_finish_plan_steps`).execute(w.ctx.db), 100);
    };
    const summary = await executePlans(w.ctx, { ...FAST, planId: id, registry });
    expect(summary).toMatchObject({ completed: 2, failed: 0, lost: 0 });
    expect(journal).toEqual(['start:a', 'end:a', 'start:b', 'end:b']);
    expect((await plan(w.ctx, id)).status).toBe('completed');
  });

  it('refuses a step whose params cannot be filled at once, without retrying', async () => {
    const id = await approvedPlan(w.ctx, [{ ...jiraIssue('orphan', 'Orphan'), params: { project: 'SUBS', summary: 'Orphan', parent: '{{steps.ghost.key}}' } }]);
    await executePlans(w.ctx, { ...FAST, planId: id });
    const p = await plan(w.ctx, id);
    expect(p.steps[0]).toMatchObject({ status: 'failed', attempts: 1, error: expect.stringMatching(/step "ghost" has no result/) });
  });

  it('starts no new step while paused, and goes on after resume', async () => {
    const id = await approvedPlan(w.ctx, [rec('a'), rec('b', ['a']), rec('c', ['b'])]);
    duringStep = async (label) => {
      if (label === 'a') expect((await pausePlan(w.ctx, id, GRACE)).ok).toBe(true);
    };
    await executePlans(w.ctx, { ...FAST, planId: id, registry });
    expect(journal).toEqual(['start:a', 'end:a']);
    const paused = await plan(w.ctx, id);
    expect([paused.status, statuses(paused)]).toEqual(['paused', { a: 'completed', b: 'pending', c: 'pending' }]);
    expect((await executePlans(w.ctx, { ...FAST, planId: id, registry })).stepsStarted).toBe(0);

    expect((await resumePlan(w.ctx, id, GRACE)).ok).toBe(true);
    await executePlans(w.ctx, { ...FAST, planId: id, registry });
    expect(journal).toEqual(['start:a', 'end:a', 'start:b', 'end:b', 'start:c', 'end:c']);
    expect((await plan(w.ctx, id)).status).toBe('completed');
  });

  it('after a pause, runs a step claimed before it (shown as running) and claims nothing more', async () => {
    // One slot: "a" runs, "b" (ready too) is claimed ahead and waits for the slot; the pause comes while "a" runs.
    const id = await approvedPlan(w.ctx, [rec('a'), rec('b'), rec('c', ['a', 'b']), rec('d')]);
    duringStep = async (label) => {
      if (label === 'a') {
        expect(statuses(await plan(w.ctx, id))).toMatchObject({ a: 'running', b: 'running', d: 'pending' });
        expect((await pausePlan(w.ctx, id, GRACE)).ok).toBe(true);
      }
    };
    await executePlans(w.ctx, { ...FAST, planId: id, registry, concurrency: 1, prefetch: 1 });
    expect(journal).toEqual(['start:a', 'end:a', 'start:b', 'end:b']);
    const paused = await plan(w.ctx, id);
    expect([paused.status, statuses(paused)]).toEqual(['paused', { a: 'completed', b: 'completed', c: 'pending', d: 'pending' }]);

    expect((await resumePlan(w.ctx, id, GRACE)).ok).toBe(true);
    await executePlans(w.ctx, { ...FAST, planId: id, registry, concurrency: 1, prefetch: 1 });
    expect(journal.slice(4).sort()).toEqual(['end:c', 'end:d', 'start:c', 'start:d']);
    expect((await plan(w.ctx, id)).status).toBe('completed');
  });

  it('skips a pending step (the steps after it go on), and a failed one (the stopped plan goes on)', async () => {
    const id = await approvedPlan(w.ctx, [rec('a'), rec('b', ['a']), rec('c', ['b'])]);
    expect((await skipStep(w.ctx, id, 'b', GRACE)).ok).toBe(true);
    await executePlans(w.ctx, { ...FAST, planId: id, registry });
    const skipped = await plan(w.ctx, id);
    expect([skipped.status, statuses(skipped)]).toEqual(['completed', { a: 'completed', b: 'skipped', c: 'completed' }]);

    const stopped = await approvedPlan(w.ctx, [{ ...rec('bad'), action: 'test.fail', params: {} }, rec('next', ['bad'])]);
    await executePlans(w.ctx, { ...FAST, planId: stopped, registry });
    expect((await plan(w.ctx, stopped)).status).toBe('failed');
    expect(await skipStep(w.ctx, stopped, 'next', GRACE)).toMatchObject({ ok: false, message: expect.stringMatching(/Skip the step that failed/) });
    const goingOn = await skipStep(w.ctx, stopped, 'bad', GRACE);
    expect(goingOn.ok && goingOn.plan.status).toBe('executing');
    await executePlans(w.ctx, { ...FAST, planId: stopped, registry });
    const after = await plan(w.ctx, stopped);
    expect([after.status, statuses(after)]).toEqual(['completed', { bad: 'skipped', next: 'completed' }]);
  });

  it('cancels a failed plan with rollback: undoes what finished steps made, last first (the issues before their epic)', async () => {
    const id = await approvedPlan(w.ctx, [
      jiraEpic('epic', 'Rollback epic'),
      jiraIssue('one', 'Rollback one', ['epic'], '{{steps.epic.key}}'),
      jiraIssue('two', 'Rollback two', ['epic'], '{{steps.epic.key}}'),
      { id: 'post', title: 'Announce', action: 'slack.post_message', params: { channel: 'C0SUBS', text: 'Rollback announcement' }, depends_on: ['one'], on_failure: 'stop', estimate_minutes: 1, owner: null },
      // Jira has no project NOPE: this step fails three times and stops the plan.
      { ...jiraIssue('broken', 'Rollback broken', ['post']), params: { project: 'NOPE', summary: 'Rollback broken' } },
    ]);
    await executePlans(w.ctx, { ...FAST, planId: id });
    const ran = await plan(w.ctx, id);
    expect([ran.status, statuses(ran)]).toEqual(['failed', { epic: 'completed', one: 'completed', two: 'completed', post: 'completed', broken: 'failed' }]);
    const keys = Object.fromEntries(ran.steps.filter((s) => s.status === 'completed' && s.action.startsWith('jira')).map((s) => [s.id, s.result!.key as string]));

    const deletesBefore = w.sandbox.jira.requestsTo(/^\/rest\/api\/3\/issue\/[^/]+$/, 'DELETE').length;
    const cancelled = await cancelPlan(w.ctx, id, GRACE, { rollback: true });
    expect(cancelled.ok && cancelled.plan.status).toBe('cancelled');
    const deleted = w.sandbox.jira.requestsTo(/^\/rest\/api\/3\/issue\/[^/]+$/, 'DELETE').slice(deletesBefore).map((r) => r.path.split('/').pop());
    expect(deleted).toEqual([keys.two, keys.one, keys.epic]);
    expect(w.sandbox.jira.issue(keys.epic!)).toBeUndefined();
    expect(w.sandbox.slack.deletedMessages.some((m) => m.text === 'Rollback announcement')).toBe(true);
    const after = await plan(w.ctx, id);
    expect(after.steps.filter((s) => s.undone).map((s) => s.id)).toEqual(['epic', 'one', 'two', 'post']);
    expect((await planEvents(w.ctx.db, id)).filter((e) => e.kind === 'step_undone').map((e) => e.stepId)).toEqual(['post', 'two', 'one', 'epic']);
    expect(await cancelPlan(w.ctx, id, GRACE, { rollback: true })).toEqual({ ok: false, message: 'This plan is already cancelled.' });
  });

  it('cancels without rollback mid-plan: nothing more starts and nothing is undone; a step running at a rollback cancel is undone when it ends', async () => {
    const plain = await approvedPlan(w.ctx, [rec('a'), rec('b', ['a'])]);
    duringStep = async (label) => {
      if (label === 'a') expect((await cancelPlan(w.ctx, plain, GRACE, { rollback: false })).ok).toBe(true);
    };
    await executePlans(w.ctx, { ...FAST, planId: plain, registry });
    const p = await plan(w.ctx, plain);
    expect([p.status, statuses(p)]).toEqual(['cancelled', { a: 'completed', b: 'pending' }]);
    expect(undone).toEqual([]);

    const rolled = await approvedPlan(w.ctx, [rec('x'), rec('y', ['x'])]);
    duringStep = async (label) => {
      if (label === 'x') expect((await cancelPlan(w.ctx, rolled, GRACE, { rollback: true })).ok).toBe(true);
    };
    await executePlans(w.ctx, { ...FAST, planId: rolled, registry });
    expect(undone).toEqual(['x']);
    expect(statuses(await plan(w.ctx, rolled))).toEqual({ x: 'completed', y: 'pending' });
  });

  it('updates the plan’s message in place, at most once per interval, ending on “done”', async () => {
    const id = await approvedPlan(w.ctx, [rec('a'), rec('b', ['a']), rec('c', ['a']), rec('d', ['b', 'c']), rec('e', ['d']), rec('f', ['e'])]);
    const message = await withMessage(w, id);
    duringStep = () => new Promise((resolve) => setTimeout(resolve, 60));
    const updatesBefore = w.sandbox.slack.requestsTo('/api/chat.update').length;
    const started = performance.now();
    await executePlans(w.ctx, { ...FAST, planId: id, registry, progressIntervalMs: 250 });
    const elapsed = performance.now() - started;

    const shown = w.sandbox.slack.messagesIn('C0SUBS').find((m) => m.ts === message.ts)!;
    expect(shown.text).toBe('Plan done: Test plan — 6 of 6 done');
    expect(shown.versions.length).toBe(shown.updates);
    // One update per 250 ms at most (the first may go at once); every step's start and end asked for one (~13).
    const updates = w.sandbox.slack.requestsTo('/api/chat.update').length - updatesBefore;
    expect(updates).toBeGreaterThanOrEqual(2);
    expect(updates).toBeLessThanOrEqual(Math.floor(elapsed / 250) + 1);
  });

  it('takes over a step left running by a runner that died, without creating its Jira issue twice', async () => {
    const id = await approvedPlan(w.ctx, [jiraEpic('epic', 'Takeover epic'), jiraIssue('one', 'Takeover one', ['epic'], '{{steps.epic.key}}'), jiraIssue('two', 'Takeover two', ['epic'], '{{steps.epic.key}}')]);
    // The dead runner claimed the epic step, created the epic in Jira, and died before recording it.
    const [claimed] = await w.ctx.db.transaction().execute((trx) => claimReadySteps(trx, id, 1, 'dead-runner:4242', { staleAfterMs: 60_000 }));
    await executeStep(claimed!.step, {}, actionContextFor(w.ctx, await plan(w.ctx, id), claimed!.idempotencyKey, rowStepMemory(w.ctx.db, id, { stepId: 'epic', runner: 'dead-runner:4242', attempt: claimed!.step.attempts, checkpoint: null, firstStartedAt: claimed!.firstStartedAt })));
    await sql`update plan_steps set attempts = 1, claimed_at = now() - interval '10 minutes' where plan_id = ${id} and step_id = 'epic'`.execute(w.ctx.db);
    expect(w.sandbox.jira.createdIssues.filter((i) => i.summary === 'Takeover epic')).toHaveLength(1);

    // A live runner's recent claim is left alone …
    expect((await executePlans(w.ctx, { ...FAST, planId: id, runner: 'runner-b', staleAfterMs: 3_600_000 })).stepsStarted).toBe(0);
    // … a dead one's is taken over.
    const summary = await executePlans(w.ctx, { ...FAST, planId: id, runner: 'runner-b', staleAfterMs: 60_000 });
    expect(summary).toMatchObject({ reclaimed: 1, completed: 3 });
    const epics = w.sandbox.jira.createdIssues.filter((i) => i.summary === 'Takeover epic');
    expect(epics).toHaveLength(1);
    const p = await plan(w.ctx, id);
    expect(p.status).toBe('completed');
    expect(p.steps[0]).toMatchObject({ attempts: 2, result: { key: epics[0]!.key, created: false } });
    expect(w.sandbox.jira.createdIssues.filter((i) => i.summary.startsWith('Takeover ') && i.issueType === 'Task').map((i) => i.parentKey)).toEqual([epics[0]!.key, epics[0]!.key]);
  });

  it('runs independent steps at the same time, never more at once than its concurrency', async () => {
    const id = await approvedPlan(w.ctx, ['a', 'b', 'c', 'd', 'e'].map((x) => rec(x)));
    duringStep = () => new Promise((resolve) => setTimeout(resolve, 20));
    await executePlans(w.ctx, { ...FAST, planId: id, registry, concurrency: 2 });
    let running = 0;
    let most = 0;
    for (const entry of journal) {
      running += entry.startsWith('start:') ? 1 : -1;
      most = Math.max(most, running);
    }
    expect(most).toBe(2);
    expect((await plan(w.ctx, id)).status).toBe('completed');
  });

  it('runs random dependency graphs of steps in a topological order', async () => {
    const graphs = fc
      .integer({ min: 1, max: 8 })
      .chain((n) =>
        fc.tuple(
          fc.tuple(...Array.from({ length: n }, (_, i) => fc.subarray(Array.from({ length: i }, (_, j) => `s${j}`)))),
          fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i), { minLength: n, maxLength: n }),
        ),
      );
    await fc.assert(
      fc.asyncProperty(graphs, fc.integer({ min: 1, max: 4 }), async ([deps, order], concurrency) => {
        journal.length = 0;
        const steps = order.map((i) => rec(`s${i}`, deps[i]!));
        const id = await approvedPlan(w.ctx, steps);
        await executePlans(w.ctx, { ...FAST, planId: id, registry, concurrency });
        const p = await plan(w.ctx, id);
        expect(p.status).toBe('completed');
        for (const step of steps) {
          const started = journal.indexOf(`start:${step.id}`);
          expect(started).toBeGreaterThanOrEqual(0);
          for (const dep of step.depends_on) expect(journal.indexOf(`end:${dep}`)).toBeLessThan(started);
        }
        expect(journal.filter((e) => e.startsWith('start:'))).toHaveLength(steps.length);
      }),
      { numRuns: 20 },
    );
  });

  it('is registered as the plan-executor job, ticking every 15 seconds', async () => {
    expect(findJob('plan-executor')).toBe(planExecutorJob);
    expect(planExecutorJob.schedule).toBe('*/15 * * * * *');
    expect(await planExecutorJob.run(w.ctx, { asOf: new Date(NOW), dryRun: true })).toMatchObject({ dryRun: true });
  });
});

const pgSkip = postgresSkipReason();
describe.skipIf(pgSkip !== null)(`two executors on one PostgreSQL${pgSkip ? ` (skipped: ${pgSkip})` : ''}`, () => {
  let database: TestDatabase;
  let second: DatabaseHandle;
  let a: World;
  let b: World;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    second = await openDatabase({ databaseUrl: database.url! });
    a = await world(database);
    b = await world({ handle: second }, a.sandbox);
  });
  afterAll(async () => {
    await a?.sandbox.stop();
    await closeDatabase(database, second);
  });

  it('share one plan: disjoint claims, every step once, no duplicate Jira issue', async () => {
    const steps = Array.from({ length: 12 }, (_, i) => jiraIssue(`i${i}`, `Shared ${i}`));
    const id = await approvedPlan(a.ctx, steps);
    a.sandbox.jira.latencyMs = 30;
    try {
      const [ra, rb] = await Promise.all([
        executePlans(a.ctx, { ...FAST, planId: id, runner: 'runner-a', concurrency: 3 }),
        executePlans(b.ctx, { ...FAST, planId: id, runner: 'runner-b', concurrency: 3 }),
      ]);
      expect(ra.stepsStarted + rb.stepsStarted).toBe(12);
      expect(ra.stepsStarted).toBeGreaterThan(0);
      expect(rb.stepsStarted).toBeGreaterThan(0);
    } finally {
      a.sandbox.jira.latencyMs = 0;
    }
    const started = (await planEvents(a.ctx.db, id)).filter((e) => e.kind === 'step_started');
    expect(started).toHaveLength(12);
    expect(new Set(started.map((e) => e.stepId)).size).toBe(12);
    const created = a.sandbox.jira.createdIssues.filter((i) => i.summary.startsWith('Shared '));
    expect(created).toHaveLength(12);
    expect(new Set(created.map((i) => i.summary)).size).toBe(12);
    expect((await plan(a.ctx, id)).status).toBe('completed');
  });
});
