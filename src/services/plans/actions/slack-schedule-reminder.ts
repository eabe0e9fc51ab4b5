// `slack.schedule_reminder`: a message Slack posts later (chat.scheduleMessage), at a date/time or "N business days"
// from now in the org zone. The moment is saved before scheduling, so a retried step means the same moment and finds
// the reminder it already scheduled instead of adding a second one; undo deletes it (chat.deleteScheduledMessage).
import { DateTime } from 'luxon';
import { z } from 'zod';
import { addDays, isWorkingDay, localDate } from '../../calendar.ts';
import { quote } from '../templating.ts';
import type { PlanAction } from './index.ts';
import { conversationOf, slackChannelSchema, slackError, slackTextSchema, whereTo } from './slack-post-message.ts';

/** The hour a reminder given only as a day goes out, in the org zone. */
export const REMINDER_HOUR = 9;
/** Pages of scheduled messages read on a retry, 100 each (a channel has at most 30 due in any 5 minutes). */
const MAX_LIST_PAGES = 10;
/** Slack schedules at most 120 days ahead. */
const MAX_DAYS_AHEAD = 120;

const NUMBER_WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10 };
const TIME = String.raw`(\d{1,2})(?::(\d{2}))?\s*(am|pm)?`;
const BUSINESS_DAYS = new RegExp(String.raw`^(?:in\s+)?(\d{1,2}|${Object.keys(NUMBER_WORDS).join('|')})\s+business\s+days?(?:\s+at\s+${TIME})?$`, 'i');
const LOCAL_DATE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

export const WHEN_FORMS = '"N business days" (optionally "at 3pm"), a date YYYY-MM-DD (9:00 that day), a local time YYYY-MM-DDTHH:MM, or an ISO time with offset';

/** The `when` cannot be read, or does not give a moment. */
export class ReminderTimeError extends Error {
  override readonly name = 'ReminderTimeError';
}

function hourOf(hourText: string | undefined, minuteText: string | undefined, meridiem: string | undefined): { hour: number; minute: number } {
  if (hourText === undefined) return { hour: REMINDER_HOUR, minute: 0 };
  let hour = Number(hourText);
  const minute = minuteText === undefined ? 0 : Number(minuteText);
  if (meridiem) {
    if (hour < 1 || hour > 12) throw new ReminderTimeError(`"${hourText}${meridiem}" is not a time`);
    hour = (hour % 12) + (meridiem.toLowerCase() === 'pm' ? 12 : 0);
  }
  if (hour > 23 || minute > 59) throw new ReminderTimeError(`"${hourText}:${minuteText ?? '00'}" is not a time`);
  return { hour, minute };
}

function atLocal(date: string, time: { hour: number; minute: number; second?: number }, zone: string): Date {
  const dt = DateTime.fromISO(date, { zone }).set({ hour: time.hour, minute: time.minute, second: time.second ?? 0, millisecond: 0 });
  if (!dt.isValid) throw new ReminderTimeError(`"${date}" is not a date`);
  return dt.toJSDate();
}

/** The `count`th working day after `date` (weekends and holidays skipped). */
export function workingDaysAfter(date: string, count: number, holidays: readonly string[] = []): string {
  let day = date;
  for (let found = 0; found < count; ) {
    day = addDays(day, 1);
    if (isWorkingDay(day, holidays)) found += 1;
  }
  return day;
}

/**
 * The moment a reminder's `when` means, read in `zone` relative to `now`: "2 business days" is 9:00 on the second
 * working day after today (weekends and holidays skipped); "2025-12-12" is 9:00 that day; "2025-12-12T15:30" is that
 * local time; an ISO time with an offset is that instant.
 */
export function reminderTime(when: string, now: Date, zone: string, holidays: readonly string[] = []): Date {
  const text = when.trim();
  const business = BUSINESS_DAYS.exec(text);
  if (business) {
    const count = NUMBER_WORDS[business[1]!.toLowerCase()] ?? Number(business[1]);
    if (count < 1) throw new ReminderTimeError('expected at least 1 business day');
    return atLocal(workingDaysAfter(localDate(now, zone), count, holidays), hourOf(business[2], business[3], business[4]), zone);
  }
  const local = LOCAL_DATE.exec(text);
  if (local) {
    const time = local[2] === undefined ? { hour: REMINDER_HOUR, minute: 0 } : { hour: Number(local[2]), minute: Number(local[3]), second: Number(local[4] ?? 0) };
    return atLocal(local[1]!, time, zone);
  }
  if (INSTANT.test(text)) {
    const dt = DateTime.fromISO(text, { setZone: true });
    if (dt.isValid) return dt.toJSDate();
  }
  throw new ReminderTimeError(`"${when}" is not a time a reminder understands: expected ${WHEN_FORMS}`);
}

