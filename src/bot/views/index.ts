// Registers every modal submission listener: the /plan step modals (they need the bot's deps).
import type { App } from '@slack/bolt';
import type { BotDeps } from '../app.ts';
import { VIEWS } from '../ids.ts';
import { addStepSubmission } from './add-step.ts';
import { editStepSubmission } from './edit-step.ts';

export function registerViews(app: App, deps?: BotDeps): void {
  if (!deps) return;
  app.view({ type: 'view_submission', callback_id: VIEWS.planEditStep }, editStepSubmission(deps));
  app.view({ type: 'view_submission', callback_id: VIEWS.planAddStep }, addStepSubmission(deps));
}
