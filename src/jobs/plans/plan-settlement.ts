// What a plan becomes after one of its steps settles (completed, failed, skipped, marked done): a failed step with
// on_failure "stop" fails the plan at once (nothing new starts; running steps finish); with "continue" the steps that
// wait for it are skipped and the rest go on; when nothing is left to run the plan is completed, or failed if any
// step failed. The decision is pure (`settlement`); settlePlan applies it under the plan's row lock.
import type { Db } from '../../db/database.ts';
import { appendPlanEvent, lockPlanState, planSteps, setPlanStatus, skipSteps } from '../../db/plans.ts';
import { dependantsToSkip, type RunState } from '../../services/plans/critical-path.ts';
import type { PlanStatus, StoredPlan } from '../../services/plans/stored-plan.ts';
import { stepName } from './plan-changes.ts';

export const ACTIVE_PLAN_STATUSES: readonly PlanStatus[] = ['approved', 'executing', 'paused'];

type PlanState = Pick<StoredPlan, 'status' | 'steps'>;

export interface Settlement {
  /** Pending steps that can no longer run, with why. */
  skip: { stepId: string; reason: string }[];
  /** The plan's new status, when it changes. */
  status?: 'completed' | 'failed';
  /** For a failed plan: the step that stopped it. */
  stoppedBy?: string;
}

export function runState(plan: Pick<StoredPlan, 'steps'>): RunState {
  const with_ = (status: string) => new Set(plan.steps.filter((s) => s.status === status).map((s) => s.id));
  return { completed: with_('completed'), failed: with_('failed'), skipped: with_('skipped'), running: with_('running') };
}

/** What follows from the plan's step states; nothing for a plan that is not active. */
export function settlement(plan: PlanState): Settlement {
  const result: Settlement = { skip: [] };
  if (!ACTIVE_PLAN_STATUSES.includes(plan.status)) return result;
  const failed = plan.steps.filter((s) => s.status === 'failed');
  const stopper = failed.find((s) => s.on_failure === 'stop');
  if (stopper) return { skip: [], status: 'failed', stoppedBy: stopper.id };

  const state = runState(plan);
  const skipped = new Set<string>();
  for (const step of failed) {
    for (const id of dependantsToSkip(plan.steps, step.id, state)) {
      const dependant = plan.steps.find((s) => s.id === id);
      if (dependant?.status !== 'pending' || skipped.has(id)) continue;
      skipped.add(id);
      result.skip.push({ stepId: id, reason: `not run: ${stepName(plan, step.id)} failed` });
    }
  }
  const open = plan.steps.filter((s) => (s.status === 'pending' && !skipped.has(s.id)) || s.status === 'running');
  if (open.length === 0) result.status = failed.length > 0 ? 'failed' : 'completed';
  return result;
}

/** Applies the settlement of `plan` (read under its row lock in `trx`); returns the plan's status after it. */
async function applySettlement(trx: Db, planId: string, plan: PlanState, actor: string): Promise<PlanStatus> {
  if (plan.status === 'approved' && plan.steps.some((s) => s.status !== 'pending')) {
    // The claim that started its first step found the plan row busy and left the plan "approved".
    await setPlanStatus(trx, planId, 'executing');
    await appendPlanEvent(trx, { planId, actor, kind: 'plan_started' });
    plan = { ...plan, status: 'executing' };
  }
  const decided = settlement(plan);
  for (const { stepId, reason } of decided.skip) {
    await skipSteps(trx, planId, [stepId], reason);
    await appendPlanEvent(trx, { planId, stepId, actor, kind: 'step_skipped', detail: { reason } });
  }
  if (!decided.status) return plan.status;
  await setPlanStatus(trx, planId, decided.status);
  const detail = decided.stoppedBy ? { stopped_by: decided.stoppedBy } : {};
  await appendPlanEvent(trx, { planId, actor, kind: decided.status === 'completed' ? 'plan_completed' : 'plan_failed', detail });
  return decided.status;
}

/**
 * Settles the plan as its steps now stand, under its row lock: after a person skipped a step or marked one done, after
 * a step failed, and after an executor's last running step of the plan ended (of two steps ending at the same moment
 * in two executors, the second settlement to take the lock sees both).
 */
export async function settlePlan(db: Db, planId: string, actor: string): Promise<PlanStatus | undefined> {
  return db.transaction().execute(async (trx) => {
    const state = await lockPlanState(trx, planId);
    if (!state) return undefined;
    return applySettlement(trx, planId, { status: state.status, steps: await planSteps(trx, planId) }, actor);
  });
}
