// Registers every slash command.
import type { App } from '@slack/bolt';
import { COMMANDS } from '../ids.ts';
import { planCommand } from './plan.ts';

export function registerCommands(app: App): void {
  app.command(COMMANDS.plan, planCommand);
}
