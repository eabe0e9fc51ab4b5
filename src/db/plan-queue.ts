// The executor's work queue in plan_steps: ready steps are claimed with FOR UPDATE SKIP LOCKED, so executors on one
// PostgreSQL never run the same step; a step left running by a runner that died is claimed again once its claim is
// older than `staleAfterMs`; each end is recorded under the plan's row lock. Re-exported by plans.ts.
import { sql } from 'kysely';
import type { PlanStatus, StepStatus, StoredStep } from '../services/plans/stored-plan.ts';
import type { Db } from './database.ts';
import { isPlanId, json, toStep, type StepRowFields } from './plan-rows.ts';
import type { PlanStepRow } from './schema.ts';

/** A plan_steps row as to_jsonb gives it: timestamps as ISO text. */
type PlanStepJson = StepRowFields & { started_at: string | null };

/** A step the executor claimed, with what running it needs from its plan. */
export interface ClaimedStep {
  planId: string;
  /** Its `attempts` already counts the try this claim starts. */
  step: StoredStep;
  idempotencyKey: string;
  /** The runner whose stale claim this one replaced (it died, or stalled past the timeout); null for a fresh claim. */
  reclaimedFrom: string | null;
  requester: { slackUserId: string; accountId: string | null };
  /** Whether the plan has a Slack message to keep up to date. */
  hasMessage: boolean;
  /** Results of the plan's completed steps, by step id: what `{{steps.<id>.<field>}}` reads. */
  results: Record<string, unknown>;
  /** What an earlier attempt saved (see StepMemory), null if nothing. */
  checkpoint: Record<string, unknown> | null;
  /** When the step's first attempt started. */
  firstStartedAt: Date | null;
}

/**
 * Claims up to `limit` steps that can run now, of one plan or (planId null) of every approved or executing plan,
 * oldest plan first: pending steps whose dependencies are all completed or skipped, and running steps whose claim is
 * older than `staleAfterMs` (their runner died) — except manual steps waiting for a person. Rows another executor is
 * claiming at the same moment are skipped (FOR UPDATE SKIP LOCKED), so two executors never get the same step. Each
 * claim counts one attempt and is recorded as an event; approved plans become executing. One statement (one round
 * trip, atomic on its own): the executor claims after every step that ends.
 */
export async function claimReadySteps(db: Db, planId: string | null, limit: number, runner: string, options: { staleAfterMs: number }): Promise<ClaimedStep[]> {
  if (limit <= 0 || (planId !== null && !isPlanId(planId))) return [];
  // pm_claim_plan_steps (migrations/0007_plan_queue_functions.ts) holds the statement: PostgreSQL keeps its plan.
  const { rows } = await sql<ClaimRow>`
    select * from pm_claim_plan_steps(${planId}::bigint, ${limit}::integer, ${runner}::text, ${options.staleAfterMs / 1000}::double precision)`.execute(db);
  return rows.map(toClaimed);
}

/** A row of pm_claim_plan_steps. */
interface ClaimRow {
  step: PlanStepJson;
  previous_status: StepStatus;
  previous_runner: string | null;
  requester_slack_id: string;
  requester_account_id: string | null;
  has_message: boolean;
  results: Record<string, unknown> | null;
}

function toClaimed({ step, ...r }: ClaimRow): ClaimedStep {
  return {
    planId: String(step.plan_id),
    step: toStep(step),
    idempotencyKey: step.idempotency_key,
    reclaimedFrom: r.previous_status === 'running' ? r.previous_runner : null,
    requester: { slackUserId: r.requester_slack_id, accountId: r.requester_account_id },
    hasMessage: r.has_message,
    results: r.results ?? {},
    checkpoint: step.checkpoint,
    firstStartedAt: step.started_at === null ? null : new Date(step.started_at),
  };
}

/** An update of a step that changes it only while this runner holds it (running, claimed by this runner). */
function heldStep(db: Db, planId: string, stepId: string, runner: string) {
  return db.updateTable('plan_steps').where('plan_id', '=', planId).where('step_id', '=', stepId).where('status', '=', 'running').where('claimed_by', '=', runner);
}

/**
 * Saves a running step's checkpoint, replacing the one before. Only the runner holding the step may: returns false
 * (nothing written) when the step is no longer this runner's.
 */
