// "Pause" on the progress view: no new step starts (running ones finish) until someone presses Resume.
import { pausePlan } from '../../jobs/plans/plan-service.ts';
import type { BotDeps } from '../app.ts';
import { handlePlanClick, type PlanActionArgs } from './plan-click.ts';

export function pausePlanAction(deps: BotDeps) {
  return async (args: PlanActionArgs): Promise<void> => {
    await handlePlanClick(deps, args, ({ value, actor }) => pausePlan(deps.ctx, value.planId, actor, value.version));
  };
}
