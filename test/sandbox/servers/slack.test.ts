// The fake Slack Web API as a specification of the real one: encodings, error shapes, DMs, ephemeral and scheduled
// messages, views and triggers, response_url limits, rate limits, and the Block Kit limits it enforces.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/clock.ts';
import type { AgencyData } from '../../../src/sandbox/agency-data.ts';
import { BLOCK_KIT_LIMITS, checkMessageBlocks, checkView } from '../../../src/sandbox/servers/block-kit-limits.ts';
import { SANDBOX_SLACK_BOT_TOKEN, SlackFake } from '../../../src/sandbox/servers/slack.ts';

const agencySlack: AgencyData['slack'] = {
  users: [
    { id: 'U01ADA', name: 'ada', realName: 'Ada Lovelace', email: 'ada@agency.test', tz: 'Europe/London' },
    { id: 'U01GRACE', name: 'grace', realName: 'Grace Hopper', email: 'grace@agency.test' },
    { id: 'U01LIN', name: 'linus', realName: 'Linus Pauling' },
  ],
  channels: [{ id: 'C0SUBS', name: 'subscriptions', members: ['U01ADA', 'U01GRACE'] }],
};

/** A clock the test moves by hand. */
function handClock(start: string): Clock & { advance(ms: number): void } {
  let now = new Date(start).getTime();
  return { now: () => new Date(now), advance: (ms) => void (now += ms) };
}

const clock = handClock('2025-11-10T14:00:00Z');
const fake = new SlackFake(agencySlack, { clock, rateLimits: { 'users.info': 3 } });

type Answer = Record<string, any>;

/** Call a method the way @slack/web-api does: form-encoded, non-scalar arguments as JSON strings. */
async function call(method: string, args: Record<string, unknown> = {}, token: string | null = SANDBOX_SLACK_BOT_TOKEN): Promise<Answer> {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(args)) form.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  const res = await fetch(`${fake.apiUrl}${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: form.toString(),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Answer;
}

async function respond(url: string, body: unknown): Promise<{ status: number; body: Answer }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Answer };
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const modal = (title = 'Edit plan', extra: Record<string, unknown> = {}) => ({ type: 'modal', title: { type: 'plain_text', text: title }, blocks: [section('Step 1')], ...extra });

beforeAll(() => fake.start());
afterEach(() => {
  fake.messages.length = 0;
  fake.clearFaults();
});
afterAll(() => fake.stop());

describe('Slack fake: requests and errors', () => {
  it('answers errors with HTTP 200 and ok:false, as the Web API does', async () => {
    expect(await call('auth.test', {}, null)).toEqual({ ok: false, error: 'not_authed' });
    expect(await call('auth.test', {}, 'xoxb-wrong')).toEqual({ ok: false, error: 'invalid_auth' });
    expect(await call('chat.postMessage', { channel: 'C0NOPE', text: 'hi' })).toEqual({ ok: false, error: 'channel_not_found' });
    expect(await call('emoji.list')).toMatchObject({ ok: false, error: 'unknown_method' });
  });

  it('accepts a token in the form, and JSON bodies with the token in the header', async () => {
    expect(await call('auth.test', { token: SANDBOX_SLACK_BOT_TOKEN }, null)).toMatchObject({ ok: true, user_id: fake.botUserId });
    const res = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${SANDBOX_SLACK_BOT_TOKEN}` },
      body: JSON.stringify({ channel: 'C0SUBS', text: 'json', blocks: [section('from JSON')] }),
    });
    expect(await res.json()).toMatchObject({ ok: true, channel: 'C0SUBS', message: { text: 'json', blocks: [section('from JSON')] } });
  });

  it('refuses blocks that are not JSON, and a message with neither text nor blocks', async () => {
    expect(await call('chat.postMessage', { channel: 'C0SUBS', blocks: '[{"type":' })).toEqual({ ok: false, error: 'invalid_blocks_format' });
    expect(await call('chat.postMessage', { channel: 'C0SUBS', text: ' ' })).toEqual({ ok: false, error: 'no_text' });
  });

  it('knows a channel once a test registers it', async () => {
    expect(await call('chat.postMessage', { channel: 'C0LATER', text: 'hi' })).toEqual({ ok: false, error: 'channel_not_found' });
    fake.addChannel('C0LATER');
    expect(await call('chat.postMessage', { channel: 'C0LATER', text: 'hi' })).toMatchObject({ ok: true, channel: 'C0LATER' });
    expect(await call('chat.postMessage', { channel: '#subscriptions', text: 'by name' })).toMatchObject({ ok: true, channel: 'C0SUBS' });
  });

  it('gives every message a unique, increasing ts in Slack’s format', async () => {
    const answers = await Promise.all([1, 2, 3].map((n) => call('chat.postMessage', { channel: 'C0SUBS', text: `n${n}` })));
    const stamps = answers.map((a) => a.ts as string);

    for (const ts of stamps) expect(ts).toMatch(/^1762783200\.\d{6}$/);
    expect(new Set(stamps).size).toBe(3);
    expect([...stamps].sort()).toEqual(fake.messagesIn('C0SUBS').map((m) => m.ts));
  });

  it('answers 429 with Retry-After past a method’s limit', async () => {
    for (let i = 0; i < 3; i++) expect((await call('users.info', { user: 'U01ADA' })).ok).toBe(true);
    const res = await fetch(`${fake.apiUrl}users.info`, { method: 'POST', headers: { authorization: `Bearer ${SANDBOX_SLACK_BOT_TOKEN}` }, body: 'user=U01ADA' });

    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await res.json()).toEqual({ ok: false, error: 'ratelimited' });
  });
});

