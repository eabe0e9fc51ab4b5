// `slack.post_message`: a message in a channel, or a DM when the channel is a person's Slack user id. The message
// carries the step's idempotency key in its metadata; undo deletes it. Also holds the Slack param shapes.
import { z } from 'zod';
import { quote } from '../templating.ts';
import type { PeopleDirectory, PlanAction } from './index.ts';

/** A channel (C…/G…), a DM (D…), or a person (U…/W…), which means a DM with them. */
export const slackChannelSchema = z
  .string({ error: 'expected a Slack channel id (C…) or user id (U…) for a DM' })
  .regex(/^[CGDUW][A-Z0-9]{2,}$/, { error: 'expected a Slack channel id (C…) or user id (U…) for a DM' });

export const slackTextSchema = z
  .string({ error: 'expected the message text' })
  .trim()
  .min(1, { error: 'expected the message text' })
  .max(3000, { error: 'expected a message of at most 3000 characters' });

/** The event type of the metadata our plan messages carry. */
export const PLAN_MESSAGE_EVENT = 'pm_agents_plan_step';

/** "in <#C0SUBS>" or "to Ada Lovelace" (`<@U…>` when the person is not in the config; Slack shows their name). */
export function whereTo(channel: string | undefined, people: PeopleDirectory | undefined): string {
  if (channel === undefined) return 'in a channel still to choose';
  if (/^[UW]/.test(channel)) return `to ${people?.nameOf(channel) ?? `<@${channel}>`} in a DM`;
  if (channel.startsWith('D')) return 'in a DM';
  return `in <#${channel}>`;
}

/** Slack's error code of a failed Web API call (`message_not_found` …), read from the error's data. */
export function slackError(err: unknown): string | undefined {
  const error = (err as { data?: { error?: unknown } } | null)?.data?.error;
  return typeof error === 'string' ? error : undefined;
}

const params = z.strictObject({ channel: slackChannelSchema, text: slackTextSchema });
export type PostMessageParams = z.output<typeof params>;

export interface PostedMessage {
  channel: string;
  ts: string;
}

export const postMessageAction: PlanAction<PostMessageParams, PostedMessage> = {
  name: 'slack.post_message',
  description:
    'Post a message now: in a channel (its id, e.g. the project channel), or as a DM to a person (their Slack user ' +
    'id). Slack mrkdwn; may mention results of earlier steps such as {{steps.<id>.key}}. Result: channel, ts.',
  params,
  resultFields: ['channel', 'ts'],

  summary(p, people) {
    return `Post ${whereTo(p.channel, people)}: ${quote(p.text ?? '', 80)}`;
  },

  async execute(p, ctx) {
    const answer = await ctx.slack().chat.postMessage({
      channel: p.channel,
      text: p.text,
      metadata: { event_type: PLAN_MESSAGE_EVENT, event_payload: { idempotency_key: ctx.idempotencyKey } },
    });
    if (!answer.channel || !answer.ts) throw new Error('Slack answered chat.postMessage without a channel and ts');
    return { channel: answer.channel, ts: answer.ts };
  },

  async undo(result, ctx) {
    try {
      await ctx.slack().chat.delete({ channel: result.channel, ts: result.ts });
    } catch (err) {
      if (slackError(err) !== 'message_not_found') throw err;
      ctx.logger.info({ channel: result.channel, ts: result.ts }, 'undo: the Slack message was already deleted');
    }
  },
};
