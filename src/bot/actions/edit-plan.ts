// "Edit" on the review message: opens the edit modal on the first step that still needs something (else step 1);
// its step picker switches to any other step.
import type { BotDeps } from '../app.ts';
import { editStepModal } from '../blocks/plan.ts';
import { peopleDirectory } from '../../services/plans/actions/index.ts';
import { openPlanModal, type PlanActionArgs } from './plan-click.ts';

export function editPlanAction(deps: BotDeps) {
  return async (args: PlanActionArgs): Promise<void> => {
    await openPlanModal(deps, args, (plan) => {
      const step = plan.steps.find((s) => (s.needs?.length ?? 0) > 0) ?? plan.steps[0];
      if (!step) return 'This plan has no steps left: add one with Add step.';
      return editStepModal(plan, step, { people: peopleDirectory(deps.ctx.config.org.people) });
    });
  };
}
