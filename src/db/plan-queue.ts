// The executor's work queue in plan_steps: ready steps are claimed with FOR UPDATE SKIP LOCKED, so executors on one
// PostgreSQL never run the same step; a step left running by a runner that died is claimed again once its claim is
// older than `staleAfterMs`; each end is recorded under the plan's row lock. Re-exported by plans.ts.
import { sql } from 'kysely';
import type { PlanStatus, StepStatus, StoredStep } from '../services/plans/stored-plan.ts';
import type { Db } from './database.ts';
import { isPlanId, json, toStep } from './plan-rows.ts';
import type { PlanStepRow } from './schema.ts';

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
  type Claimed = PlanStepRow & {
    previous_status: StepStatus;
    previous_runner: string | null;
    requester_slack_id: string;
    requester_account_id: string | null;
    has_message: boolean;
    results: Record<string, unknown> | null;
  };
  const actor = `executor:${runner}`;
  const { rows } = await sql<Claimed>`
    with ready as (
      select s.plan_id, s.step_id, s.status as previous_status, s.claimed_by as previous_runner,
             p.requester_slack_id, p.requester_account_id, p.message_ts is not null as has_message
      from plan_steps s
      join plans p on p.id = s.plan_id
      where p.status in ('approved', 'executing')
        and (${planId}::bigint is null or s.plan_id = ${planId}::bigint)
        and (
          (s.status = 'pending' and not exists (
            select 1 from jsonb_array_elements_text(s.depends_on) as d(dep)
            join plan_steps b on b.plan_id = s.plan_id and b.step_id = d.dep
            where b.status not in ('completed', 'skipped')))
          or (s.status = 'running' and s.waiting_on is null
              and s.claimed_at < now() - make_interval(secs => ${options.staleAfterMs / 1000}))
        )
      order by s.plan_id, s.position
      limit ${limit}
      for update of s skip locked
    ), claimed as (
      update plan_steps u
      set status = 'running', claimed_by = ${runner}, claimed_at = now(), started_at = coalesce(u.started_at, now()),
          attempts = u.attempts + 1, error = null
      from ready
      where u.plan_id = ready.plan_id and u.step_id = ready.step_id
      returning u.*, ready.previous_status, ready.previous_runner, ready.requester_slack_id, ready.requester_account_id,
        ready.has_message
    ), started as (
      -- A plan row another transaction holds (a second executor starting it now) is left to that one.
      update plans set status = 'executing', updated_at = now()
      where id in (select id from plans where id in (select plan_id from claimed) and status = 'approved' for no key update skip locked)
      returning id
    ), recorded as (
      insert into plan_events (plan_id, step_id, actor, kind, detail)
      select id, null, ${actor}, 'plan_started', '{}'::jsonb from started
      union all
      select plan_id, step_id, ${actor},
        case when previous_status = 'running' then 'step_reclaimed' else 'step_started' end,
        case when previous_status = 'running' then jsonb_build_object('from', previous_runner, 'attempt', attempts)
             else jsonb_build_object('attempt', attempts) end
      from claimed
    )
    select claimed.*,
      (select jsonb_object_agg(r.step_id, r.result) from plan_steps r
        where r.plan_id = claimed.plan_id and r.status = 'completed' and r.result is not null) as results
    from claimed
    order by claimed.plan_id, claimed.position`.execute(db);
  return rows.map((r) => ({
    planId: String(r.plan_id),
    step: toStep(r),
    idempotencyKey: r.idempotency_key,
    reclaimedFrom: r.previous_status === 'running' ? r.previous_runner : null,
    requester: { slackUserId: r.requester_slack_id, accountId: r.requester_account_id },
    hasMessage: r.has_message,
    results: r.results ?? {},
  }));
}

/**
 * Counts one more attempt of a step this runner holds and renews its claim (a heartbeat). Returns the attempt number,
 * or undefined when the step is no longer this runner's (taken over, or settled by a person).
 */
export async function recordAttempt(db: Db, planId: string, stepId: string, runner: string): Promise<number | undefined> {
  const row = await db
    .updateTable('plan_steps')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), claimed_at: sql<Date>`now()` }))
    .where('plan_id', '=', planId)
    .where('step_id', '=', stepId)
    .where('status', '=', 'running')
    .where('claimed_by', '=', runner)
    .returning('attempts')
    .executeTakeFirst();
  return row?.attempts;
}

export interface StepFinish {
  planId: string;
  stepId: string;
  runner: string;
  status: 'completed' | 'failed';
  result?: Record<string, unknown> | null;
  error?: string | null;
  /** Recorded with it (default: step_completed / step_failed by the executor). */
  event?: { actor: string; kind: string; detail: Record<string, unknown> };
}

export type FinishedStep = { recorded: false } | { recorded: true; planStatus: PlanStatus; rollbackRequested: boolean };

/**
 * Records how a step this runner holds ended, with its event — one statement, holding the plan's row lock while it
 * runs, so a cancel is either seen here (its status comes back) or sees this step done. `recorded: false` (nothing
 * changed) when the step is no longer this runner's: another executor took it over, and its own attempt decides.
 */
export async function finishStep(db: Db, finish: StepFinish): Promise<FinishedStep> {
  const result = finish.result === undefined || finish.result === null ? null : json(finish.result);
  const event = finish.event ?? { actor: `executor:${finish.runner}`, kind: finish.status === 'completed' ? 'step_completed' : 'step_failed', detail: {} };
  const { rows } = await sql<{ status: PlanStatus; rollback_requested: boolean; recorded: boolean }>`
    with plan as (
      select id, status, rollback_requested from plans where id = ${finish.planId}::bigint for no key update
    ), done as (
      update plan_steps
      set status = ${finish.status}, result = ${result}::jsonb, error = ${finish.error ?? null}, finished_at = now(), waiting_on = null
      where plan_id = (select id from plan) and step_id = ${finish.stepId} and status = 'running' and claimed_by = ${finish.runner}
      returning plan_id, step_id
    ), recorded as (
      insert into plan_events (plan_id, step_id, actor, kind, detail)
      select plan_id, step_id, ${event.actor}, ${event.kind}, ${json(event.detail)}::jsonb from done
    )
    select plan.status, plan.rollback_requested, exists (select 1 from done) as recorded from plan`.execute(db);
  const row = rows[0];
  if (!row?.recorded) return { recorded: false };
  return { recorded: true, planStatus: row.status, rollbackRequested: row.rollback_requested };
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

/** A manual step now waits for `waitingOn` (a person) to press Done; no executor holds it any more. */
export async function markStepWaiting(db: Db, planId: string, stepId: string, runner: string, waitingOn: string): Promise<boolean> {
  const row = await db
    .updateTable('plan_steps')
    .set({ waiting_on: waitingOn, claimed_by: null, claimed_at: null })
    .where('plan_id', '=', planId)
    .where('step_id', '=', stepId)
    .where('status', '=', 'running')
    .where('claimed_by', '=', runner)
    .returning('step_id')
    .executeTakeFirst();
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
