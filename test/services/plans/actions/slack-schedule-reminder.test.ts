import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../../src/clock.ts';
import { peopleDirectory, stepMemory } from '../../../../src/services/plans/actions/index.ts';
import { reminderTime, scheduleReminderAction } from '../../../../src/services/plans/actions/slack-schedule-reminder.ts';
import type { SlackFake } from '../../../../src/sandbox/servers/slack.ts';
import { actionContext, NOW, org, startSlack, ZONE } from '../sample-org.ts';

const fakes: SlackFake[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.stop()));
});

async function setup() {
  const { fake, slack } = await startSlack();
  fakes.push(fake);
  return { fake, slack, ctx: actionContext({ slack }, { idempotencyKey: 'plan-3:remind' }) };
}

const now = new Date(NOW); // Monday 2025-11-24, 10:00 in New York; Thursday 27th is a holiday
const at = (when: string) => reminderTime(when, now, ZONE, org.holidays).toISOString();

describe('reminder times', () => {
  it('counts business days from today, skipping weekends and holidays, at 9:00 in the org zone', () => {
    expect(at('1 business day')).toBe('2025-11-25T14:00:00.000Z');
    expect(at('in 3 business days')).toBe('2025-11-28T14:00:00.000Z');
    expect(at('two business days at 3pm')).toBe('2025-11-26T20:00:00.000Z');
    expect(at('5 business days at 10:30')).toBe('2025-12-02T15:30:00.000Z');
  });

  it('reads a date as 9:00 that day and a local time in the org zone, across a DST change', () => {
    expect(at('2025-12-12')).toBe('2025-12-12T14:00:00.000Z');
    expect(at('2025-12-12T15:30')).toBe('2025-12-12T20:30:00.000Z');
    expect(at('2026-03-09')).toBe('2026-03-09T13:00:00.000Z');
    expect(at('2025-12-12T15:30:00Z')).toBe('2025-12-12T15:30:00.000Z');
  });

  it('refuses what it cannot read, saying what it takes', () => {
    expect(() => at('soonish')).toThrow(/is not a time a reminder understands: expected "N business days"/);
    expect(() => at('2 business days at 13pm')).toThrow('"13pm" is not a time');
    expect(scheduleReminderAction.params.safeParse({ channel: 'C0SUBS', text: 'x', when: 'next week' }).success).toBe(false);
  });
});