describe('Slack fake: people and DMs', () => {
  it('opens one DM per person, D… ids that map back to the person', async () => {
    const first = await call('conversations.open', { users: 'U01LIN' });
    const again = await call('conversations.open', { users: 'U01LIN' });

    expect(first).toEqual({ ok: true, channel: { id: 'D01LIN' } });
    expect(again).toMatchObject({ ok: true, already_open: true, channel: { id: 'D01LIN' } });
    expect(fake.userOfDm('D01LIN')).toBe('U01LIN');
    expect(await call('conversations.info', { channel: 'D01LIN' })).toMatchObject({ channel: { is_im: true, user: 'U01LIN' } });
    expect(await call('conversations.open', { users: 'U0GHOST' })).toEqual({ ok: false, error: 'user_not_found' });
  });

  it('looks people up by email and id', async () => {
    expect(await call('users.lookupByEmail', { email: 'ada@agency.test' })).toMatchObject({ ok: true, user: { id: 'U01ADA', tz: 'Europe/London', profile: { email: 'ada@agency.test' } } });
    expect(await call('users.lookupByEmail', { email: 'who@agency.test' })).toEqual({ ok: false, error: 'users_not_found' });
  });

  it('shows an ephemeral message only to a member of the channel', async () => {
    const shown = await call('chat.postEphemeral', { channel: 'C0SUBS', user: 'U01ADA', text: 'Only you can see this' });
    const refused = await call('chat.postEphemeral', { channel: 'C0SUBS', user: 'U01LIN', text: 'not a member' });

    expect(shown).toMatchObject({ ok: true, message_ts: expect.any(String) });
    expect(refused).toEqual({ ok: false, error: 'user_not_in_channel' });
    expect(fake.messagesIn('C0SUBS')).toMatchObject([{ kind: 'ephemeral', user: 'U01ADA', text: 'Only you can see this' }]);
    expect(await call('chat.update', { channel: 'C0SUBS', ts: shown.message_ts, text: 'changed' })).toEqual({ ok: false, error: 'cant_update_message' });
  });
});

