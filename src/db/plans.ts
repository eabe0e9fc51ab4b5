// Plans in the database: storing and reading them (rows → StoredPlan), their status, message and events. The
// executor's work queue (claiming ready steps, recording their ends) is in plan-queue.ts and re-exported here.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { PlanStep } from '../services/plans/plan.ts';
import type { PlanStatus, StoredPlan } from '../services/plans/stored-plan.ts';
import type { Db } from './database.ts';
import { isPlanId, json, toStep } from './plan-rows.ts';
import type { PlanEventRow, PlanRow, PlanStepRow } from './schema.ts';

export { isPlanId } from './plan-rows.ts';
export * from './plan-queue.ts';
export * from './plan-templates.ts';

export interface NewPlan {
  request: string;
  goal: string;
  status?: PlanStatus;
  requesterSlackId: string;
  requesterAccountId: string | null;
  channelId: string;
  planner: string;
  notes: string[];
  steps: readonly PlanStep[];
}

export interface PlanEvent {
  id: string;
  planId: string;
  stepId: string | null;
  actor: string;
  kind: string;
  detail: Record<string, unknown>;
  at: Date;
}

function stepValues(planId: string, steps: readonly PlanStep[], keyOf: (stepId: string) => string) {
  return steps.map((s, position) => ({
    plan_id: planId,
    step_id: s.id,
    position,
    title: s.title,
    action: s.action,
    params: json(s.params),
    depends_on: json(s.depends_on),
    on_failure: s.on_failure,
    estimate_minutes: s.estimate_minutes,
    owner: s.owner,
    needs: s.needs === undefined ? null : json(s.needs),
    status: 'pending' as const,
    // Every step starts pending, so it waits for each of its dependencies; a trigger counts them down.
    waiting_for: new Set(s.depends_on).size,
    idempotency_key: keyOf(s.id),
  }));
}

/**
 * The key every attempt of one step shares: what the step creates carries it and is looked up by it. A random part
 * keeps keys unique even if plan ids start again from 1 (a new database against the same Jira).
 */
function idempotencyKeys(planId: string): (stepId: string) => string {
  const nonce = randomBytes(4).toString('hex');
  return (stepId) => `plan-${planId}-${nonce}:${stepId}`;
}

