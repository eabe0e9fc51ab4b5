// Registers every slash command.
import type { App } from '@slack/bolt';
import type { BotDeps } from '../app.ts';
import { COMMANDS } from '../ids.ts';
import { planCommand } from './plan.ts';

export function registerCommands(app: App, deps?: BotDeps): void {
  app.command(COMMANDS.plan, planCommand(deps));
}
