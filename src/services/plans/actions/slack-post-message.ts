// `slack.post_message`: a message in a channel, or a DM when the channel is a person's Slack user id. The message
// carries the step's idempotency key in its metadata, so a retried step finds the message it already posted instead of
// posting it twice; undo deletes it. Also holds the Slack param shapes.
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { quote } from '../templating.ts';
import type { ActionContext, PeopleDirectory, PlanAction } from './index.ts';

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

/** How far back before the step's first attempt its message is looked for: clocks of Slack and ours may differ a little. */
const HISTORY_SLACK_MS = 60_000;
/** Pages of history read before giving up on finding the earlier message (and posting). */
const HISTORY_PAGES = 5;
const HISTORY_PAGE_SIZE = 200;
/** Why a conversation's history cannot be read: missing `*:history` scope, bot not in the channel, channel unseen. */
const HISTORY_UNREADABLE = new Set(['missing_scope', 'not_in_channel', 'channel_not_found']);

/** The conversation a channel param means: the channel itself, or for a person (U…/W…) the DM with them. */
export async function conversationOf(slack: WebClient, target: string): Promise<string> {
  if (!/^[UW]/.test(target)) return target;
  const opened = await slack.conversations.open({ users: target });
  if (!opened.channel?.id) throw new Error(`Slack opened no DM with ${target}`);
  return opened.channel.id;
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
    const slack = ctx.slack();
    let channel = p.channel;
    // On a first try nothing can carry this step's key yet: post straight away, one Slack call.
    if (ctx.step.mayHaveRunBefore) {
      const earlier = await findEarlierMessage(slack, p.channel, ctx);
      if (earlier.found) return earlier.found;
      if (earlier.channel) channel = earlier.channel;
    }
    const answer = await slack.chat.postMessage({
      channel,
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

/**
 * The message an earlier attempt of this step posted (found by the idempotency key in its metadata), read back from
 * the conversation's history since a minute before the step first started. `channel` is the conversation read: for a
 * person, the DM chat.postMessage to their user id posts into. When the history cannot be read the step posts anyway
 * (a stuck plan is worse than a possible duplicate) and says why in the log.
 */
async function findEarlierMessage(slack: WebClient, target: string, ctx: Pick<ActionContext, 'idempotencyKey' | 'step' | 'logger'>): Promise<{ found?: PostedMessage; channel?: string }> {
  try {
    const channel = await conversationOf(slack, target);
    const started = ctx.step.firstStartedAt;
    const oldest = started ? ((started.getTime() - HISTORY_SLACK_MS) / 1000).toFixed(6) : undefined;
    let cursor: string | undefined;
    for (let page = 0; page < HISTORY_PAGES; page++) {
      const answer = await slack.conversations.history({
        channel,
        include_all_metadata: true,
        limit: HISTORY_PAGE_SIZE,
        ...(oldest ? { oldest } : {}),
        ...(cursor ? { cursor } : {}),
      });
      const mine = answer.messages?.find((m) => m.metadata?.event_type === PLAN_MESSAGE_EVENT && (m.metadata.event_payload as { idempotency_key?: unknown } | undefined)?.idempotency_key === ctx.idempotencyKey);
      if (mine?.ts) return { found: { channel, ts: mine.ts } };
      cursor = answer.response_metadata?.next_cursor;
      if (!cursor) break;
    }
    return { channel };
  } catch (err) {
    const error = slackError(err);
    if (!error || !HISTORY_UNREADABLE.has(error)) throw err;
    ctx.logger.warn({ channel: target, error }, `slack.post_message: cannot read the conversation's history (${error}) to find a message an earlier attempt may have posted; posting it, which may repeat it`);
    return {};
  }
}