/** Stores a plan and its steps (all pending); returns its id. Call inside a transaction. */
export async function insertPlan(db: Db, plan: NewPlan): Promise<string> {
  const row = await db
    .insertInto('plans')
    .values({
      request: plan.request,
      goal: plan.goal,
      status: plan.status ?? 'draft',
      requester_slack_id: plan.requesterSlackId,
      requester_account_id: plan.requesterAccountId,
      channel_id: plan.channelId,
      planner: plan.planner,
      notes: json(plan.notes),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = String(row.id);
  if (plan.steps.length > 0) await db.insertInto('plan_steps').values(stepValues(id, plan.steps, idempotencyKeys(id))).execute();
  return id;
}

/**
 * Replaces a draft's steps (after an edit), all pending again; bumps the version. Steps that keep their id keep their
 * idempotency key. Call inside a transaction.
 */
export async function updatePlanSteps(db: Db, planId: string, update: { goal?: string; steps: readonly PlanStep[] }): Promise<void> {
  const existing = await db.selectFrom('plan_steps').select(['step_id', 'idempotency_key']).where('plan_id', '=', planId).execute();
  const kept = new Map(existing.map((r) => [r.step_id, r.idempotency_key]));
  const fresh = idempotencyKeys(planId);
  await db.deleteFrom('plan_steps').where('plan_id', '=', planId).execute();
  if (update.steps.length > 0) await db.insertInto('plan_steps').values(stepValues(planId, update.steps, (id) => kept.get(id) ?? fresh(id))).execute();
  await db
    .updateTable('plans')
    .set((eb) => ({ version: eb('version', '+', 1), updated_at: sql<Date>`now()`, ...(update.goal !== undefined ? { goal: update.goal } : {}) }))
    .where('id', '=', planId)
    .execute();
}

function toPlan(row: PlanRow, steps: PlanStepRow[]): StoredPlan {
  return {
    id: String(row.id),
    request: row.request,
    goal: row.goal,
    status: row.status,
    version: row.version,
    requester: { slackUserId: row.requester_slack_id, accountId: row.requester_account_id },
    channelId: row.channel_id,
    message: row.message_channel !== null && row.message_ts !== null ? { channel: row.message_channel, ts: row.message_ts } : null,
    planner: row.planner,
    notes: row.notes ?? [],
    createdAt: row.created_at,
    steps: steps.sort((a, b) => a.position - b.position).map(toStep),
  };
}

export async function getPlan(db: Db, id: string): Promise<StoredPlan | undefined> {
  if (!isPlanId(id)) return undefined;
  const row = await db.selectFrom('plans').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const steps = await db.selectFrom('plan_steps').selectAll().where('plan_id', '=', id).execute();
  return toPlan(row, steps);
}

/**
 * Locks the plan's row until the transaction ends and returns it read again: every change a person or an executor
 * makes to a plan's status goes through this lock, so two of them never decide on the same state. FOR NO KEY UPDATE,
 * so events can still be recorded for the plan meanwhile (their foreign key only needs a key-share lock).
 */
export async function lockPlan(trx: Db, id: string): Promise<StoredPlan | undefined> {
  if (!isPlanId(id)) return undefined;
  const row = await trx.selectFrom('plans').selectAll().where('id', '=', id).forNoKeyUpdate().executeTakeFirst();
  if (!row) return undefined;
  const steps = await trx.selectFrom('plan_steps').selectAll().where('plan_id', '=', id).execute();
  return toPlan(row, steps);
}

/** The requester's plans, newest first. */
export async function plansOf(db: Db, requesterSlackId: string, limit = 20): Promise<StoredPlan[]> {
  const rows = await db.selectFrom('plans').selectAll().where('requester_slack_id', '=', requesterSlackId).orderBy('id', 'desc').limit(limit).execute();
  if (rows.length === 0) return [];
  const steps = await db.selectFrom('plan_steps').selectAll().where('plan_id', 'in', rows.map((r) => String(r.id))).execute();
  return rows.map((row) => toPlan(row, steps.filter((s) => String(s.plan_id) === String(row.id))));
}

/** Plans an executor should work on: approved or executing (paused and finished ones wait or are done). */
export async function plansToResume(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('plans').select('id').where('status', 'in', ['approved', 'executing']).orderBy('id').execute();
  return rows.map((r) => String(r.id));
}

/**
 * Sets the plan's status. `bumpVersion` for changes a person makes (their clicks carry the version they saw);
 * finished statuses stamp finished_at, others clear it.
 */
export async function setPlanStatus(db: Db, planId: string, status: PlanStatus, options: { bumpVersion?: boolean; rollbackRequested?: boolean } = {}): Promise<void> {
  const finished = status === 'completed' || status === 'failed' || status === 'cancelled';
  await db
    .updateTable('plans')
    .set((eb) => ({
      status,
      updated_at: sql<Date>`now()`,
      finished_at: finished ? sql<Date>`now()` : null,
      ...(options.bumpVersion ? { version: eb('version', '+', 1) } : {}),
      ...(options.rollbackRequested !== undefined ? { rollback_requested: options.rollbackRequested } : {}),
    }))
    .where('id', '=', planId)
    .execute();
}

/** A change a person made that leaves the status as it is (a step skipped or marked done): clicks on older messages are stale. */
export async function bumpPlanVersion(db: Db, planId: string): Promise<void> {
  await db
    .updateTable('plans')
    .set((eb) => ({ version: eb('version', '+', 1), updated_at: sql<Date>`now()` }))
    .where('id', '=', planId)
    .execute();
}

export async function setPlanMessage(db: Db, planId: string, message: { channel: string; ts: string }): Promise<void> {
  await db.updateTable('plans').set({ message_channel: message.channel, message_ts: message.ts, updated_at: sql<Date>`now()` }).where('id', '=', planId).execute();
}

/**
 * Takes the plan's message-refresh slot if the last refresh is at least `intervalMs` old (or there was none): one
 * chat.update per plan per interval, whichever executor asks. Returns false when someone refreshed it too recently.
 */
export async function claimMessageRefresh(db: Db, planId: string, intervalMs: number): Promise<boolean> {
  const row = await db
    .updateTable('plans')
    .set({ message_refreshed_at: sql<Date>`clock_timestamp()` })
    .where('id', '=', planId)
    .where((eb) => eb.or([eb('message_refreshed_at', 'is', null), eb('message_refreshed_at', '<=', sql<Date>`clock_timestamp() - make_interval(secs => ${intervalMs / 1000})`)]))
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** How long until the plan's message may be refreshed again (0: now). */
export async function messageRefreshWaitMs(db: Db, planId: string, intervalMs: number): Promise<number> {
  const { rows } = await sql<{ wait: number | string | null }>`
    select extract(epoch from (message_refreshed_at + make_interval(secs => ${intervalMs / 1000}) - clock_timestamp())) * 1000 as wait
    from plans where id = ${planId}`.execute(db);
  const wait = Number(rows[0]?.wait ?? 0);
  return Number.isFinite(wait) ? Math.max(0, Math.ceil(wait)) : 0;
}

export async function appendPlanEvent(db: Db, event: { planId: string; stepId?: string | null; actor: string; kind: string; detail?: Record<string, unknown> }): Promise<void> {
  await db
    .insertInto('plan_events')
    .values({ plan_id: event.planId, step_id: event.stepId ?? null, actor: event.actor, kind: event.kind, detail: json(event.detail ?? {}) })
    .execute();
}

function toEvent(row: PlanEventRow): PlanEvent {
  return { id: String(row.id), planId: String(row.plan_id), stepId: row.step_id, actor: row.actor, kind: row.kind, detail: row.detail ?? {}, at: row.at };
}

/** The plan's history, oldest first. */
export async function planEvents(db: Db, planId: string): Promise<PlanEvent[]> {
  const rows = await db.selectFrom('plan_events').selectAll().where('plan_id', '=', planId).orderBy('id').execute();
  return rows.map(toEvent);
}