describe('Slack fake: updating, deleting and scheduling', () => {
  it('keeps blocks on chat.update without blocks, and removes them with an empty array', async () => {
    const posted = await call('chat.postMessage', { channel: 'C0SUBS', text: 'v1', blocks: [section('one')] });
    await call('chat.update', { channel: 'C0SUBS', ts: posted.ts, text: 'v2' });
    const [kept] = fake.messagesIn('C0SUBS').map((m) => ({ ...m, versions: [...m.versions] }));
    await call('chat.update', { channel: 'C0SUBS', ts: posted.ts, text: 'v3', blocks: [] });

    expect(kept).toMatchObject({ text: 'v2', blocks: [section('one')], updates: 1 });
    expect(fake.messagesIn('C0SUBS')[0]).toMatchObject({ text: 'v3', blocks: [], updates: 2 });
    expect(fake.messagesIn('C0SUBS')[0]!.versions.map((v) => v.text)).toEqual(['v1', 'v2']);
    expect(await call('chat.update', { channel: 'C0SUBS', ts: '1.000000', text: 'x' })).toEqual({ ok: false, error: 'message_not_found' });
  });

  it('deletes a message', async () => {
    const posted = await call('chat.postMessage', { channel: 'C0SUBS', text: 'oops' });

    expect(await call('chat.delete', { channel: 'C0SUBS', ts: posted.ts })).toMatchObject({ ok: true, ts: posted.ts });
    expect(fake.messagesIn('C0SUBS')).toEqual([]);
    expect(fake.deletedMessages.at(-1)).toMatchObject({ text: 'oops' });
  });

  it('lists scheduled messages soonest first, within oldest/latest, a page at a time', async () => {
    const now = Math.floor(clock.now().getTime() / 1000);
    for (let i = 1; i <= 5; i++) await call('chat.scheduleMessage', { channel: 'C0SUBS', post_at: String(now + i * 3600), text: `r${i}` });
    const texts = (a: { scheduled_messages?: { text: string }[] }) => (a.scheduled_messages ?? []).map((m) => m.text);
    const first = await call('chat.scheduledMessages.list', { channel: 'C0SUBS', limit: 2 });
    expect(texts(first)).toEqual(['r1', 'r2']);
    const second = await call('chat.scheduledMessages.list', { channel: 'C0SUBS', limit: 2, cursor: first.response_metadata.next_cursor });
    expect(texts(second)).toEqual(['r3', 'r4']);
    const last = await call('chat.scheduledMessages.list', { channel: 'C0SUBS', limit: 2, cursor: second.response_metadata.next_cursor });
    expect([texts(last), last.response_metadata.next_cursor]).toEqual([['r5'], '']);
    expect(texts(await call('chat.scheduledMessages.list', { channel: 'C0SUBS', oldest: String(now + 2 * 3600 - 1), latest: String(now + 3 * 3600 + 1) }))).toEqual(['r2', 'r3']);
    expect(await call('chat.scheduledMessages.list', { channel: 'C0SUBS', oldest: String(now + 10), latest: String(now) })).toEqual({ ok: false, error: 'invalid_arguments' });
    expect(await call('chat.scheduledMessages.list', { channel: 'C0SUBS', cursor: 'bm9wZQ==' })).toEqual({ ok: false, error: 'invalid_cursor' });
  });

  it('schedules up to 120 days ahead, never in the past, and deletes by id', async () => {
    const now = Math.floor(clock.now().getTime() / 1000);
    const ok = await call('chat.scheduleMessage', { channel: 'C0SUBS', post_at: String(now + 3600), text: 'Standup reminder' });

    expect(ok).toMatchObject({ ok: true, channel: 'C0SUBS', post_at: now + 3600, scheduled_message_id: expect.stringMatching(/^Q/) });
    expect(await call('chat.scheduleMessage', { channel: 'C0SUBS', post_at: String(now - 1), text: 'late' })).toEqual({ ok: false, error: 'time_in_past' });
    expect(await call('chat.scheduleMessage', { channel: 'C0SUBS', post_at: String(now + 121 * 86400), text: 'far' })).toEqual({ ok: false, error: 'time_too_far' });
    expect(await call('chat.scheduledMessages.list', { channel: 'C0SUBS' })).toMatchObject({ scheduled_messages: [{ id: ok.scheduled_message_id, text: 'Standup reminder' }] });
    expect(fake.messagesIn('C0SUBS')).toMatchObject([{ kind: 'scheduled', postAt: now + 3600 }]);

    expect(await call('chat.deleteScheduledMessage', { channel: 'C0SUBS', scheduled_message_id: ok.scheduled_message_id })).toEqual({ ok: true });
    expect(await call('chat.deleteScheduledMessage', { channel: 'C0SUBS', scheduled_message_id: ok.scheduled_message_id })).toEqual({
      ok: false,
      error: 'invalid_scheduled_message_id',
    });
    expect(fake.messagesIn('C0SUBS')).toEqual([]);
  });
});

