// "Skip a step…" on the progress view: the chosen pending or failed step is skipped, so the steps after it may start;
// the executor is started at once to run them.
import type { BotDeps } from '../app.ts';
import { skipStep } from '../../jobs/plans/plan-service.ts';
import { handlePlanClick, NOT_A_PLAN_BUTTON, type PlanActionArgs } from './plan-click.ts';

export function skipStepAction(deps: BotDeps) {
  return async (args: PlanActionArgs): Promise<void> => {
    await handlePlanClick(
      deps,
      args,
      async ({ value, actor }) => (value.stepId === undefined ? { ok: false, message: NOT_A_PLAN_BUTTON } : skipStep(deps.ctx, value.planId, value.stepId, actor, value.version)),
      { startExecutor: true },
    );
  };
}
