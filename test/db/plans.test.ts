import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.ts';
import {
  appendPlanEvent,
  claimMessageRefresh,
  claimReadySteps,
  completeWaitingStep,
  finishStep,
  getPlan,
  insertPlan,
  markStepWaiting,
  planEvents,
  plansOf,
  setPlanStatus,
  skipSteps,
  updatePlanSteps,
} from '../../src/db/plans.ts';
import type { PlanStep } from '../../src/services/plans/plan.ts';
import { postgresSkipReason, testEngines, useTestDatabase, useTwoConnections } from '../support/databases.ts';

function step(id: string, depends_on: string[] = [], extra: Partial<PlanStep> = {}): PlanStep {
  return { id, title: `Step ${id}`, action: 'manual', params: { instructions: `do ${id}` }, depends_on, on_failure: 'stop', estimate_minutes: 30, owner: null, ...extra };
}

async function storePlan(db: Db, steps: PlanStep[], status: 'draft' | 'approved' = 'approved', requester = 'U0GRACE'): Promise<string> {
  return db.transaction().execute((trx) =>
    insertPlan(trx, { request: 'launch ACME', goal: 'Launch ACME', status, requesterSlackId: requester, requesterAccountId: 'acc-grace', channelId: 'C0SUBS', planner: 'test', notes: ['a note'], steps }),
  );
}

const claim = (db: Db, planId: string | null, limit: number, runner: string, staleAfterMs = 60_000) =>
  db.transaction().execute((trx) => claimReadySteps(trx, planId, limit, runner, { staleAfterMs }));

