// The one clock. Jobs and the bot take a Clock so tests and `--as-of` runs can fix "now"; services take times as data.

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock stopped at one moment (as-of runs, tests). */
export function fixedClock(at: Date | string): Clock {
  const moment = typeof at === 'string' ? new Date(at) : at;
  return { now: () => new Date(moment.getTime()) };
}
