// Every action_id, block_id, callback_id and command the bot uses: shared by the Block Kit builders and the listeners.

export const COMMANDS = {
  plan: '/plan',
} as const;

export const ACTIONS = {
  /** "Log time in Tempo" link button in the time-tracking DM (a link: acked, nothing to do). */
  logTimeLink: 'time_tracking_log_time',
} as const;
