// The Edit / Remove menu of one step on the review message: Edit opens the edit modal on that step; Remove takes the
// step out (the plan is validated again: a step others depend on cannot go) and the message shows the plan without it.
import { editPlan } from '../../jobs/plans/plan-service.ts';
import { peopleDirectory } from '../../services/plans/actions/index.ts';
import type { BotDeps } from '../app.ts';
import { editStepModal } from '../blocks/plan.ts';
import { handlePlanClick, NOT_A_PLAN_BUTTON, openPlanModal, readClick, type PlanActionArgs } from './plan-click.ts';

export function stepMenuAction(deps: BotDeps) {
  return async (args: PlanActionArgs): Promise<void> => {
    const { value } = readClick(args.body);
    if (value?.op === 'edit') {
      await openPlanModal(deps, args, (plan, click) => {
        const step = plan.steps.find((s) => s.id === click.value.stepId);
        return step ? editStepModal(plan, step, { people: peopleDirectory(deps.ctx.config.org.people) }) : 'That step is no longer in the plan.';
      });
      return;
    }
    await handlePlanClick(deps, args, async ({ value: v, actor }) => {
      if (v.op !== 'remove' || v.stepId === undefined) return { ok: false, message: NOT_A_PLAN_BUTTON };
      return editPlan(deps.ctx, v.planId, actor, { kind: 'remove_step', stepId: v.stepId }, v.version);
    });
  };
}
