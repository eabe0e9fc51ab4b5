// Registers every button and menu listener.
import type { App } from '@slack/bolt';
import { ACTIONS } from '../ids.ts';

export function registerActions(app: App): void {
  // Link buttons still send an action; ack it so Slack shows no error to the person who clicked.
  app.action(ACTIONS.logTimeLink, async ({ ack }) => ack());
}
