// "Approve & run" on the review message: the service checks who clicked, the version they saw and that the plan is
// complete; then the message becomes the progress view and the executor starts at once.
import { approvePlan } from '../../jobs/plans/plan-service.ts';
import type { BotDeps } from '../app.ts';
import { handlePlanClick, type PlanActionArgs } from './plan-click.ts';

export function approvePlanAction(deps: BotDeps) {
  return async (args: PlanActionArgs): Promise<void> => {
    await handlePlanClick(deps, args, ({ value, actor }) => approvePlan(deps.ctx, value.planId, actor, value.version), { startExecutor: true });
  };
}
