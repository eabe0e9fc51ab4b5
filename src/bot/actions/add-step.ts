// "Add step" on the review message: opens the add-step modal (the submission is handled in views/add-step.ts).
import type { BotDeps } from '../app.ts';
import { addStepModal } from '../blocks/plan.ts';
import { MAX_PLAN_STEPS } from '../../services/plans/plan.ts';
import { openPlanModal, type PlanActionArgs } from './plan-click.ts';

export function addStepAction(deps: BotDeps) {
  return async (args: PlanActionArgs): Promise<void> => {
    await openPlanModal(deps, args, (plan) =>
      plan.steps.length >= MAX_PLAN_STEPS ? `A plan has at most ${MAX_PLAN_STEPS} steps: remove one before adding another.` : addStepModal(plan),
    );
  };
}
