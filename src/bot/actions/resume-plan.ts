// "Resume" on a paused plan's progress view: the plan goes on, and the executor starts the ready steps at once.
import { resumePlan } from '../../jobs/plans/plan-service.ts';
import type { BotDeps } from '../app.ts';
import { handlePlanClick, type PlanActionArgs } from './plan-click.ts';

export function resumePlanAction(deps: BotDeps) {
  return async (args: PlanActionArgs): Promise<void> => {
    await handlePlanClick(deps, args, ({ value, actor }) => resumePlan(deps.ctx, value.planId, actor, value.version), { startExecutor: true });
  };
}
