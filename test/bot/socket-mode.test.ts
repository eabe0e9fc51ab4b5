// `pm-agents serve` with SLACK_APP_TOKEN set: the Bolt app from createBot in Socket Mode, connected to the fake Slack's
// Socket Mode endpoint over a real WebSocket. Slack's payloads arrive as envelopes (no signature) and the app acks each
// one within 3 s; when Slack recycles the connection the app opens a new one and keeps working.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createBot, type Bot } from '../../src/bot/app.ts';
import { ACTIONS } from '../../src/bot/ids.ts';
import { silentLogger } from '../../src/logger.ts';
import type { AgencyData } from '../../src/sandbox/agency-data.ts';
import { SANDBOX_SLACK_APP_TOKEN, SlackSocketMode } from '../../src/sandbox/servers/slack-socket-mode.ts';
import { SANDBOX_SLACK_BOT_TOKEN, SlackFake } from '../../src/sandbox/servers/slack.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { slashCommandForm } from '../support/slack-signing.ts';

const agencySlack: AgencyData['slack'] = {
  users: [{ id: 'U01ADA', name: 'ada', realName: 'Ada Lovelace', email: 'ada@agency.test' }],
  channels: [{ id: 'C0SUBS', name: 'subscriptions', members: ['U01ADA'] }],
};

let database: TestDatabase;
let fake: SlackFake;
let socketMode: SlackSocketMode;

function socketBot(appToken: string): Bot {
  return createBot({
    db: database.db,
    logger: silentLogger,
    botToken: SANDBOX_SLACK_BOT_TOKEN,
    signingSecret: 'unused-in-socket-mode',
    appToken,
    slackApiUrl: fake.apiUrl,
    port: 0,
    botIds: { botId: fake.botId, botUserId: fake.botUserId },
  });
}

const connectionOpens = () => fake.requestsTo('/api/apps.connections.open').length;

/** Ada clicks "Log time in Tempo" in her time-tracking DM. */
function logTimeClick(): Record<string, unknown> {
  return {
    type: 'block_actions',
    user: { id: 'U01ADA', username: 'ada', team_id: fake.teamId },
    team: { id: fake.teamId, domain: 'agency-sandbox' },
    api_app_id: socketMode.appId,
    trigger_id: fake.mintTriggerId('U01ADA'),
    container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'DU01ADA', is_ephemeral: false },
    channel: { id: 'DU01ADA', name: 'directmessage' },
    message: { type: 'message', ts: '1700000000.000100', text: 'Log your time', blocks: [] },
    state: { values: {} },
    response_url: fake.responseUrl('DU01ADA', 'U01ADA', { messageTs: '1700000000.000100' }),
    actions: [{ type: 'button', action_id: ACTIONS.logTimeLink, block_id: 'b1', text: { type: 'plain_text', text: 'Log time in Tempo' }, action_ts: '1700000001.000100' }],
  };
}

function planHelp(): Record<string, string> {
  return slashCommandForm('/plan', 'help', 'U01ADA', 'C0SUBS', fake.responseUrl('C0SUBS', 'U01ADA'));
}

beforeAll(async () => {
  database = await createTestDatabase('pglite');
  fake = await new SlackFake(agencySlack).start();
  socketMode = await new SlackSocketMode(fake).start();
});
afterAll(async () => {
  await socketMode.stop();
  await fake.stop();
  await database.close();
});