/** Why `when` cannot be read at all (checked before any "now" is known); undefined when it can. */
export function whenProblem(when: string): string | undefined {
  const text = when.trim();
  if (BUSINESS_DAYS.test(text) || LOCAL_DATE.test(text) || INSTANT.test(text)) {
    try {
      reminderTime(text, new Date(Date.UTC(2000, 0, 3)), 'UTC');
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  }
  return `expected ${WHEN_FORMS}`;
}

/** "in 2 business days", "on Fri Dec 12 at 9:00", "on Fri Dec 12 at 15:30". */
export function describeWhen(when: string | undefined): string {
  if (when === undefined) return 'at a time still to choose';
  const text = when.trim();
  const business = BUSINESS_DAYS.exec(text);
  if (business) return /^in\s/i.test(text) ? text : `in ${text}`;
  const local = LOCAL_DATE.exec(text);
  if (local) {
    const day = DateTime.fromISO(local[1]!, { zone: 'UTC' });
    const time = local[2] === undefined ? `${REMINDER_HOUR}:00` : `${Number(local[2])}:${local[3]}`;
    return day.isValid ? `on ${day.toFormat('ccc LLL d')} at ${time}` : `at ${text}`;
  }
  return `at ${text}`;
}

const params = z.strictObject({
  channel: slackChannelSchema,
  text: slackTextSchema,
  when: z.string({ error: `expected when: ${WHEN_FORMS}` }).superRefine((when, ctx) => {
    const problem = whenProblem(when);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
});
export type ScheduleReminderParams = z.output<typeof params>;

export interface ScheduledReminder {
  channel: string;
  scheduled_message_id: string;
  /** Epoch seconds. */
  post_at: number;
}

/** The post_at (epoch seconds) an earlier attempt of the step saved before scheduling, if any. */
function savedMoment(saved: Readonly<Record<string, unknown>> | null): number | undefined {
  const postAt = saved?.post_at;
  return typeof postAt === 'number' && Number.isInteger(postAt) ? postAt : undefined;
}

export const scheduleReminderAction: PlanAction<ScheduleReminderParams, ScheduledReminder> = {
  name: 'slack.schedule_reminder',
  description:
    'Schedule a Slack message for later, in a channel (its id) or as a DM (a Slack user id). `when`: ' +
    `${WHEN_FORMS}; times are in the org time zone. Result: channel, scheduled_message_id, post_at.`,
  params,
  resultFields: ['channel', 'scheduled_message_id', 'post_at'],

  summary(p, people) {
    const who = p.channel !== undefined && /^[UW]/.test(p.channel) ? `${people?.nameOf(p.channel) ?? `<@${p.channel}>`} by DM` : whereTo(p.channel, people).replace(/^in /, '');
    return `Remind ${who} ${describeWhen(p.when)}: ${quote(p.text ?? '', 80)}`;
  },

  async execute(p, ctx) {
    const now = ctx.clock.now();
    // A retry keeps the moment the first attempt chose: "in 2 business days" retried tomorrow is still the same day.
    const savedPostAt = savedMoment(ctx.step.saved);
    const at = savedPostAt === undefined ? reminderTime(p.when, now, ctx.zone, ctx.holidays ?? []) : new Date(savedPostAt * 1000);
    const postAt = Math.floor(at.getTime() / 1000);
    const shown = DateTime.fromJSDate(at, { zone: ctx.zone }).toFormat("ccc LLL d 'at' H:mm");
    if (postAt <= Math.floor(now.getTime() / 1000)) throw new ReminderTimeError(`the reminder time (${shown}) has already passed`);
    if (at.getTime() - now.getTime() > MAX_DAYS_AHEAD * 86_400_000) throw new ReminderTimeError(`Slack schedules at most ${MAX_DAYS_AHEAD} days ahead (${shown} is further)`);

    const slack = ctx.slack();
    const channel = await conversationOf(slack, p.channel);
    // Slack drops scheduled messages that carry metadata, so an earlier attempt's reminder is known by its channel,
    // time and text. Another plan's identical reminder looks the same: one that is already another step's result is
    // not this step's. On a first try there is nothing to find.
    // Only the reminders due at that very second are listed (all of them, page by page).
    if (ctx.step.mayHaveRunBefore) {
      let cursor: string | undefined;
      for (let page = 0; page < MAX_LIST_PAGES; page++) {
        const listed = await slack.chat.scheduledMessages.list({ channel, oldest: String(postAt - 1), latest: String(postAt + 1), limit: 100, ...(cursor ? { cursor } : {}) });
        for (const m of listed.scheduled_messages ?? []) {
          if (m.post_at !== postAt || m.text !== p.text || !m.id) continue;
          if (await ctx.step.isResultOfAnotherStep('scheduled_message_id', m.id)) continue;
          return { channel, scheduled_message_id: m.id, post_at: postAt };
        }
        cursor = listed.response_metadata?.next_cursor || undefined;
        if (!cursor) break;
      }
    }

    await ctx.step.save({ post_at: postAt });
    const answer = await slack.chat.scheduleMessage({ channel, post_at: postAt, text: p.text });
    if (!answer.scheduled_message_id) throw new Error('Slack answered chat.scheduleMessage without a scheduled_message_id');
    return { channel: answer.channel ?? channel, scheduled_message_id: answer.scheduled_message_id, post_at: answer.post_at ?? postAt };
  },

  async undo(result, ctx) {
    try {
      await ctx.slack().chat.deleteScheduledMessage({ channel: result.channel, scheduled_message_id: result.scheduled_message_id });
    } catch (err) {
      // Already deleted, or already posted (then it cannot be taken back this way).
      if (slackError(err) !== 'invalid_scheduled_message_id') throw err;
      ctx.logger.info({ ...result }, 'undo: the scheduled reminder was already gone or already posted');
    }
  },
};
