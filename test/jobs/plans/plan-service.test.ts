import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/clock.ts';
import { parseOrgConfig, readRuntimeSettings, type Config } from '../../../src/config.ts';
import { planEvents } from '../../../src/db/plans.ts';
import type { JobContext } from '../../../src/jobs/job.ts';
import {
  approvePlan,
  attachPlanMessage,
  cancelPlan,
  completeManualStep,
  createPlanFromRequest,
  editPlan,
  getPlan,
  listPlans,
  pausePlan,
  resumePlan,
  skipStep,
} from '../../../src/jobs/plans/plan-service.ts';
import { silentLogger } from '../../../src/logger.ts';
import { openRuntime } from '../../../src/runtime.ts';
import { startSandbox, type Sandbox } from '../../../src/sandbox/sandbox.ts';
import type { StoredPlan } from '../../../src/services/plans/stored-plan.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../../support/databases.ts';
import { FAST_POLICY, shrunkSleep } from '../../support/job-harness.ts';
import { ADA, ALAN, GRACE, NOW, planAgency } from './plan-agency.ts';



interface World {
  sandbox: Sandbox;
  ctx: JobContext;
}

async function world(database: TestDatabase, options: { withOpenAi?: boolean } = {}): Promise<World> {
  const data = planAgency();
  const clock = fixedClock(NOW);
  const sandbox = await startSandbox(data, { clock, withOpenAi: options.withOpenAi });
  const env = { ...sandbox.env };
  const config: Config = { org: parseOrgConfig(data.orgConfig), timezone: 'America/New_York', runtime: readRuntimeSettings(env), env };
  const runtime = await openRuntime({ env, logger: silentLogger, clock, config, database: database.handle, clientOptions: { policy: FAST_POLICY, sleep: shrunkSleep, slackRetries: 2 } });
  return { sandbox, ctx: runtime.ctx };
}

async function draft(ctx: JobContext, request = 'plan the SUBS launch on Dec 12', requester = GRACE): Promise<StoredPlan> {
  const answer = await createPlanFromRequest(ctx, { request, requesterSlackId: requester, channelId: 'C0SUBS' });
  if (!answer.ok) throw new Error(answer.message);
  return answer.plan;
}

/** Everything a refusal must leave as it was. */
async function snapshot(ctx: JobContext, planId: string) {
  const plan = await getPlan(ctx, planId);
  return { plan, events: (await planEvents(ctx.db, planId)).length };
}

