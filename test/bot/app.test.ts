import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBot, type Bot } from '../../src/bot/app.ts';
import { LOG_TIME_ACTION_ID } from '../../src/bot/blocks/time-tracking.ts';
import { silentLogger } from '../../src/logger.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { postSigned, slashCommandForm } from '../support/slack-signing.ts';

const secret = 'test-signing-secret';

describe('the Bolt app behind the HTTP receiver', () => {
  let database: TestDatabase;
  let bot: Bot;
  let base: string;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    bot = createBot({
      db: database.db,
      logger: silentLogger,
      botToken: 'xoxb-test',
      signingSecret: secret,
      slackApiUrl: 'http://127.0.0.1:9/api/',
      port: 0,
      botIds: { botId: 'B0PMAGENTS', botUserId: 'U0PMAGENTS' },
    });
    base = `http://127.0.0.1:${await bot.start()}`;
  });
  afterAll(async () => {
    await bot.stop();
    await database.close();
  });

  it('accepts a correctly signed slash command and answers it', async () => {
    const res = await postSigned(`${base}/slack/events`, slashCommandForm('/plan', 'launch ACME'), { secret });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toMatch(/Planning is not available/);
  });

  it('refuses a forged signature with 401', async () => {
    const res = await postSigned(`${base}/slack/events`, slashCommandForm('/plan', 'x'), { secret, signature: 'v0=' + 'ab'.repeat(32) });
    expect(res.status).toBe(401);
  });

  it('refuses a request signed with another secret with 401', async () => {
    const res = await postSigned(`${base}/slack/events`, slashCommandForm('/plan', 'x'), { secret: 'not-the-secret' });
    expect(res.status).toBe(401);
  });

  it('refuses a request signed ten minutes ago with 401 (replay protection)', async () => {
    const res = await postSigned(`${base}/slack/events`, slashCommandForm('/plan', 'x'), { secret, timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect(res.status).toBe(401);
  });

  it('acks a click on the time-tracking DM’s "Log time in Tempo" link button', async () => {
    const payload = {
      type: 'block_actions',
      user: { id: 'U01ADA', username: 'ada', team_id: 'T0AGENCY' },
      team: { id: 'T0AGENCY', domain: 'agency' },
      api_app_id: 'A0PMAGENTS',
      trigger_id: '1.2.3',
      container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'D01ADA', is_ephemeral: false },
      channel: { id: 'D01ADA', name: 'directmessage' },
      response_url: 'https://hooks.slack.test/actions/T1/2/x',
      actions: [{ type: 'button', action_id: LOG_TIME_ACTION_ID, block_id: 'b1', text: { type: 'plain_text', text: 'Log time in Tempo' }, action_ts: '1700000001.0001' }],
    };
    const res = await postSigned(`${base}/slack/events`, { payload: JSON.stringify(payload) }, { secret });
    expect(res.status).toBe(200);
  });

  it('reports health with a database check', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, database: 'up' });
  });
});
