// Registers every Events API listener (none yet).
import type { App } from '@slack/bolt';

export function registerEvents(_app: App): void {}
