// The add-step modal's submission: the new step goes to the service, which validates the whole plan with it; problems
// come back on the fields, and the plan message shows the step once it is in.
import { editPlan } from '../../jobs/plans/plan-service.ts';
import type { BotDeps } from '../app.ts';
import { handlePlanSubmission, type PlanViewArgs } from './plan-submission.ts';
import { readNewStep } from './step-form.ts';

export function addStepSubmission(deps: BotDeps) {
  return async (args: PlanViewArgs): Promise<void> => {
    await handlePlanSubmission(deps, args, ({ plan, metadata, values, actor }) => {
      const step = readNewStep(values, plan);
      if (!step.ok) return { errors: step.errors };
      return { stepId: step.value.id, call: () => editPlan(deps.ctx, plan.id, actor, { kind: 'add_step', step: step.value }, metadata.version) };
    });
  };
}