describe.each(testEngines())('plan storage on %s', (engine) => {
  const test = useTestDatabase(engine);

  it('stores a plan with its steps and reads it back as people see it', async () => {
    const { db } = test();
    const id = await storePlan(db, [step('kickoff'), step('epic', ['kickoff'], { action: 'jira.create_epic', params: { project: 'SUBS', summary: 'ACME' }, needs: ['project'], owner: 'Grace Hopper' })], 'draft');
    const plan = await getPlan(db, id);
    expect(plan).toMatchObject({
      id,
      request: 'launch ACME',
      goal: 'Launch ACME',
      status: 'draft',
      version: 1,
      requester: { slackUserId: 'U0GRACE', accountId: 'acc-grace' },
      channelId: 'C0SUBS',
      message: null,
      planner: 'test',
      notes: ['a note'],
    });
    expect(plan!.steps.map((s) => [s.position, s.id, s.status, s.attempts, s.depends_on, s.owner])).toEqual([
      [0, 'kickoff', 'pending', 0, [], null],
      [1, 'epic', 'pending', 0, ['kickoff'], 'Grace Hopper'],
    ]);
    expect(plan!.steps[1]).toMatchObject({ action: 'jira.create_epic', params: { project: 'SUBS', summary: 'ACME' }, needs: ['project'], result: null, error: null });
    expect(plan!.steps[0]).not.toHaveProperty('needs');
    expect(await getPlan(db, 'not-a-number')).toBeUndefined();
    expect(await getPlan(db, '999999')).toBeUndefined();
  });

  it('replaces a draft’s steps and bumps its version', async () => {
    const { db } = test();
    const id = await storePlan(db, [step('a'), step('b', ['a'])], 'draft');
    await db.transaction().execute((trx) => updatePlanSteps(trx, id, { steps: [step('a'), step('c', ['a'])] }));
    const plan = await getPlan(db, id);
    expect(plan!.version).toBe(2);
    expect(plan!.steps.map((s) => s.id)).toEqual(['a', 'c']);
  });

  it('lists a requester’s plans newest first', async () => {
    const { db } = test();
    const first = await storePlan(db, [step('a')], 'draft', 'U0LISTER');
    const second = await storePlan(db, [step('a'), step('b')], 'draft', 'U0LISTER');
    const plans = await plansOf(db, 'U0LISTER');
    expect(plans.map((p) => [p.id, p.steps.length])).toEqual([[second, 2], [first, 1]]);
  });

  it('claims only steps whose dependencies are done, of approved or executing plans, and starts the plan', async () => {
    const { db } = test();
    const draft = await storePlan(db, [step('x')], 'draft');
    const id = await storePlan(db, [step('a'), step('b'), step('c', ['a', 'b']), step('d', ['c'])]);
    const first = await claim(db, id, 10, 'runner-1');
    expect(first.map((c) => c.step.id)).toEqual(['a', 'b']);
    expect(first.every((c) => c.step.status === 'running' && c.reclaimedFrom === null && c.idempotencyKey.endsWith(`:${c.step.id}`))).toBe(true);
    expect((await getPlan(db, id))!.status).toBe('executing');
    expect(await claim(db, id, 10, 'runner-1')).toEqual([]);
    expect(await claim(db, draft, 10, 'runner-1')).toEqual([]);

    expect((await finishStep(db, { planId: id, stepId: 'a', runner: 'runner-2', status: 'completed', result: {} })).recorded).toBe(false);
    expect(await finishStep(db, { planId: id, stepId: 'a', runner: 'runner-1', status: 'completed', result: { ok: 1 } })).toEqual({ recorded: true, planStatus: 'executing', rollbackRequested: false, needsSettling: false, claimed: [] });
    expect((await getPlan(db, id))!.steps[0]).toMatchObject({ status: 'completed', result: { ok: 1 } });
    expect(await claim(db, id, 10, 'runner-1')).toEqual([]);
    await finishStep(db, { planId: id, stepId: 'b', runner: 'runner-1', status: 'completed', result: null });
    expect((await claim(db, id, 10, 'runner-1')).map((c) => c.step.id)).toEqual(['c']);

    const kinds = (await planEvents(db, id)).map((e) => [e.kind, e.stepId, e.actor]);
    expect(kinds).toEqual([
      ['plan_started', null, 'executor:runner-1'],
      ['step_started', 'a', 'executor:runner-1'],
      ['step_started', 'b', 'executor:runner-1'],
      ['step_completed', 'a', 'executor:runner-1'],
      ['step_completed', 'b', 'executor:runner-1'],
      ['step_started', 'c', 'executor:runner-1'],
    ]);
  });

  it('claims, with a step’s end, the steps it made ready, and completes the plan with its last step', async () => {
    const { db } = test();
    const id = await storePlan(db, [step('a'), step('b', ['a']), step('c', ['a']), step('d', ['b', 'c'])]);
    const [a] = await claim(db, id, 10, 'runner-1');
    const nextClaim = { limit: 5, planId: id, staleAfterMs: 60_000 };
    const afterA = await finishStep(db, { planId: id, stepId: 'a', runner: 'runner-1', status: 'completed', result: { key: 'SUBS-1' }, claim: nextClaim });
    expect(afterA).toMatchObject({ recorded: true, planStatus: 'executing', needsSettling: false });
    if (!afterA.recorded) throw new Error('not recorded');
    // b and c wait for a only; d still waits for them. What a step reads of earlier results comes with its claim.
    expect(afterA.claimed.map((c) => [c.step.id, c.step.status, c.step.attempts, c.results])).toEqual([
      ['b', 'running', 1, { a: { key: 'SUBS-1' } }],
      ['c', 'running', 1, { a: { key: 'SUBS-1' } }],
    ]);
    expect(a!.step.id).toBe('a');

    const afterB = await finishStep(db, { planId: id, stepId: 'b', runner: 'runner-1', status: 'completed', result: {}, claim: nextClaim });
    expect(afterB.recorded && afterB.claimed).toEqual([]);
    const afterC = await finishStep(db, { planId: id, stepId: 'c', runner: 'runner-1', status: 'completed', result: {}, claim: nextClaim });
    expect(afterC.recorded && afterC.claimed.map((c) => c.step.id)).toEqual(['d']);
    const afterD = await finishStep(db, { planId: id, stepId: 'd', runner: 'runner-1', status: 'completed', result: {}, claim: nextClaim });
    expect(afterD).toMatchObject({ recorded: true, planStatus: 'completed', needsSettling: false, claimed: [] });
    const plan = await getPlan(db, id);
    expect(plan).toMatchObject({ status: 'completed' });
    const { rows } = await sql<{ finished: boolean }>`select finished_at is not null as finished from plans where id = ${id}::bigint`.execute(db);
    expect(rows[0]!.finished).toBe(true);
    expect((await planEvents(db, id)).map((e) => e.kind).slice(-2)).toEqual(['step_completed', 'plan_completed']);
  });

  it('says a plan needs settling after a failed step, and never completes a plan with one', async () => {
    const { db } = test();
    const id = await storePlan(db, [step('a', [], { on_failure: 'continue' }), step('b')]);
    await claim(db, id, 10, 'runner-1');
    expect(await finishStep(db, { planId: id, stepId: 'a', runner: 'runner-1', status: 'failed', error: 'Jira said no' })).toMatchObject({ recorded: true, needsSettling: true });
    expect(await finishStep(db, { planId: id, stepId: 'b', runner: 'runner-1', status: 'completed', result: {} })).toMatchObject({ recorded: true, planStatus: 'executing', needsSettling: true });
    expect((await getPlan(db, id))!.status).toBe('executing');
  });

  it('counts a skipped dependency as done, and a person’s Done on a manual step frees the steps after it', async () => {
    const { db } = test();
    const id = await storePlan(db, [step('a'), step('b'), step('c', ['a', 'b'])]);
    await claim(db, id, 1, 'runner-1');
    await skipSteps(db, id, ['b'], 'skipped by Grace');
    expect((await claim(db, id, 10, 'runner-1')).map((c) => c.step.id)).toEqual([]);
    await markStepWaiting(db, id, 'a', 'runner-1', 'U0GRACE');
    expect(await completeWaitingStep(db, id, 'a', { done_by: 'U0GRACE' })).toBe(true);
    expect((await claim(db, id, 10, 'runner-1')).map((c) => c.step.id)).toEqual(['c']);
  });

  it('does not claim steps of a paused plan', async () => {
    const { db } = test();
    const id = await storePlan(db, [step('a')]);
    await setPlanStatus(db, id, 'paused', { bumpVersion: true });
    expect(await claim(db, id, 10, 'runner-1')).toEqual([]);
    expect((await getPlan(db, id))!.version).toBe(2);
  });

  it('takes over a running step only once its claim is older than the timeout', async () => {
    const { db } = test();
    const id = await storePlan(db, [step('a')]);
    await claim(db, id, 1, 'dead-runner');
    expect(await claim(db, id, 1, 'runner-2', 60_000)).toEqual([]);
    await sql`update plan_steps set claimed_at = now() - interval '2 minutes', attempts = 1 where plan_id = ${id}`.execute(db);
    const taken = await claim(db, id, 1, 'runner-2', 60_000);
    expect(taken.map((c) => [c.step.id, c.reclaimedFrom, c.step.attempts])).toEqual([['a', 'dead-runner', 2]]);
    expect((await finishStep(db, { planId: id, stepId: 'a', runner: 'dead-runner', status: 'completed' })).recorded).toBe(false);
    expect((await planEvents(db, id)).map((e) => e.kind)).toContain('step_reclaimed');
  });

  it('claims across every active plan, oldest plan first, when no plan is named', async () => {
    const { db } = test();
    const older = await storePlan(db, [step('a')]);
    const newer = await storePlan(db, [step('a')]);
    const claimed = await claim(db, null, 50, 'runner-1');
    const ours = claimed.filter((c) => c.planId === older || c.planId === newer).map((c) => c.planId);
    expect(ours).toEqual([older, newer]);
  });

  it('lets one refresh of a plan’s message through per interval', async () => {
    const { db } = test();
    const id = await storePlan(db, [step('a')]);
    expect(await claimMessageRefresh(db, id, 60_000)).toBe(true);
    expect(await claimMessageRefresh(db, id, 60_000)).toBe(false);
    expect(await claimMessageRefresh(db, id, 0)).toBe(true);
  });

  it('records events with their detail', async () => {
    const { db } = test();
    const id = await storePlan(db, [step('a')], 'draft');
    await appendPlanEvent(db, { planId: id, actor: 'U0GRACE', kind: 'plan_edited', detail: { edit: { kind: 'remove_step', stepId: 'b' } } });
    expect((await planEvents(db, id)).map((e) => [e.actor, e.kind, e.detail])).toEqual([['U0GRACE', 'plan_edited', { edit: { kind: 'remove_step', stepId: 'b' } }]]);
  });
});