describe('the Bolt app in Socket Mode', () => {
  let bot: Bot;

  beforeAll(async () => {
    bot = socketBot(SANDBOX_SLACK_APP_TOKEN);
    expect(await bot.start()).toBeNull(); // no HTTP port in Socket Mode
  });
  afterAll(() => bot.stop());

  it('connects with its app-level token in the Authorization header and holds one socket open', () => {
    const [open] = fake.requestsTo('/api/apps.connections.open');
    expect(open?.headers.authorization).toBe(`Bearer ${SANDBOX_SLACK_APP_TOKEN}`);
    expect(socketMode.connections).toBe(1);
  });

  it('answers /plan help in its ack, with no request signature involved', async () => {
    const ack = await socketMode.sendSlashCommand(planHelp());
    expect(ack.envelope_id).toEqual(expect.any(String));
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/\S/) });
  });

  it('acks a click on the time-tracking DM’s "Log time in Tempo" link button', async () => {
    const click = logTimeClick();
    const ack = await socketMode.sendInteractive(click);
    expect(ack.envelope_id).toEqual(expect.any(String));
    expect(ack.payload ?? {}).toEqual({});
  });

  it('acks an Events API event at once, even one it has no listener for', async () => {
    const ack = await socketMode.sendEvent({ type: 'app_home_opened', user: 'U01ADA', channel: 'DU01ADA', tab: 'home', event_ts: '1700000002.000100' });
    expect(ack.envelope_id).toEqual(expect.any(String));
  });

  it('opens a new connection when Slack recycles the old one, and keeps answering on it', { timeout: 30_000 }, async () => {
    const opensBefore = connectionOpens();
    await socketMode.disconnect('refresh_requested');
    expect(socketMode.connections).toBe(0);

    await socketMode.waitForConnection(20_000); // @slack/socket-mode waits its client ping timeout (5 s) first
    expect(connectionOpens()).toBe(opensBefore + 1);
    expect(socketMode.connections).toBe(1);
    const ack = await socketMode.sendSlashCommand(planHelp());
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral' });
    expect(await socketMode.sendInteractive(logTimeClick())).toMatchObject({ envelope_id: expect.any(String) });
  });
});

describe('the Bolt app in Socket Mode with a wrong app token', () => {
  it('fails to start, naming the auth error, and opens no socket', async () => {
    const connectionsBefore = socketMode.connections;
    const bot = socketBot('xapp-1-A0SANDBOX-1-revoked');
    try {
      await expect(bot.start()).rejects.toThrow(/invalid_auth/);
      expect(socketMode.connections).toBe(connectionsBefore);
    } finally {
      await bot.stop();
    }
  });
});

describe('the fake Slack’s Socket Mode endpoint', () => {
  async function openConnection(authorization?: string, body = '', slack = fake): Promise<Record<string, unknown>> {
    const res = await fetch(`${slack.apiUrl}apps.connections.open`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization ? { authorization } : {}) },
      body,
    });
    return (await res.json()) as Record<string, unknown>;
  }

  /** A raw client: the socket and the first message it got (hello). */
  async function connect(url: string): Promise<{ ws: WebSocket; hello: Record<string, unknown> }> {
    const ws = new WebSocket(url);
    const hello = await new Promise<Record<string, unknown>>((resolve, reject) => {
      ws.once('message', (data) => resolve(JSON.parse(data.toString()) as Record<string, unknown>));
      ws.once('error', reject);
    });
    return { ws, hello };
  }

  it('takes only the app-level token, and only in the Authorization header', async () => {
    expect(await openConnection()).toEqual({ ok: false, error: 'not_authed' });
    expect(await openConnection(undefined, `token=${SANDBOX_SLACK_APP_TOKEN}`)).toEqual({ ok: false, error: 'not_authed' });
    expect(await openConnection(`Bearer ${SANDBOX_SLACK_BOT_TOKEN}`)).toEqual({ ok: false, error: 'not_allowed_token_type' });
    expect(await openConnection('Bearer xapp-1-other-app')).toEqual({ ok: false, error: 'invalid_auth' });
    expect(await openConnection(`Bearer ${SANDBOX_SLACK_APP_TOKEN}`)).toEqual({ ok: true, url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=/) });
  });

  it('greets a connection with hello and lets each URL connect once', async () => {
    const { url } = (await openConnection(`Bearer ${SANDBOX_SLACK_APP_TOKEN}`)) as { url: string };
    const { ws, hello } = await connect(url);
    try {
      expect(hello).toMatchObject({ type: 'hello', num_connections: socketMode.connections, connection_info: { app_id: socketMode.appId } });
      await expect(connect(url)).rejects.toThrow(/401/);
    } finally {
      ws.close();
    }
  });

  it('gives up on an envelope the app does not ack within the time allowed', async () => {
    const otherFake = await new SlackFake(agencySlack).start();
    const impatient = await new SlackSocketMode(otherFake, { ackTimeoutMs: 200 }).start();
    const { url } = (await openConnection(`Bearer ${SANDBOX_SLACK_APP_TOKEN}`, '', otherFake)) as { url: string };
    const { ws } = await connect(url); // a client that never acks
    try {
      await expect(impatient.sendSlashCommand(planHelp())).rejects.toThrow(/did not ack slash_commands envelope .* within 200 ms/);
    } finally {
      ws.close();
      await impatient.stop();
      await otherFake.stop();
    }
  });
});
