// Registers every button and menu listener. The /plan ones need the bot's deps (the job context); without them only
// the link buttons are acked.
import type { App } from '@slack/bolt';
import type { BotDeps } from '../app.ts';
import { ACTIONS, PLAN_STEP_MENU_PATTERN } from '../ids.ts';
import { addStepAction } from './add-step.ts';
import { approvePlanAction } from './approve-plan.ts';
import { cancelPlanAction } from './cancel-plan.ts';
import { editPickStepAction } from './edit-pick-step.ts';
import { editPlanAction } from './edit-plan.ts';
import { pausePlanAction } from './pause-plan.ts';
import { resumePlanAction } from './resume-plan.ts';
import { skipStepAction } from './skip-step.ts';
import { stepDoneAction } from './step-done.ts';
import { stepMenuAction } from './step-menu.ts';

export function registerActions(app: App, deps?: BotDeps): void {
  // Link buttons still send an action; ack it so Slack shows no error to the person who clicked.
  app.action(ACTIONS.logTimeLink, async ({ ack }) => ack());
  if (!deps) return;
  app.action({ type: 'block_actions', action_id: ACTIONS.planApprove }, approvePlanAction(deps));
  app.action({ type: 'block_actions', action_id: ACTIONS.planEdit }, editPlanAction(deps));
  app.action({ type: 'block_actions', action_id: ACTIONS.planAddStep }, addStepAction(deps));
  app.action({ type: 'block_actions', action_id: PLAN_STEP_MENU_PATTERN }, stepMenuAction(deps));
  app.action({ type: 'block_actions', action_id: ACTIONS.planCancel }, cancelPlanAction(deps));
  app.action({ type: 'block_actions', action_id: ACTIONS.planCancelUndo }, cancelPlanAction(deps));
  app.action({ type: 'block_actions', action_id: ACTIONS.planPause }, pausePlanAction(deps));
  app.action({ type: 'block_actions', action_id: ACTIONS.planResume }, resumePlanAction(deps));
  app.action({ type: 'block_actions', action_id: ACTIONS.planSkipStep }, skipStepAction(deps));
  app.action({ type: 'block_actions', action_id: ACTIONS.planStepDone }, stepDoneAction(deps));
  app.action({ type: 'block_actions', action_id: ACTIONS.planEditPickStep }, editPickStepAction(deps));
}