describe.each(testEngines())('the plan service on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    w = await world(database);
  });
  afterAll(async () => {
    await w?.sandbox.stop();
    await database?.close();
  });

  describe('making a plan from a request', () => {
    it('stores a draft made by the local planner when no LLM is configured, with its steps and a created event', async () => {
      const plan = await draft(w.ctx);
      expect(plan).toMatchObject({ status: 'draft', version: 1, goal: 'Launch Subscriptions on Fri Dec 12', planner: 'local planner (no LLM)', channelId: 'C0SUBS' });
      expect(plan.requester).toEqual({ slackUserId: GRACE, accountId: 'acc-grace' });
      expect(plan.steps.map((s) => s.id)).toEqual(['epic', 'qa', 'notes', 'golive', 'announce', 'remind', 'review']);
      expect(plan.steps.every((s) => s.status === 'pending' && s.attempts === 0)).toBe(true);
      expect(plan.notes).toContain('Project: SUBS (Subscriptions).');
      expect((await planEvents(w.ctx.db, plan.id)).map((e) => [e.kind, e.actor])).toEqual([['plan_created', GRACE]]);
    });

    it('says what it can plan, and stores nothing, when the local planner does not understand the request', async () => {
      const before = (await listPlans(w.ctx, ALAN)).length;
      const answer = await createPlanFromRequest(w.ctx, { request: 'reorganise the office furniture', requesterSlackId: ALAN, channelId: 'C0SUBS' });
      expect(answer.ok).toBe(false);
      if (!answer.ok) expect(answer.message).toMatch(/LLM/);
      expect(await listPlans(w.ctx, ALAN)).toHaveLength(before);
    });

    it('asks for a request when none is given', async () => {
      const answer = await createPlanFromRequest(w.ctx, { request: '   ', requesterSlackId: ALAN, channelId: 'C0SUBS' });
      expect(answer).toMatchObject({ ok: false, message: expect.stringMatching(/Tell me what to plan/) });
    });

    it('lists the requester’s plans newest first and remembers the message that shows a plan', async () => {
      const first = await draft(w.ctx, 'plan the SUBS launch on Dec 12', ALAN);
      const second = await draft(w.ctx, 'follow up with Ada about the invoice next Friday', ALAN);
      expect((await listPlans(w.ctx, ALAN)).map((p) => p.id).slice(0, 2)).toEqual([second.id, first.id]);
      const attached = await attachPlanMessage(w.ctx, first.id, { channel: 'C0SUBS', ts: '1764000000.000100' });
      expect(attached.ok).toBe(true);
      expect((await getPlan(w.ctx, first.id))!.message).toEqual({ channel: 'C0SUBS', ts: '1764000000.000100' });
      expect(await attachPlanMessage(w.ctx, '987654', { channel: 'C0SUBS', ts: '1' })).toMatchObject({ ok: false, message: expect.stringMatching(/no plan 987654/) });
    });
  });

  describe('editing a draft', () => {
    it('changes a step, bumps the version and records who changed what', async () => {
      const plan = await draft(w.ctx);
      const answer = await editPlan(w.ctx, plan.id, GRACE, { kind: 'update_step', stepId: 'qa', changes: { title: 'QA sign-off by the client', estimate_minutes: 90 } }, 1);
      expect(answer.ok).toBe(true);
      if (!answer.ok) return;
      expect(answer.plan.version).toBe(2);
      expect(answer.plan.steps.find((s) => s.id === 'qa')).toMatchObject({ title: 'QA sign-off by the client', estimate_minutes: 90 });
      const events = await planEvents(w.ctx.db, plan.id);
      expect(events.at(-1)).toMatchObject({ kind: 'plan_edited', actor: GRACE, stepId: 'qa' });
    });

    it('adds and removes steps', async () => {
      const plan = await draft(w.ctx);
      const added = await editPlan(w.ctx, plan.id, GRACE, {
        kind: 'add_step',
        step: { id: 'demo', title: 'Demo to the client', action: 'manual', params: { instructions: 'Show it' }, depends_on: ['golive'], on_failure: 'stop', estimate_minutes: 45, owner: 'Ada Lovelace' },
      }, 1);
      expect(added.ok && added.plan.steps.map((s) => s.id).at(-1)).toBe('demo');
      const removed = await editPlan(w.ctx, plan.id, GRACE, { kind: 'remove_step', stepId: 'announce' }, 2);
      expect(removed.ok && removed.plan.steps.map((s) => s.id)).toEqual(['epic', 'qa', 'notes', 'golive', 'remind', 'review', 'demo']);
      expect(removed.ok && removed.plan.version).toBe(3);
    });

    it('refuses a change that makes a cycle, with the problem, and changes nothing', async () => {
      const plan = await draft(w.ctx);
      const before = await snapshot(w.ctx, plan.id);
      const answer = await editPlan(w.ctx, plan.id, GRACE, { kind: 'update_step', stepId: 'epic', changes: { depends_on: ['review'] } }, 1);
      expect(answer.ok).toBe(false);
      if (answer.ok) return;
      expect(answer.message).toMatch(/not made/);
      expect(answer.problems!.join('\n')).toMatch(/cycle: epic → review → qa → epic/);
      expect(await snapshot(w.ctx, plan.id)).toEqual(before);
    });

    it('refuses an unknown action and the removal of a step others depend on, naming the problems', async () => {
      const plan = await draft(w.ctx);
      const before = await snapshot(w.ctx, plan.id);
      const unknown = await editPlan(w.ctx, plan.id, GRACE, { kind: 'update_step', stepId: 'qa', changes: { action: 'jira.teleport' } }, 1);
      expect(!unknown.ok && unknown.problems!.join('\n')).toMatch(/step "qa": unknown action "jira.teleport"/);
      const orphaning = await editPlan(w.ctx, plan.id, GRACE, { kind: 'remove_step', stepId: 'epic' }, 1);
      expect(!orphaning.ok && orphaning.problems!.join('\n')).toMatch(/depends on "epic", which is not a step of this plan/);
      const missing = await editPlan(w.ctx, plan.id, GRACE, { kind: 'remove_step', stepId: 'nope' }, 1);
      expect(missing).toMatchObject({ ok: false, message: 'There is no step “nope” in this plan.' });
      expect(await snapshot(w.ctx, plan.id)).toEqual(before);
    });

    it('refuses an edit made on an older version of the plan', async () => {
      const plan = await draft(w.ctx);
      await editPlan(w.ctx, plan.id, GRACE, { kind: 'update_step', stepId: 'qa', changes: { title: 'First change' } }, 1);
      const before = await snapshot(w.ctx, plan.id);
      const stale = await editPlan(w.ctx, plan.id, GRACE, { kind: 'update_step', stepId: 'qa', changes: { title: 'Second change' } }, 1);
      expect(stale).toMatchObject({ ok: false, message: expect.stringMatching(/changed since you looked at it/) });
      expect(await snapshot(w.ctx, plan.id)).toEqual(before);
    });

    it('clears what a step needs once a person fills it in', async () => {
      const plan = await draft(w.ctx);
      const needing = await editPlan(w.ctx, plan.id, GRACE, { kind: 'update_step', stepId: 'qa', changes: { needs: ['assignee_account_id'] } }, 1);
      expect(needing.ok && needing.plan.steps.find((s) => s.id === 'qa')!.needs).toEqual(['assignee_account_id']);
      expect(await approvePlan(w.ctx, plan.id, GRACE, 2)).toMatchObject({ ok: false, message: expect.stringMatching(/step 2 \(“Jira issue: QA sign-off”\) needs assignee_account_id/) });
      const qa = needing.ok ? needing.plan.steps.find((s) => s.id === 'qa')! : undefined;
      const filled = await editPlan(w.ctx, plan.id, GRACE, { kind: 'update_step', stepId: 'qa', changes: { params: { ...qa!.params, assignee_account_id: 'acc-ada' } } }, 2);
      expect(filled.ok && filled.plan.steps.find((s) => s.id === 'qa')!.needs).toBeUndefined();
    });
  });

  describe('who may change a plan', () => {
    it('refuses everyone but the requester and the PMs, and changes nothing', async () => {
      const plan = await draft(w.ctx, 'plan the SUBS launch on Dec 12', ALAN);
      const before = await snapshot(w.ctx, plan.id);
      expect(await editPlan(w.ctx, plan.id, ADA, { kind: 'remove_step', stepId: 'announce' }, 1)).toEqual({ ok: false, message: 'Only the person who asked for this plan or a PM can change it.' });
      expect(await approvePlan(w.ctx, plan.id, ADA, 1)).toEqual({ ok: false, message: 'Only the person who asked for this plan or a PM can approve it.' });
      expect(await cancelPlan(w.ctx, plan.id, ADA, { rollback: true })).toEqual({ ok: false, message: 'Only the person who asked for this plan or a PM can cancel it.' });
      expect(await snapshot(w.ctx, plan.id)).toEqual(before);

      // A PM who did not ask may approve it; then a stranger may not pause, skip or mark steps done.
      expect((await approvePlan(w.ctx, plan.id, GRACE, 1)).ok).toBe(true);
      const approved = await snapshot(w.ctx, plan.id);
      expect(await pausePlan(w.ctx, plan.id, ADA)).toEqual({ ok: false, message: 'Only the person who asked for this plan or a PM can pause it.' });
      expect(await skipStep(w.ctx, plan.id, 'announce', ADA)).toEqual({ ok: false, message: 'Only the person who asked for this plan or a PM can skip its steps.' });
      expect(await completeManualStep(w.ctx, plan.id, 'review', ADA)).toEqual({ ok: false, message: 'Only Grace Hopper or the person who asked for the plan can mark this task done.' });
      expect(await snapshot(w.ctx, plan.id)).toEqual(approved);
    });
  });

  describe('approving and controlling a plan', () => {
    it('approves a draft once: version bumped, event recorded; a second approval is told it already is', async () => {
      const plan = await draft(w.ctx);
      const answer = await approvePlan(w.ctx, plan.id, GRACE, 1);
      expect(answer.ok && [answer.plan.status, answer.plan.version]).toEqual(['approved', 2]);
      expect(await approvePlan(w.ctx, plan.id, GRACE, 1)).toEqual({ ok: false, message: 'This plan is already approved and about to start.' });
      expect(await editPlan(w.ctx, plan.id, GRACE, { kind: 'remove_step', stepId: 'announce' }, 2)).toMatchObject({ ok: false, message: expect.stringMatching(/only a draft can be changed/) });
      expect((await planEvents(w.ctx.db, plan.id)).map((e) => e.kind)).toEqual(['plan_created', 'plan_approved']);
    });

    it('pauses and resumes an approved plan, refusing what makes no sense', async () => {
      const plan = await draft(w.ctx);
      expect(await pausePlan(w.ctx, plan.id, GRACE)).toMatchObject({ ok: false, message: expect.stringMatching(/a draft, not approved yet: there is nothing to pause/) });
      await approvePlan(w.ctx, plan.id, GRACE, 1);
      expect(await resumePlan(w.ctx, plan.id, GRACE)).toMatchObject({ ok: false, message: expect.stringMatching(/not paused/) });
      const paused = await pausePlan(w.ctx, plan.id, GRACE, 2);
      expect(paused.ok && [paused.plan.status, paused.plan.version]).toEqual(['paused', 3]);
      expect(await pausePlan(w.ctx, plan.id, GRACE)).toEqual({ ok: false, message: 'This plan is already paused.' });
      expect(await resumePlan(w.ctx, plan.id, GRACE, 2)).toMatchObject({ ok: false, message: expect.stringMatching(/changed since you looked/) });
      const resumed = await resumePlan(w.ctx, plan.id, GRACE, 3);
      expect(resumed.ok && resumed.plan.status).toBe('approved');
    });

    it('skips a pending step of an approved plan but not of a draft', async () => {
      const plan = await draft(w.ctx);
      expect(await skipStep(w.ctx, plan.id, 'announce', GRACE)).toMatchObject({ ok: false, message: expect.stringMatching(/remove the step instead/) });
      await approvePlan(w.ctx, plan.id, GRACE, 1);
      const skipped = await skipStep(w.ctx, plan.id, 'announce', GRACE);
      expect(skipped.ok && skipped.plan.steps.find((s) => s.id === 'announce')).toMatchObject({ status: 'skipped', error: `skipped by <@${GRACE}>` });
      expect(await skipStep(w.ctx, plan.id, 'announce', GRACE)).toMatchObject({ ok: false, message: expect.stringMatching(/already skipped/) });
    });

    it('cancels a plan; a cancelled plan cannot be cancelled again or have tasks marked done', async () => {
      const plan = await draft(w.ctx);
      const cancelled = await cancelPlan(w.ctx, plan.id, GRACE, { rollback: false });
      expect(cancelled.ok && cancelled.plan.status).toBe('cancelled');
      expect(await cancelPlan(w.ctx, plan.id, GRACE, { rollback: false })).toEqual({ ok: false, message: 'This plan is already cancelled.' });
      expect(await completeManualStep(w.ctx, plan.id, 'review', GRACE)).toMatchObject({ ok: false });
      expect(await completeManualStep(w.ctx, plan.id, 'epic', GRACE)).toMatchObject({ ok: false, message: expect.stringMatching(/not a task for a person/) });
    });

    it('answers a plan that does not exist', async () => {
      expect(await approvePlan(w.ctx, '424242', GRACE, 1)).toEqual({ ok: false, message: 'There is no plan 424242. Try `/plan list` to see yours.' });
      expect(await pausePlan(w.ctx, 'abc', GRACE)).toMatchObject({ ok: false });
    });
  });
});

