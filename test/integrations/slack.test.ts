// The Slack Web API client against the fake Slack server on 127.0.0.1: what gets posted, updated, uploaded and refused,
// and a burst of sends that meets Slack's rate limit and still arrives whole and in order.
import { Writable } from 'node:stream';
import type { WebClient } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { createSlackWebClient, lookupUserIdByEmail, openDm, slackErrorCode, uploadFile, type SlackClientOptions } from '../../src/integrations/slack.ts';
import type { AgencyData } from '../../src/sandbox/agency-data.ts';
import { SANDBOX_SLACK_BOT_TOKEN, SlackFake } from '../../src/sandbox/servers/slack.ts';

const agencySlack: AgencyData['slack'] = {
  users: [
    { id: 'U01ADA', name: 'ada', realName: 'Ada Lovelace', email: 'ada@agency.test' },
    { id: 'U01GRACE', name: 'grace', realName: 'Grace Hopper', email: 'Grace@Agency.test' },
  ],
  channels: [
    { id: 'C0SUBS', name: 'subscriptions', members: ['U01ADA', 'U01GRACE'] },
    { id: 'C0PMALERTS', name: 'pm-alerts', members: ['U01GRACE'] },
  ],
};

const fastRetries = { factor: 1, minTimeout: 10, maxTimeout: 50 };

