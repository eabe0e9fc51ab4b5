// "Cancel" (nothing more runs; what is done stays) and "Cancel & undo" (and what the finished steps created is
// deleted where it can be). One listener for both buttons: they differ only in the rollback the service is asked for.
import { cancelPlan } from '../../jobs/plans/plan-service.ts';
import type { BotDeps } from '../app.ts';
import { ACTIONS } from '../ids.ts';
import { handlePlanClick, type PlanActionArgs } from './plan-click.ts';

export function cancelPlanAction(deps: BotDeps) {
  return async (args: PlanActionArgs): Promise<void> => {
    const rollback = args.body.actions[0]?.action_id === ACTIONS.planCancelUndo;
    await handlePlanClick(deps, args, ({ value, actor }) => cancelPlan(deps.ctx, value.planId, actor, { rollback }));
  };
}
