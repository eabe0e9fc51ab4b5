// The step picker at the top of the edit modal: switches the open modal to the chosen step (views.update, guarded by
// the view's hash so a modal changed meanwhile is not overwritten).
import { getPlan } from '../../jobs/plans/plan-service.ts';
import { peopleDirectory } from '../../services/plans/actions/index.ts';
import type { BotDeps } from '../app.ts';
import { editStepModal } from '../blocks/plan.ts';
import { readPlanModalMetadata } from '../blocks/plan-modals.ts';
import type { PlanActionArgs } from './plan-click.ts';

export function editPickStepAction(deps: BotDeps) {
  return async (args: PlanActionArgs): Promise<void> => {
    await args.ack();
    const { body } = args;
    const view = body.view;
    const chosen = (body.actions[0] as { selected_option?: { value?: string } } | undefined)?.selected_option?.value;
    const metadata = readPlanModalMetadata(view?.private_metadata);
    if (!view || !metadata || !chosen) return;
    try {
      const plan = await getPlan(deps.ctx, metadata.planId);
      const step = plan?.steps.find((s) => s.id === chosen);
      if (!plan || !step) return;
      await args.client.views.update({ view_id: view.id, hash: view.hash, view: editStepModal(plan, step, { people: peopleDirectory(deps.ctx.config.org.people) }) });
    } catch (err) {
      args.logger.warn({ err, plan: metadata.planId }, 'could not switch the edit modal to another step');
    }
  };
}