const pgSkip = postgresSkipReason();
describe.skipIf(pgSkip !== null)(`claiming steps on one PostgreSQL from two connections${pgSkip ? ` (skipped: ${pgSkip})` : ''}`, () => {
  const pair = useTwoConnections();

  it('skips the rows another transaction is claiming (FOR UPDATE SKIP LOCKED), so claims are disjoint', async () => {
    const { database, second } = pair();
    const id = await storePlan(database.db, Array.from({ length: 10 }, (_, i) => step(`s${i}`)));
    let releaseFirst!: () => void;
    const held = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstClaimed: string[] = [];
    const firstDone = database.db.transaction().execute(async (trx) => {
      firstClaimed = (await claimReadySteps(trx, id, 4, 'runner-a', { staleAfterMs: 60_000 })).map((c) => c.step.id);
      await held; // keep the rows locked while the other connection claims
    });
    while (firstClaimed.length === 0) await new Promise((r) => setTimeout(r, 10));
    const secondClaimed = (await claim(second.db, id, 10, 'runner-b')).map((c) => c.step.id);
    releaseFirst();
    await firstDone;

    expect(firstClaimed).toHaveLength(4);
    expect(secondClaimed).toHaveLength(6);
    expect(new Set([...firstClaimed, ...secondClaimed]).size).toBe(10);
  });

  it('completes a plan exactly once when its last two steps end at the same moment in two executors', async () => {
    const { database, second } = pair();
    for (let round = 0; round < 10; round++) {
      const id = await storePlan(database.db, [step('a'), step('b')]);
      await claim(database.db, id, 1, 'runner-a');
      await claim(second.db, id, 1, 'runner-b');
      const ends = await Promise.all([
        finishStep(database.db, { planId: id, stepId: 'a', runner: 'runner-a', status: 'completed', result: {} }),
        finishStep(second.db, { planId: id, stepId: 'b', runner: 'runner-b', status: 'completed', result: {} }),
      ]);
      expect(ends.map((e) => e.recorded && e.planStatus).sort()).toEqual(['completed', 'executing']);
      expect((await getPlan(database.db, id))!.status).toBe('completed');
      expect((await planEvents(database.db, id)).filter((e) => e.kind === 'plan_completed')).toHaveLength(1);
    }
  });
});
