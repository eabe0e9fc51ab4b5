// The edit-step modal's submission: the step's new values go to the service, which validates the whole plan again
// (a cycle, a missing dependency, an unknown owner) and bumps its version; problems come back on the fields.
import { editPlan } from '../../jobs/plans/plan-service.ts';
import type { BotDeps } from '../app.ts';
import { PLAN_BLOCKS } from '../ids.ts';
import { handlePlanSubmission, type PlanViewArgs } from './plan-submission.ts';
import { readStepChanges } from './step-form.ts';

export function editStepSubmission(deps: BotDeps) {
  return async (args: PlanViewArgs): Promise<void> => {
    await handlePlanSubmission(deps, args, ({ plan, metadata, values, actor }) => {
      const step = plan.steps.find((s) => s.id === metadata.stepId);
      if (!step) return { errors: { [PLAN_BLOCKS.title]: 'This step is no longer in the plan. Close the form to see the plan as it is.' } };
      const changes = readStepChanges(values, step);
      if (!changes.ok) return { errors: changes.errors };
      return { stepId: step.id, call: () => editPlan(deps.ctx, plan.id, actor, { kind: 'update_step', stepId: step.id, changes: changes.value }, metadata.version) };
    });
  };
}