describe('slack.schedule_reminder', () => {
  it('says who is reminded, when and of what', () => {
    const people = peopleDirectory(org.people);
    expect(scheduleReminderAction.summary({ channel: 'C0SUBS', text: 'Go/no-go today', when: '2025-12-11' })).toBe('Remind <#C0SUBS> on Thu Dec 11 at 9:00: “Go/no-go today”');
    expect(scheduleReminderAction.summary({ channel: 'U01ADA', text: 'Check in', when: '5 business days' }, people)).toBe('Remind Ada Lovelace by DM in 5 business days: “Check in”');
  });

  it('schedules the message with chat.scheduleMessage, and undo deletes it', async () => {
    const { fake, ctx } = await setup();
    const result = await scheduleReminderAction.execute({ channel: 'C0SUBS', text: 'Go/no-go review today', when: '2025-12-11' }, ctx);
    const postAt = Date.parse('2025-12-11T14:00:00Z') / 1000;
    expect(result).toEqual({ channel: 'C0SUBS', scheduled_message_id: expect.any(String), post_at: postAt });
    expect(fake.messages.filter((m) => m.kind === 'scheduled')).toMatchObject([{ channel: 'C0SUBS', postAt, text: 'Go/no-go review today' }]);
    await scheduleReminderAction.undo!(result, ctx);
    expect(fake.messages.filter((m) => m.kind === 'scheduled')).toHaveLength(0);
    expect(fake.deletedMessages.map((m) => m.scheduledMessageId)).toEqual([result.scheduled_message_id]);
    await expect(scheduleReminderAction.undo!(result, ctx)).resolves.toBeUndefined();
  });

  it('schedules a DM when the channel is a person', async () => {
    const { fake, ctx } = await setup();
    const result = await scheduleReminderAction.execute({ channel: 'U01GRACE', text: 'Follow up with Ada', when: '2 business days' }, ctx);
    expect(result.channel).toBe(fake.dmChannelOf('U01GRACE'));
    expect(fake.dmsTo('U01GRACE')).toMatchObject([{ kind: 'scheduled', text: 'Follow up with Ada', postAt: Date.parse('2025-11-26T14:00:00Z') / 1000 }]);
  });

  it('schedules nothing new when the same step runs again', async () => {
    const { fake, ctx } = await setup();
    const params = { channel: 'C0SUBS', text: 'Sprint kickoff today', when: '2025-12-01' };
    const first = await scheduleReminderAction.execute(params, ctx);
    const again = await scheduleReminderAction.execute(params, ctx);
    expect(again).toEqual(first);
    expect(fake.messages.filter((m) => m.kind === 'scheduled')).toHaveLength(1);
  });

  it('on a first try lists nothing and saves the moment before scheduling', async () => {
    const { fake, slack } = await setup();
    const memory = stepMemory({ mayHaveRunBefore: false });
    const result = await scheduleReminderAction.execute({ channel: 'C0SUBS', text: 'Sprint kickoff today', when: '2025-12-01' }, actionContext({ slack }, { step: memory }));
    expect(fake.requestsTo('/api/chat.scheduledMessages.list')).toHaveLength(0);
    expect(memory.saved).toEqual({ post_at: Date.parse('2025-12-01T14:00:00Z') / 1000 });
    expect(result.post_at).toBe(memory.saved!.post_at);
  });

  it('retried the next day, keeps the moment the first attempt chose and finds the reminder it scheduled', async () => {
    const { fake, slack } = await setup();
    const params = { channel: 'C0SUBS', text: 'Check the staging deploy', when: '2 business days' };
    const firstTry = stepMemory({ mayHaveRunBefore: false });
    const first = await scheduleReminderAction.execute(params, actionContext({ slack }, { idempotencyKey: 'plan-3:remind', step: firstTry }));
    // Tuesday: "2 business days" from now would be Friday (Thursday is a holiday), not Wednesday.
    const tuesday = new Date(Date.parse(NOW) + 86_400_000);
    const retry = actionContext({ slack }, { idempotencyKey: 'plan-3:remind', clock: fixedClock(tuesday), step: stepMemory({ mayHaveRunBefore: true, firstStartedAt: new Date(NOW), saved: firstTry.saved }) });

    const again = await scheduleReminderAction.execute(params, retry);
    expect(first.post_at).toBe(Date.parse('2025-11-26T14:00:00Z') / 1000);
    expect(again).toEqual(first);
    expect(fake.messages.filter((m) => m.kind === 'scheduled')).toHaveLength(1);
  });

  it('does not take another plan’s identical reminder for its own on a retry', async () => {
    const { fake, slack } = await setup();
    const params = { channel: 'C0SUBS', text: 'Go/no-go review today', when: '2025-12-11' };
    const theirs = await scheduleReminderAction.execute(params, actionContext({ slack }, { idempotencyKey: 'plan-9:remind', step: stepMemory({ mayHaveRunBefore: false }) }));
    // Our step's first attempt failed before scheduling anything; plan 9's step holds its reminder as its result.
    const retry = actionContext({ slack }, { idempotencyKey: 'plan-3:remind', step: stepMemory({ mayHaveRunBefore: true, othersResults: [{ ...theirs }] }) });

    const ours = await scheduleReminderAction.execute(params, retry);
    expect(ours.scheduled_message_id).not.toBe(theirs.scheduled_message_id);
    expect(fake.messages.filter((m) => m.kind === 'scheduled').map((m) => m.scheduledMessageId).sort()).toEqual([theirs.scheduled_message_id, ours.scheduled_message_id].sort());
  });

  it('on a retry, lists only the reminders due at its moment, and finds its own among many', async () => {
    const { fake, slack } = await setup();
    const params = { channel: 'C0SUBS', text: 'Standup notes due', when: '2025-12-11' };
    // 150 other reminders in the channel, most at other times; 2 at the same moment with other texts.
    for (let i = 0; i < 150; i++) await slack.chat.scheduleMessage({ channel: 'C0SUBS', post_at: Date.parse('2025-12-01T14:00:00Z') / 1000 + i * 60, text: `Other ${i}` });
    for (const text of ['Other at 9', 'Another at 9']) await slack.chat.scheduleMessage({ channel: 'C0SUBS', post_at: Date.parse('2025-12-11T14:00:00Z') / 1000, text });
    const firstTry = stepMemory({ mayHaveRunBefore: false });
    const first = await scheduleReminderAction.execute(params, actionContext({ slack }, { idempotencyKey: 'plan-3:remind', step: firstTry }));
    const listsBefore = fake.requestsTo('/api/chat.scheduledMessages.list').length;

    const again = await scheduleReminderAction.execute(params, actionContext({ slack }, { idempotencyKey: 'plan-3:remind', step: stepMemory({ mayHaveRunBefore: true, saved: firstTry.saved }) }));
    expect(again).toEqual(first);
    const lists = fake.requestsTo('/api/chat.scheduledMessages.list').slice(listsBefore);
    expect(lists).toHaveLength(1);
    expect(fake.messages.filter((m) => m.kind === 'scheduled' && m.text === 'Standup notes due')).toHaveLength(1);
  });

  it('refuses a time that has passed or is beyond Slack’s 120 days', async () => {
    const { ctx } = await setup();
    await expect(scheduleReminderAction.execute({ channel: 'C0SUBS', text: 'x', when: '2025-11-24' }, ctx)).rejects.toThrow('the reminder time (Mon Nov 24 at 9:00) has already passed');
    await expect(scheduleReminderAction.execute({ channel: 'C0SUBS', text: 'x', when: '2026-06-01' }, ctx)).rejects.toThrow('Slack schedules at most 120 days ahead');
  });
});
