import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../../src/logger.ts';
import { peopleDirectory, stepMemory } from '../../../../src/services/plans/actions/index.ts';
import { PLAN_MESSAGE_EVENT, postMessageAction } from '../../../../src/services/plans/actions/slack-post-message.ts';
import type { SlackFake } from '../../../../src/sandbox/servers/slack.ts';
import { actionContext, NOW, org, startSlack } from '../sample-org.ts';

const fakes: SlackFake[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.stop()));
});

async function setup() {
  const { fake, slack } = await startSlack();
  fakes.push(fake);
  return { fake, slack, ctx: actionContext({ slack }, { idempotencyKey: 'plan-3:announce' }) };
}

const firstTry = () => stepMemory({ mayHaveRunBefore: false });
/** A later attempt of a step whose first attempt started at NOW. */
const retry = () => stepMemory({ mayHaveRunBefore: true, firstStartedAt: new Date(NOW) });

/** A logger whose JSON lines the test reads. */
function recordingLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', pretty: false, destination }), entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
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

  it('on a first try posts straight away, reading no history', async () => {
    const { fake, slack } = await setup();
    await postMessageAction.execute({ channel: 'C0SUBS', text: 'Kickoff at 10' }, actionContext({ slack }, { idempotencyKey: 'plan-3:announce', step: firstTry() }));
    expect(fake.requestsTo('/api/conversations.history')).toHaveLength(0);
    expect(fake.messagesIn('C0SUBS')).toHaveLength(1);
  });

  it('on a retry after an attempt that posted, returns that message and posts nothing', async () => {
    const { fake, slack } = await setup();
    const params = { channel: 'C0SUBS', text: 'Kickoff at 10' };
    const first = await postMessageAction.execute(params, actionContext({ slack }, { idempotencyKey: 'plan-3:announce', step: firstTry() }));

    const again = await postMessageAction.execute(params, actionContext({ slack }, { idempotencyKey: 'plan-3:announce', step: retry() }));
    expect(again).toEqual(first);
    expect(fake.messagesIn('C0SUBS')).toHaveLength(1);
    const [read] = fake.requestsTo('/api/conversations.history');
    const args = new URLSearchParams(read!.body);
    expect(Object.fromEntries(['channel', 'include_all_metadata', 'limit', 'oldest'].map((k) => [k, args.get(k)]))).toEqual({
      channel: 'C0SUBS',
      include_all_metadata: 'true',
      limit: '200',
      oldest: (Date.parse(NOW) / 1000 - 60).toFixed(6),
    });
  });

  it('finds the earlier message past the first page of history', async () => {
    const { fake, slack } = await setup();
    const params = { channel: 'C0SUBS', text: 'Kickoff at 10' };
    const first = await postMessageAction.execute(params, actionContext({ slack }, { idempotencyKey: 'plan-3:announce', step: firstTry() }));
    for (let i = 0; i < 210; i++) await slack.chat.postMessage({ channel: 'C0SUBS', text: `chatter ${i}` });

    const again = await postMessageAction.execute(params, actionContext({ slack }, { idempotencyKey: 'plan-3:announce', step: retry() }));
    expect(again).toEqual(first);
    expect(fake.requestsTo('/api/conversations.history')).toHaveLength(2);
    expect(fake.messagesIn('C0SUBS').filter((m) => m.text === 'Kickoff at 10')).toHaveLength(1);
  });

  it('on a retry after an attempt that did not post, posts once, even beside another step’s same message', async () => {
    const { fake, slack } = await setup();
    const params = { channel: 'C0SUBS', text: 'Kickoff at 10' };
    await postMessageAction.execute(params, actionContext({ slack }, { idempotencyKey: 'plan-9:announce', step: firstTry() }));

    const ours = await postMessageAction.execute(params, actionContext({ slack }, { idempotencyKey: 'plan-3:announce', step: retry() }));
    expect(fake.requestsTo('/api/conversations.history')).toHaveLength(1);
    expect(fake.messagesIn('C0SUBS').map((m) => (m.metadata as { event_payload: { idempotency_key: string } }).event_payload.idempotency_key)).toEqual(['plan-9:announce', 'plan-3:announce']);
    expect(ours.ts).toBe(fake.messagesIn('C0SUBS')[1]!.ts);
  });

  it('on a retry of a DM to a person, finds the DM the earlier attempt sent', async () => {
    const { fake, slack } = await setup();
    const params = { channel: 'U01ADA', text: 'Please review the launch plan' };
    const first = await postMessageAction.execute(params, actionContext({ slack }, { idempotencyKey: 'plan-3:announce', step: firstTry() }));

    const again = await postMessageAction.execute(params, actionContext({ slack }, { idempotencyKey: 'plan-3:announce', step: retry() }));
    expect(again).toEqual(first);
    expect(again.channel).toBe(fake.dmChannelOf('U01ADA'));
    expect(fake.dmsTo('U01ADA')).toHaveLength(1);
  });

  it('posts anyway, once, when the history cannot be read, and logs why', async () => {
    const { fake, slack } = await setup();
    fake.injectError('conversations.history', 'missing_scope', { extra: { needed: 'channels:history', provided: 'chat:write,im:write' } });
    const { logger, entries } = recordingLogger();

    const result = await postMessageAction.execute({ channel: 'C0SUBS', text: 'Kickoff at 10' }, actionContext({ slack }, { idempotencyKey: 'plan-3:announce', step: retry(), logger }));
    expect(fake.messagesIn('C0SUBS')).toMatchObject([{ ts: result.ts, text: 'Kickoff at 10' }]);
    const warnings = entries().filter((e) => e.level === 40);
    expect(warnings).toMatchObject([{ channel: 'C0SUBS', error: 'missing_scope' }]);
    expect(String(warnings[0]!.msg)).toContain('missing_scope');
  });

  it('fails the attempt, posting nothing, when reading the history fails for another reason', async () => {
    const { fake, slack } = await setup();
    fake.injectError('conversations.history', 'internal_error');
    await expect(postMessageAction.execute({ channel: 'C0SUBS', text: 'Kickoff at 10' }, actionContext({ slack }, { idempotencyKey: 'plan-3:announce', step: retry() }))).rejects.toThrow(/internal_error/);
    expect(fake.messagesIn('C0SUBS')).toHaveLength(0);
  });

  it('fails with Slack’s error for a channel Slack does not know', async () => {
    const { ctx } = await setup();
    await expect(postMessageAction.execute({ channel: 'C0NOPE', text: 'hello' }, ctx)).rejects.toThrow(/channel_not_found/);
  });
});