describe('making a plan with an LLM', () => {
  let database: TestDatabase;
  let w: World;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    w = await world(database, { withOpenAi: true });
  });
  afterAll(async () => {
    await w?.sandbox.stop();
    await database?.close();
  });

  const step = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    title: `Task ${id}`,
    action: 'jira.create_issue',
    params: { project: 'SUBS', summary: `Task ${id}` },
    depends_on: [],
    on_failure: 'stop',
    estimate_minutes: 30,
    owner: 'Ada Lovelace',
    needs: null,
    ...extra,
  });

  it('stores the plan the model answered, labelled with the model', async () => {
    w.sandbox.openai!.answerWith(JSON.stringify({ goal: 'Prepare the ACME audit', steps: [step('a'), step('b', { depends_on: ['a'] })] }));
    const plan = await draft(w.ctx, 'prepare the ACME audit');
    expect(plan.planner).toMatch(/gpt-4o-mini/);
    expect(plan.goal).toBe('Prepare the ACME audit');
    expect(plan.steps.map((s) => [s.id, s.depends_on, s.owner])).toEqual([['a', [], 'Ada Lovelace'], ['b', ['a'], 'Ada Lovelace']]);
    expect(w.sandbox.openai!.chatRequests()).toHaveLength(1);
  });

  it('says what was wrong when the model’s plan stays invalid after one repair, and stores nothing', async () => {
    const cyclic = JSON.stringify({ goal: 'Loop', steps: [step('a', { depends_on: ['b'] }), step('b', { depends_on: ['a'] })] });
    w.sandbox.openai!.answerWith(cyclic, cyclic);
    const answer = await createPlanFromRequest(w.ctx, { request: 'loop forever', requesterSlackId: ALAN, channelId: 'C0SUBS' });
    expect(answer.ok).toBe(false);
    if (!answer.ok) expect(answer.message).toMatch(/could not make a valid plan[\s\S]*cycle/);
    expect(await listPlans(w.ctx, ALAN)).toEqual([]);
  });
});