export async function saveStepCheckpoint(db: Db, planId: string, stepId: string, runner: string, checkpoint: Record<string, unknown>): Promise<boolean> {
  const row = await heldStep(db, planId, stepId, runner)
    .set({ checkpoint: json(checkpoint), claimed_at: sql<Date>`now()` })
    .returning('step_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Whether a step other than this one (of any plan) has `value` as its result's `field`. */
export async function isResultOfAnotherStep(db: Db, planId: string, stepId: string, field: string, value: string): Promise<boolean> {
  const row = await db
    .selectFrom('plan_steps')
    .select('step_id')
    .where('result', 'is not', null)
    .where(sql<string>`result ->> ${field}`, '=', value)
    .where((eb) => eb.not(eb.and([eb('plan_id', '=', planId), eb('step_id', '=', stepId)])))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Counts one more attempt of a step this runner holds and renews its claim (a heartbeat). Returns the attempt number,
 * or undefined when the step is no longer this runner's (taken over, or settled by a person).
 */
export async function recordAttempt(db: Db, planId: string, stepId: string, runner: string): Promise<number | undefined> {
  const row = await heldStep(db, planId, stepId, runner)
    .set((eb) => ({ attempts: eb('attempts', '+', 1), claimed_at: sql<Date>`now()` }))
    .returning('attempts')
    .executeTakeFirst();
  return row?.attempts;
}

/** How one step ended. */
export interface StepEnd {
  planId: string;
  stepId: string;
  status: 'completed' | 'failed';
  result?: Record<string, unknown> | null;
  error?: string | null;
  /** Recorded with it (default: step_completed / step_failed by the executor). */
  event?: { actor: string; kind: string; detail: Record<string, unknown> };
}

/** Claims made with step ends, in the same round trip (see claimReadySteps). */
export interface ClaimWithEnds {
  limit: number;
  /** Only this plan's steps; null for every active plan. */
  planId: string | null;
  staleAfterMs: number;
}

/** What recording one step's end did. */
export type RecordedEnd =
  | { recorded: false }
  | {
      recorded: true;
      planStatus: PlanStatus;
      rollbackRequested: boolean;
      /**
       * Whether the plan needs settling (plan-settlement.ts): a step failed, or it is still marked approved. A plan
       * with nothing left to run and no failure was completed here already (planStatus says so).
       */
      needsSettling: boolean;
    };

/**
 * Records how steps this runner holds ended, each with its event and under its plan's row lock, so a cancel is either
 * seen here (the plan's status comes back) or sees the step done. Still under the lock it completes a plan when nothing
 * is left and nothing failed, or says whether the plan needs settling (of two last steps ending at once in two
 * executors, the second to take the lock sees both); then claims the next ready steps when asked. One round trip
 * (pm_finish_plan_steps, migrations/0007_plan_queue_functions.ts). An end comes back `recorded: false` (nothing
 * changed) when its step is no longer this runner's: another executor took it over, and its own attempt decides.
 */
export async function finishSteps(db: Db, runner: string, ends: readonly StepEnd[], claim?: ClaimWithEnds): Promise<{ ends: RecordedEnd[]; claimed: ClaimedStep[] }> {
  const sent = ends.filter((e) => isPlanId(e.planId));
  const limit = Math.max(0, claim?.limit ?? 0);
  if (sent.length === 0 && limit === 0) return { ends: ends.map(() => ({ recorded: false })), claimed: [] };
  const payload = sent.map((e) => {
    const event = e.event ?? { actor: `executor:${runner}`, kind: e.status === 'completed' ? 'step_completed' : 'step_failed', detail: {} };
    return { plan_id: e.planId, step_id: e.stepId, status: e.status, result: e.result ?? null, error: e.error ?? null, actor: event.actor, kind: event.kind, detail: event.detail };
  });
  const claimPlan = claim?.planId != null && isPlanId(claim.planId) ? claim.planId : null;
  const { rows } = await sql<{ ends: { recorded: boolean; plan_status?: PlanStatus; rollback_requested?: boolean; needs_settling?: boolean }[]; claimed: ClaimRow[] }>`
    select * from pm_finish_plan_steps(${json(payload)}::jsonb, ${runner}::text, ${limit}::integer, ${claimPlan}::bigint,
      ${(claim?.staleAfterMs ?? 0) / 1000}::double precision)`.execute(db);
  const row = rows[0];
  const byEnd = new Map(sent.map((e, i) => [e, row?.ends[i]]));
  return {
    ends: ends.map((e): RecordedEnd => {
      const r = byEnd.get(e);
      if (!r?.recorded) return { recorded: false };
      return { recorded: true, planStatus: r.plan_status!, rollbackRequested: r.rollback_requested ?? false, needsSettling: r.needs_settling ?? false };
    }),
    claimed: (row?.claimed ?? []).map(toClaimed),
  };
}

export interface StepFinish extends StepEnd {
  runner: string;
  /** Claims up to `limit` ready steps for the same runner in the same round trip (see claimReadySteps). */
  claim?: ClaimWithEnds;
}

/** One step's end, and the steps claimed with it (claimed even when the end was not this runner's to record). */
export type FinishedStep = RecordedEnd & { claimed: ClaimedStep[] };

/** One step's end (see finishSteps). */
export async function finishStep(db: Db, finish: StepFinish): Promise<FinishedStep> {
  const { runner, claim, ...end } = finish;
  const done = await finishSteps(db, runner, [end], claim);
  return { ...done.ends[0]!, claimed: done.claimed };
}

/** Locks the plan's row (see lockPlan) and reads only its status and whether a cancel asked for rollback. */
export async function lockPlanState(trx: Db, planId: string): Promise<{ status: PlanStatus; rollbackRequested: boolean } | undefined> {
  if (!isPlanId(planId)) return undefined;
  const row = await trx.selectFrom('plans').select(['status', 'rollback_requested']).where('id', '=', planId).forNoKeyUpdate().executeTakeFirst();
  return row ? { status: row.status, rollbackRequested: row.rollback_requested } : undefined;
}

/** The plan's steps as they now stand, in plan order. */
export async function planSteps(db: Db, planId: string): Promise<StoredStep[]> {
  const rows = await db.selectFrom('plan_steps').selectAll().where('plan_id', '=', planId).orderBy('position').execute();
  return rows.map(toStep);
}

/** The plan's status (undefined: no such plan). */
export async function planStatus(db: Db, planId: string): Promise<PlanStatus | undefined> {
  if (!isPlanId(planId)) return undefined;
  const row = await db.selectFrom('plans').select('status').where('id', '=', planId).executeTakeFirst();
  return row?.status;
}

/**
 * Gives back a step this runner claimed but did not start (its plan stopped meanwhile): pending again, its attempt not
 * counted, so the next claim is its first try. False when the step is no longer this runner's.
 */
export async function releaseClaimedStep(db: Db, planId: string, stepId: string, runner: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await heldStep(trx, planId, stepId, runner)
      .set((eb) => ({ status: 'pending', claimed_by: null, claimed_at: null, attempts: eb('attempts', '-', 1), started_at: sql<Date | null>`case when attempts <= 1 then null else started_at end` }))
      .returning('attempts')
      .executeTakeFirst();
    if (!row) return false;
    await trx.insertInto('plan_events').values({ plan_id: planId, step_id: stepId, actor: `executor:${runner}`, kind: 'step_released', detail: json({ reason: 'the plan stopped before the step started' }) }).execute();
    return true;
  });
}

/** A manual step now waits for `waitingOn` (a person) to press Done; no executor holds it any more. */
export async function markStepWaiting(db: Db, planId: string, stepId: string, runner: string, waitingOn: string): Promise<boolean> {
  const row = await heldStep(db, planId, stepId, runner).set({ waiting_on: waitingOn, claimed_by: null, claimed_at: null }).returning('step_id').executeTakeFirst();
  return row !== undefined;
}

/** A manual step marked done by a person. Returns false when it was not waiting (already done, skipped …). */
export async function completeWaitingStep(db: Db, planId: string, stepId: string, result: Record<string, unknown>): Promise<boolean> {
  const row = await db
    .updateTable('plan_steps')
    .set({ status: 'completed', result: json(result), error: null, waiting_on: null, finished_at: sql<Date>`now()` })
    .where('plan_id', '=', planId)
    .where('step_id', '=', stepId)
    .where('status', '=', 'running')
    .where('waiting_on', 'is not', null)
    .returning('step_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Marks steps skipped (by a person, or because a step they wait for failed), with the reason. */
export async function skipSteps(db: Db, planId: string, stepIds: readonly string[], reason: string | null): Promise<void> {
  if (stepIds.length === 0) return;
  await db
    .updateTable('plan_steps')
    .set({ status: 'skipped', error: reason, waiting_on: null, claimed_by: null, claimed_at: null, finished_at: sql<Date>`now()` })
    .where('plan_id', '=', planId)
    .where('step_id', 'in', [...stepIds])
    .execute();
}

/** Records that a cancel with rollback undid what the step did. */
export async function markStepUndone(db: Db, planId: string, stepId: string): Promise<void> {
  await db.updateTable('plan_steps').set({ undone_at: sql<Date>`now()` }).where('plan_id', '=', planId).where('step_id', '=', stepId).execute();
}

/** The idempotency key of each step of a plan, by step id. */
export async function stepIdempotencyKeys(db: Db, planId: string): Promise<Map<string, string>> {
  const rows = await db.selectFrom('plan_steps').select(['step_id', 'idempotency_key']).where('plan_id', '=', planId).execute();
  return new Map(rows.map((r) => [r.step_id, r.idempotency_key]));
}