function slackClient(fake: SlackFake, options: Partial<SlackClientOptions> = {}): WebClient {
  return createSlackWebClient({ token: SANDBOX_SLACK_BOT_TOKEN, apiUrl: fake.apiUrl, retries: 2, retryConfig: fastRetries, ...options });
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('Slack client', () => {
  const fake = new SlackFake(agencySlack);
  let client: WebClient;

  beforeAll(async () => {
    await fake.start();
    client = slackClient(fake);
  });
  afterEach(() => {
    fake.messages.length = 0;
    fake.clearFaults();
  });
  afterAll(() => fake.stop());

  it('posts a message that people in the channel see, with its blocks and thread', async () => {
    const parent = await client.chat.postMessage({ channel: 'C0SUBS', text: 'Budget at 90%', blocks: [section('*Subscriptions* is at 90%')] });
    await client.chat.postMessage({ channel: 'C0SUBS', text: 'Details', thread_ts: parent.ts! });

    expect(parent.channel).toBe('C0SUBS');
    expect(fake.messagesIn('C0SUBS')).toMatchObject([
      { text: 'Budget at 90%', blocks: [section('*Subscriptions* is at 90%')], kind: 'message', ts: parent.ts },
      { text: 'Details', threadTs: parent.ts },
    ]);
  });

  it('updates a message in place and keeps the earlier version', async () => {
    const posted = await client.chat.postMessage({ channel: 'C0SUBS', text: 'Plan: 0 of 3 steps done' });
    await client.chat.update({ channel: 'C0SUBS', ts: posted.ts!, text: 'Plan: 1 of 3 steps done' });

    const [message] = fake.messagesIn('C0SUBS');
    expect(fake.messagesIn('C0SUBS')).toHaveLength(1);
    expect(message).toMatchObject({ text: 'Plan: 1 of 3 steps done', updates: 1, versions: [{ text: 'Plan: 0 of 3 steps done' }] });
  });

  it('opens a DM and the person finds the message in it', async () => {
    const dm = await openDm(client, 'U01ADA');
    await client.chat.postMessage({ channel: dm, text: 'Please log last week’s hours' });

    expect(dm).toMatch(/^D/);
    expect(await openDm(client, 'U01ADA')).toBe(dm);
    expect(fake.dmsTo('U01ADA').map((m) => m.text)).toEqual(['Please log last week’s hours']);
  });

  it('treats a user id as that person’s DM, as Slack does', async () => {
    const posted = await client.chat.postMessage({ channel: 'U01GRACE', text: 'Your weekly digest' });

    expect(posted.channel).toMatch(/^D/);
    expect(fake.dmsTo('U01GRACE').map((m) => m.text)).toEqual(['Your weekly digest']);
  });

  it('finds a person by email, whatever its case, and answers null for an unknown email', async () => {
    expect(await lookupUserIdByEmail(client, 'grace@agency.test')).toBe('U01GRACE');
    expect(await lookupUserIdByEmail(client, 'nobody@agency.test')).toBeNull();
  });

  it('uploads a file in three steps and shares it with its comment', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('chart pixels')]);
    const before = fake.requests.length;

    const { fileId } = await uploadFile(client, { channelId: 'C0SUBS', filename: 'burn-down.png', title: 'Burn-down', content: png, initialComment: 'This month so far' });

    const steps = fake.requests.slice(before).map((r) => r.path.replace(/F0SANDBOX\d+/, '{file}'));
    expect(steps).toEqual(['/api/files.getUploadURLExternal', '/upload/v1/{file}', '/api/files.completeUploadExternal']);
    const file = fake.files.find((f) => f.id === fileId)!;
    expect(file.bytes!.equals(png)).toBe(true);
    expect(file).toMatchObject({ filename: 'burn-down.png', title: 'Burn-down', length: png.length, completed: true, channelId: 'C0SUBS' });
    expect(fake.messagesIn('C0SUBS')).toMatchObject([{ text: 'This month so far', files: [fileId] }]);
  });

  it('keeps an uploaded file private when no channel is given', async () => {
    const { fileId } = await uploadFile(client, { filename: 'report.csv', content: Buffer.from('a,b\n1,2\n') });

    expect(fake.files.find((f) => f.id === fileId)).toMatchObject({ completed: true, channelId: undefined });
    expect(fake.messages).toHaveLength(0);
  });

  it('waits out a 429 with Retry-After and then sends', async () => {
    fake.injectRateLimit('chat.postMessage', { retryAfterSeconds: 1 });

    await client.chat.postMessage({ channel: 'C0PMALERTS', text: 'after the pause' });

    expect(fake.requestsTo('/api/chat.postMessage').length).toBeGreaterThanOrEqual(2);
    expect(fake.messagesIn('C0PMALERTS').map((m) => m.text)).toEqual(['after the pause']);
  });

  it('refuses 51 blocks and a 3001-character section with invalid_blocks naming the problem', async () => {
    const tooMany = Array.from({ length: 51 }, (_, i) => section(`line ${i}`));
    const tooLong = [section('x'.repeat(3001))];

    const errors = await Promise.all([
      client.chat.postMessage({ channel: 'C0SUBS', text: 'many', blocks: tooMany }).catch((e: unknown) => e),
      client.chat.postMessage({ channel: 'C0SUBS', text: 'long', blocks: tooLong }).catch((e: unknown) => e),
    ]);

    expect(errors.map(slackErrorCode)).toEqual(['invalid_blocks', 'invalid_blocks']);
    const messages = errors.map((e) => (e as { data: { response_metadata: { messages: string[] } } }).data.response_metadata.messages);
    expect(messages[0]).toContain('[ERROR] no more than 50 items allowed [json-pointer:/blocks]');
    expect(messages[1]).toContain('[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]');
    expect(fake.messages).toHaveLength(0);
  });

  it('answers channel_not_found for a channel Slack does not know', async () => {
    const error = await client.chat.postMessage({ channel: 'C0NOWHERE', text: 'hello' }).catch((e: unknown) => e);
    expect(slackErrorCode(error)).toBe('channel_not_found');
  });

  it('answers invalid_auth for a bad token and not_authed for none', async () => {
    const bad = slackClient(fake, { token: 'xoxb-not-the-right-one' });
    const none = slackClient(fake, { token: '' });

    expect(slackErrorCode(await bad.auth.test().catch((e: unknown) => e))).toBe('invalid_auth');
    expect(slackErrorCode(await none.auth.test().catch((e: unknown) => e))).toBe('not_authed');
    await expect(lookupUserIdByEmail(bad, 'ada@agency.test')).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
  });

  it('never writes the token to the log, even at debug level', async () => {
    let logged = '';
    const destination = new Writable({
      write(chunk, _enc, done) {
        logged += String(chunk);
        done();
      },
    });
    const logger = createLogger({ level: 'debug', destination });
    const logging = slackClient(fake, { logger });

    await logging.chat.postMessage({ channel: 'C0SUBS', text: 'logged' });
    await logging.chat.postMessage({ channel: 'C0NOWHERE', text: 'refused' }).catch(() => undefined);

    expect(logged).toContain('slack-web-api');
    expect(logged).not.toContain(SANDBOX_SLACK_BOT_TOKEN);
  });
});

describe('Slack client under a rate limit', () => {
  // 80 chat.postMessage per second: a burst of 200 meets the limit twice.
  const fake = new SlackFake(agencySlack, { rateLimits: { 'chat.postMessage': 80 }, rateLimitWindowMs: 1000 });

  beforeAll(() => fake.start());
  afterAll(() => fake.stop());

  it('gets a burst of 200 messages to one channel through, in order, without a failed call', async () => {
    const client = slackClient(fake, { maxRequestConcurrency: 20 });
    const texts = Array.from({ length: 200 }, (_, i) => `alert ${i + 1}`);

    const results = await Promise.allSettled(texts.map((text) => client.chat.postMessage({ channel: 'C0PMALERTS', text })));

    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(fake.messagesIn('C0PMALERTS').map((m) => m.text)).toEqual(texts);
    const answers = fake.requestsTo('/api/chat.postMessage').length;
    expect(answers).toBeGreaterThan(200); // some were answered 429 and sent again
  });
});
