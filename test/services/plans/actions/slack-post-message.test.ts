import { afterEach, describe, expect, it } from 'vitest';
import { peopleDirectory } from '../../../../src/services/plans/actions/index.ts';
import { PLAN_MESSAGE_EVENT, postMessageAction } from '../../../../src/services/plans/actions/slack-post-message.ts';
import type { SlackFake } from '../../../../src/sandbox/servers/slack.ts';
import { actionContext, org, startSlack } from '../sample-org.ts';

const fakes: SlackFake[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.stop()));
});

async function setup() {
  const { fake, slack } = await startSlack();
  fakes.push(fake);
  return { fake, ctx: actionContext({ slack }, { idempotencyKey: 'plan-3:announce' }) };
}

describe('slack.post_message', () => {
  it('says where it posts and what', () => {
    const people = peopleDirectory(org.people);
    expect(postMessageAction.summary({ channel: 'C0SUBS', text: 'Launch plan is ready' })).toBe('Post in <#C0SUBS>: “Launch plan is ready”');
    expect(postMessageAction.summary({ channel: 'U01ADA', text: 'Please review' }, people)).toBe('Post to Ada Lovelace in a DM: “Please review”');
  });

  it('posts in the channel with the step’s idempotency key in the metadata, and undo deletes the message', async () => {
    const { fake, ctx } = await setup();
    const result = await postMessageAction.execute({ channel: 'C0SUBS', text: 'Launch plan: SUBS-1' }, ctx);
    expect(result).toEqual({ channel: 'C0SUBS', ts: expect.any(String) });
    const [message] = fake.messagesIn('C0SUBS');
    expect(message).toMatchObject({ text: 'Launch plan: SUBS-1', metadata: { event_type: PLAN_MESSAGE_EVENT, event_payload: { idempotency_key: 'plan-3:announce' } } });
    await postMessageAction.undo!(result, ctx);
    expect(fake.messagesIn('C0SUBS')).toHaveLength(0);
    await expect(postMessageAction.undo!(result, ctx)).resolves.toBeUndefined();
  });

  it('sends a DM when the channel is a person', async () => {
    const { fake, ctx } = await setup();
    await postMessageAction.execute({ channel: 'U01ADA', text: 'Please review the launch plan' }, ctx);
    expect(fake.dmsTo('U01ADA').map((m) => m.text)).toEqual(['Please review the launch plan']);
  });

  it('fails with Slack’s error for a channel Slack does not know', async () => {
    const { ctx } = await setup();
    await expect(postMessageAction.execute({ channel: 'C0NOPE', text: 'hello' }, ctx)).rejects.toThrow(/channel_not_found/);
  });
});
