// Plan rows and the shapes the rest of the code sees: row → StoredStep, plan ids, JSON for jsonb parameters. Shared by
// plans.ts (plans and their events) and plan-queue.ts (the executor's work queue).
import type { StoredStep } from '../services/plans/stored-plan.ts';
import type { PlanStepRow } from './schema.ts';

/** Plan ids are bigserial numbers; anything else (`/plan show abc`) names no plan. */
export function isPlanId(id: string): boolean {
  return /^[1-9][0-9]{0,17}$/.test(id);
}

/** jsonb parameters go as JSON text: PostgreSQL refuses a raw JS array (PGlite would take it). */
export const json = (value: unknown): string => JSON.stringify(value);

/** What toStep reads of a plan_steps row (timestamps but undone_at only as set or not). */
export type StepRowFields = Omit<PlanStepRow, 'claimed_at' | 'started_at' | 'finished_at' | 'undone_at'> & { undone_at: unknown };

export function toStep(row: StepRowFields): StoredStep {
  const step: StoredStep = {
    id: row.step_id,
    title: row.title,
    action: row.action,
    params: row.params ?? {},
    depends_on: row.depends_on ?? [],
    on_failure: row.on_failure,
    estimate_minutes: row.estimate_minutes,
    owner: row.owner,
    position: row.position,
    status: row.status,
    attempts: row.attempts,
    result: row.result,
    error: row.error,
  };
  if (row.needs !== null) step.needs = row.needs;
  if (row.undone_at !== null) step.undone = true;
  return step;
}