describe('Slack fake: conversation history', () => {
  const meta = (key: string) => ({ event_type: 'pm_agents_plan_step', event_payload: { idempotency_key: key } });

  /** Posts one message a minute into #subscriptions; their ts, oldest first. */
  async function postMinutely(texts: string[]): Promise<string[]> {
    const stamps: string[] = [];
    for (const text of texts) {
      clock.advance(60_000);
      stamps.push((await call('chat.postMessage', { channel: 'C0SUBS', text, metadata: meta(text) })).ts);
    }
    return stamps;
  }

  it('gives the messages everyone sees, newest first, without thread replies, ephemeral or scheduled ones', async () => {
    const [first, second] = await postMinutely(['first', 'second']);
    await call('chat.postMessage', { channel: 'C0SUBS', text: 'a reply', thread_ts: first });
    await call('chat.postEphemeral', { channel: 'C0SUBS', user: 'U01ADA', text: 'only Ada' });
    await call('chat.scheduleMessage', { channel: 'C0SUBS', post_at: String(Math.floor(clock.now().getTime() / 1000) + 3600), text: 'later' });

    const history = await call('conversations.history', { channel: 'C0SUBS' });

    expect(history).toMatchObject({ ok: true, has_more: false, pin_count: 0 });
    expect(history.messages.map((m: Answer) => [m.ts, m.text])).toEqual([[second, 'second'], [first, 'first']]);
    expect(history.messages[0]).toMatchObject({ type: 'message', user: fake.botUserId, bot_id: fake.botId });
    expect(history.response_metadata).toBeUndefined();
  });

  it('returns a message’s metadata only with include_all_metadata', async () => {
    await postMinutely(['tagged']);

    const plain = await call('conversations.history', { channel: 'C0SUBS' });
    const withMetadata = await call('conversations.history', { channel: 'C0SUBS', include_all_metadata: 'true' });

    expect(plain.messages[0]).not.toHaveProperty('metadata');
    expect(withMetadata.messages[0].metadata).toEqual(meta('tagged'));
    expect(await call('chat.postMessage', { channel: 'C0SUBS', text: 'x', metadata: { event_payload: {} } })).toEqual({ ok: false, error: 'invalid_metadata_format' });
  });

  it('leaves out messages at or before oldest and at or after latest, unless inclusive', async () => {
    const [a, b, c, d] = await postMinutely(['a', 'b', 'c', 'd']);
    const texts = async (args: Record<string, unknown>) => (await call('conversations.history', { channel: 'C0SUBS', ...args })).messages.map((m: Answer) => m.text);

    expect(await texts({ oldest: b })).toEqual(['d', 'c']);
    expect(await texts({ oldest: b, inclusive: 'true' })).toEqual(['d', 'c', 'b']);
    expect(await texts({ oldest: a, latest: d })).toEqual(['c', 'b']);
    expect(await texts({ oldest: String(Number(c!.split('.')[0]) - 30) })).toEqual(['d', 'c']);
    expect(await call('conversations.history', { channel: 'C0SUBS', oldest: 'yesterday' })).toEqual({ ok: false, error: 'invalid_ts_oldest' });
  });

  it('pages with limit and next_cursor, has_more until the last page', async () => {
    await postMinutely(['1', '2', '3', '4', '5']);

    const first = await call('conversations.history', { channel: 'C0SUBS', limit: '2' });
    const second = await call('conversations.history', { channel: 'C0SUBS', limit: '2', cursor: first.response_metadata.next_cursor });
    const last = await call('conversations.history', { channel: 'C0SUBS', limit: '2', cursor: second.response_metadata.next_cursor });

    expect([first, second, last].map((p) => p.messages.map((m: Answer) => m.text))).toEqual([['5', '4'], ['3', '2'], ['1']]);
    expect([first.has_more, second.has_more, last.has_more]).toEqual([true, true, false]);
    expect(first.response_metadata.next_cursor).toEqual(expect.any(String));
    expect(last.response_metadata).toBeUndefined();
    expect(await call('conversations.history', { channel: 'C0SUBS', cursor: 'not-a-cursor' })).toEqual({ ok: false, error: 'invalid_cursor' });
  });

  it('reads a DM by its D… id, and refuses a user id or an unknown channel', async () => {
    const dm = await call('chat.postMessage', { channel: 'U01LIN', text: 'hello Linus' });

    expect((await call('conversations.history', { channel: dm.channel })).messages.map((m: Answer) => m.text)).toEqual(['hello Linus']);
    expect(await call('conversations.history', { channel: 'U01LIN' })).toEqual({ ok: false, error: 'channel_not_found' });
    expect(await call('conversations.history', { channel: 'C0NOPE' })).toEqual({ ok: false, error: 'channel_not_found' });
  });

  it('answers an injected error as Slack does, HTTP 200 and ok:false', async () => {
    fake.injectError('conversations.history', 'missing_scope', { extra: { needed: 'channels:history' } });

    expect(await call('conversations.history', { channel: 'C0SUBS' })).toEqual({ ok: false, error: 'missing_scope', needed: 'channels:history' });
    expect(await call('conversations.history', { channel: 'C0SUBS' })).toMatchObject({ ok: true });
  });
});

