// Registers every modal submission listener (none yet: plan editing adds its modals here).
import type { App } from '@slack/bolt';

export function registerViews(_app: App): void {}