describe('Slack fake: views', () => {
  it('opens a modal with a fresh trigger, once, and refuses it after 3 seconds', async () => {
    const trigger = fake.mintTriggerId('U01ADA');
    const opened = await call('views.open', { trigger_id: trigger, view: modal() });
    const stale = fake.mintTriggerId('U01ADA');
    clock.advance(3001);

    expect(opened).toMatchObject({ ok: true, view: { type: 'modal', title: { text: 'Edit plan' }, root_view_id: opened.view.id, hash: expect.any(String) } });
    expect(fake.views.find((v) => v.id === opened.view.id)).toMatchObject({ userId: 'U01ADA' });
    expect(await call('views.open', { trigger_id: trigger, view: modal() })).toEqual({ ok: false, error: 'exchanged_trigger_id' });
    expect(await call('views.open', { trigger_id: stale, view: modal() })).toEqual({ ok: false, error: 'expired_trigger_id' });
    expect(await call('views.open', { trigger_id: 'not-a-trigger', view: modal() })).toEqual({ ok: false, error: 'invalid_trigger_id' });
  });

  it('updates a view only with its current hash', async () => {
    const opened = await call('views.open', { trigger_id: fake.mintTriggerId('U01GRACE'), view: modal() });
    const updated = await call('views.update', { view_id: opened.view.id, hash: opened.view.hash, view: modal('Edited') });

    expect(updated).toMatchObject({ ok: true, view: { id: opened.view.id, title: { text: 'Edited' } } });
    expect(await call('views.update', { view_id: opened.view.id, hash: opened.view.hash, view: modal('Again') })).toEqual({ ok: false, error: 'hash_conflict' });
    expect(await call('views.update', { view_id: 'V0NOPE', view: modal() })).toEqual({ ok: false, error: 'not_found' });
  });

  it('pushes at most three views on a stack', async () => {
    const root = await call('views.open', { trigger_id: fake.mintTriggerId('U01LIN'), view: modal('Root') });
    const second = await call('views.push', { trigger_id: fake.mintTriggerId('U01LIN'), view: modal('Second') });
    await call('views.push', { trigger_id: fake.mintTriggerId('U01LIN'), view: modal('Third') });

    expect(second.view).toMatchObject({ root_view_id: root.view.id, previous_view_id: root.view.id });
    expect(await call('views.push', { trigger_id: fake.mintTriggerId('U01LIN'), view: modal('Fourth') })).toEqual({ ok: false, error: 'push_limit_reached' });
  });

  it('publishes one App Home per person and refuses a modal title past 24 characters', async () => {
    const home = { type: 'home', blocks: [section('Your plans')] };
    const first = await call('views.publish', { user_id: 'U01ADA', view: home });
    const second = await call('views.publish', { user_id: 'U01ADA', view: { ...home, blocks: [section('Updated')] } });
    const long = await call('views.open', { trigger_id: fake.mintTriggerId('U01ADA'), view: modal('A title that is far too long') });

    expect(second.view.id).toBe(first.view.id);
    expect(fake.views.filter((v) => v.type === 'home' && v.userId === 'U01ADA')).toHaveLength(1);
    expect(long).toMatchObject({ ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] must be less than 25 characters [json-pointer:/view/title/text]'] } });
  });
});

describe('Slack fake: response_url', () => {
  it('accepts five answers and refuses the sixth', async () => {
    const url = fake.responseUrl('C0SUBS', 'U01ADA');
    const statuses: number[] = [];
    for (let i = 1; i <= 6; i++) statuses.push((await respond(url, { text: `answer ${i}` })).status);

    expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
    expect((await respond(url, { text: 'seventh' })).body).toEqual({ ok: false, error: 'used_url' });
    expect(fake.messagesIn('C0SUBS')).toHaveLength(5);
    expect(fake.messagesIn('C0SUBS')[0]).toMatchObject({ kind: 'response_url', user: 'U01ADA', text: 'answer 1' });
  });

  it('expires after 30 minutes', async () => {
    const url = fake.responseUrl('C0SUBS', 'U01ADA');
    clock.advance(30 * 60 * 1000 + 1);

    expect(await respond(url, { text: 'too late' })).toEqual({ status: 404, body: { ok: false, error: 'expired_url' } });
  });

  it('replaces or deletes the message whose button was clicked', async () => {
    const posted = await call('chat.postMessage', { channel: 'C0SUBS', text: 'Approve plan?' });
    const url = fake.responseUrl('C0SUBS', 'U01GRACE', { messageTs: posted.ts });

    await respond(url, { replace_original: true, text: 'Approved by Grace' });
    expect(fake.messagesIn('C0SUBS')).toMatchObject([{ ts: posted.ts, text: 'Approved by Grace', updates: 1 }]);

    await respond(url, { delete_original: true });
    expect(fake.messagesIn('C0SUBS')).toEqual([]);
  });

  it('posts in_channel answers for everyone', async () => {
    await respond(fake.responseUrl('C0SUBS', 'U01ADA'), { response_type: 'in_channel', text: 'Plan started' });
    expect(fake.messagesIn('C0SUBS')).toMatchObject([{ kind: 'response_url', user: undefined, text: 'Plan started' }]);
  });
});

describe('Block Kit limits', () => {
  const button = (extra: Record<string, unknown> = {}) => ({ type: 'button', text: { type: 'plain_text', text: 'Approve' }, action_id: 'approve', ...extra });
  const problems = (blocks: unknown[]) => {
    const verdict = checkMessageBlocks(blocks);
    return verdict.ok ? [] : verdict.problems;
  };

  it.each([
    ['a section of 3000 characters', [section('x'.repeat(3000))], []],
    ['a section of 3001 characters', [section('x'.repeat(3001))], ['must be less than 3001 characters [json-pointer:/blocks/0/text/text]']],
    ['a section with neither text nor fields', [{ type: 'section' }], ['must define either `text` or `fields` [json-pointer:/blocks/0/type]']],
    ['empty section text', [section('')], ['must be more than 0 characters [json-pointer:/blocks/0/text/text]']],
    ['a text object without a type', [{ type: 'section', text: { text: 'hi' } }], ['must be one of plain_text, mrkdwn [json-pointer:/blocks/0/text/type]']],
    ['11 fields', [{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }], ['no more than 10 items allowed [json-pointer:/blocks/0/fields]']],
    ['a field of 2001 characters', [{ type: 'section', fields: [{ type: 'mrkdwn', text: 'f'.repeat(2001) }] }], ['must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]']],
    ['a header of 151 characters', [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }], ['must be less than 151 characters [json-pointer:/blocks/0/text/text]']],
    ['a mrkdwn header', [{ type: 'header', text: { type: 'mrkdwn', text: '*h*' } }], ['must be plain_text [json-pointer:/blocks/0/text/type]']],
    ['button text of 76 characters', [{ type: 'actions', elements: [button({ text: { type: 'plain_text', text: 'b'.repeat(76) } })] }], ['must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]']],
    ['a button value of 2001 characters', [{ type: 'actions', elements: [button({ value: 'v'.repeat(2001) })] }], ['must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]']],
    ['a button url of 3001 characters', [{ type: 'actions', elements: [button({ url: 'u'.repeat(3001) })] }], ['must be less than 3001 characters [json-pointer:/blocks/0/elements/0/url]']],
    ['an action_id of 256 characters', [{ type: 'actions', elements: [button({ action_id: 'a'.repeat(256) })] }], ['must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]']],
    ['a repeated action_id', [{ type: 'actions', elements: [button(), button()] }], ['duplicate action_id: approve [json-pointer:/blocks/0/elements/1/action_id]']],
    ['a repeated block_id', [{ ...section('a'), block_id: 'b1' }, { ...section('b'), block_id: 'b1' }], ['duplicate block_id: b1 [json-pointer:/blocks/1/block_id]']],
    ['26 buttons', [{ type: 'actions', elements: Array.from({ length: 26 }, (_, i) => button({ action_id: `a${i}` })) }], ['no more than 25 items allowed [json-pointer:/blocks/0/elements]']],
    ['11 context elements', [{ type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'plain_text', text: 'c' })) }], ['no more than 10 items allowed [json-pointer:/blocks/0/elements]']],
    ['an image without alt text', [{ type: 'image', image_url: 'https://x.test/a.png' }], ['must provide a string [json-pointer:/blocks/0/alt_text]']],
    ['an unknown block type', [{ type: 'carousel' }], ['unsupported type: carousel [json-pointer:/blocks/0/type]']],
  ])('%s', (_name, blocks, expected) => {
    expect(problems(blocks)).toEqual(expected);
  });

  it('allows 50 blocks and refuses 51', () => {
    expect(problems(Array.from({ length: 50 }, () => ({ type: 'divider' })))).toEqual([]);
    expect(problems(Array.from({ length: 51 }, () => ({ type: 'divider' })))).toEqual(['no more than 50 items allowed [json-pointer:/blocks]']);
  });

  it('refuses a message whose blocks hold more text than Slack’s aggregate limit', () => {
    const blocks = Array.from({ length: 5 }, () => section('x'.repeat(2700)));
    expect(checkMessageBlocks(blocks)).toMatchObject({ ok: false, error: 'msg_blocks_too_long' });
  });

  it('checks modals: title, buttons, private_metadata, 100 blocks, submit with inputs', () => {
    const input = { type: 'input', label: { type: 'plain_text', text: 'Title' }, element: { type: 'plain_text_input', action_id: 'title' } };
    const verdict = checkView({
      type: 'modal',
      title: { type: 'plain_text', text: 'Edit' },
      close: { type: 'plain_text', text: 'c'.repeat(BLOCK_KIT_LIMITS.viewButton + 1) },
      private_metadata: 'm'.repeat(3001),
      blocks: [input, ...Array.from({ length: 100 }, () => ({ type: 'divider' }))],
    });

    expect(verdict).toEqual({
      ok: false,
      error: 'invalid_arguments',
      problems: [
        'must be less than 25 characters [json-pointer:/view/close/text]',
        'must be less than 3001 characters [json-pointer:/view/private_metadata]',
        'no more than 100 items allowed [json-pointer:/view/blocks]',
        'must provide submit when the view has input blocks [json-pointer:/view/submit]',
      ],
    });
  });
});
