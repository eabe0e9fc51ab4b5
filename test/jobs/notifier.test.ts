import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { createSlackWebClient } from '../../src/integrations/slack.ts';
import { Notifier } from '../../src/jobs/notifier.ts';
import { silentLogger } from '../../src/logger.ts';
import { SANDBOX_SLACK_BOT_TOKEN, SlackFake } from '../../src/sandbox/servers/slack.ts';
import { createTestDatabase, postgresSkipReason, testEngines, type TestDatabase } from '../support/databases.ts';

const slackData = () => ({
  users: [
    { id: 'U0ADA', name: 'ada', realName: 'Ada Lovelace', email: 'ada@agency.test' },
    { id: 'U0GRACE', name: 'grace', realName: 'Grace Hopper' },
  ],
  channels: [{ id: 'C0PMALERTS', name: 'pm-alerts', members: ['U0GRACE'] }],
});

function notifierFor(database: { db: TestDatabase['db'] }, slack: SlackFake, extra: Partial<ConstructorParameters<typeof Notifier>[0]> = {}) {
  const client = createSlackWebClient({ token: SANDBOX_SLACK_BOT_TOKEN, apiUrl: slack.apiUrl, retries: 1 });
  return new Notifier({ db: database.db, slack: client, logger: silentLogger, runner: 'test:1', job: 'test-job', ...extra });
}

describe.each(testEngines())('notifier on %s', (engine) => {
  let database: TestDatabase;
  let slack: SlackFake;
  beforeEach(async () => {
    database = await createTestDatabase(engine);
    slack = await new SlackFake(slackData(), { botToken: SANDBOX_SLACK_BOT_TOKEN }).start();
  });
  afterEach(async () => {
    await slack.stop();
    await database.close();
  });

  it('sends a message once per dedupe key, across runs and notifier instances', async () => {
    const message = { dedupeKey: 'retainer:SUBS:2025-11:90', to: { channel: 'C0PMALERTS' }, text: 'SUBS is at 91 %' };
    const first = await notifierFor(database, slack).send(message);
    expect(first).toMatchObject({ status: 'sent', channel: 'C0PMALERTS' });
    const second = await notifierFor(database, slack).send(message);
    expect(second).toMatchObject({ status: 'already_sent', channel: 'C0PMALERTS' });
    expect(slack.messagesIn('C0PMALERTS').map((m) => m.text)).toEqual(['SUBS is at 91 %']);
  });

  it('leaves a fresh claim of another sender alone, and takes over a stale one', async () => {
    const notifier = notifierFor(database, slack);
    await database.db.insertInto('notifications').values({ dedupe_key: 'k-fresh', target: 'C0PMALERTS', status: 'claimed', claimed_by: 'other:2' }).execute();
    expect(await notifier.send({ dedupeKey: 'k-fresh', to: { channel: 'C0PMALERTS' }, text: 'fresh' })).toEqual({ status: 'in_progress' });

    await sql`insert into notifications (dedupe_key, target, status, claimed_by, claimed_at)
      values ('k-stale', 'C0PMALERTS', 'claimed', 'crashed:3', now() - interval '1 hour')`.execute(database.db);
    expect(await notifier.send({ dedupeKey: 'k-stale', to: { channel: 'C0PMALERTS' }, text: 'stale' })).toMatchObject({ status: 'sent' });
    const row = await database.db.selectFrom('notifications').selectAll().where('dedupe_key', '=', 'k-stale').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'sent', claimed_by: 'test:1', attempts: 2 });
    expect(slack.messagesIn('C0PMALERTS').map((m) => m.text)).toEqual(['stale']);
  });

  it('records a failed send with Slack’s reason and retries it on the next run', async () => {
    const notifier = notifierFor(database, slack);
    const message = { dedupeKey: 'k-channel', to: { channel: 'C0NEW' }, text: 'hello' };
    expect(await notifier.send(message)).toEqual({ status: 'failed', error: 'Slack answered channel_not_found' });
    slack.addChannel({ id: 'C0NEW', name: 'new', members: [] });
    expect(await notifier.send(message)).toMatchObject({ status: 'sent' });
    expect(slack.messagesIn('C0NEW')).toHaveLength(1);
  });

  it('finds people by email once (cached), and reports who cannot be reached instead of throwing', async () => {
    const notifier = notifierFor(database, slack);
    const ada = { name: 'Ada Lovelace', accountId: 'a1', email: 'ada@agency.test' };
    expect(await notifier.send({ dedupeKey: 'dm-1', to: { person: ada }, text: 'one' })).toMatchObject({ status: 'sent' });
    expect(await notifier.send({ dedupeKey: 'dm-2', to: { person: ada }, text: 'two' })).toMatchObject({ status: 'sent' });
    expect(slack.requestsTo('/api/users.lookupByEmail')).toHaveLength(1);
    expect(slack.dmsTo('U0ADA').map((m) => m.text)).toEqual(['one', 'two']);

    const ghost = { name: 'Ghost', accountId: 'g0', email: 'ghost@agency.test' };
    expect(await notifier.send({ dedupeKey: 'dm-3', to: { person: ghost }, text: 'x' })).toEqual({ status: 'unreachable', reason: 'no Slack account found for ghost@agency.test' });
    const nobody = { name: 'Nobody', accountId: 'n0' };
    expect(await notifier.send({ dedupeKey: 'dm-4', to: { person: nobody }, text: 'x' })).toEqual({ status: 'unreachable', reason: 'no slack_user_id or email in the config' });
    const ledger = await database.db.selectFrom('notifications').select('dedupe_key').orderBy('dedupe_key').execute();
    expect(ledger.map((r) => r.dedupe_key)).toEqual(['dm-1', 'dm-2']);
  });

  it('in a dry run renders the message and neither sends nor writes', async () => {
    const rendered: string[] = [];
    const notifier = notifierFor(database, slack, { dryRun: true, render: (r) => rendered.push(`${r.target}: ${r.text}`) });
    const outcome = await notifier.send({
      dedupeKey: 'k-dry',
      to: { channel: 'C0PMALERTS' },
      text: 'fallback',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*SUBS* is at 91 %' } }],
    });
    expect(outcome.status).toBe('dry_run');
    expect(rendered).toEqual([expect.stringMatching(/^C0PMALERTS: .*SUBS.* is at 91 %/)]);
    expect(slack.messages).toEqual([]);
    expect(await database.db.selectFrom('notifications').selectAll().execute()).toEqual([]);
  });
});

describe.skipIf(postgresSkipReason() !== null)(`notifier with two replicas on PostgreSQL${postgresSkipReason() ? ` (skipped: ${postgresSkipReason()})` : ''}`, () => {
  let database: TestDatabase;
  let second: DatabaseHandle;
  let slack: SlackFake;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    second = await openDatabase({ databaseUrl: database.url! });
    slack = await new SlackFake(slackData(), { botToken: SANDBOX_SLACK_BOT_TOKEN, latencyMs: 20 }).start();
  });
  afterAll(async () => {
    await slack.stop();
    await second.close();
    await database.close();
  });

  it('sends each message once when two replicas race for the same dedupe keys', async () => {
    const a = notifierFor(database, slack, { runner: 'replica-a' });
    const b = notifierFor({ db: second.db }, slack, { runner: 'replica-b' });
    const keys = Array.from({ length: 20 }, (_, i) => `race-${i}`);
    const outcomes = await Promise.all(keys.flatMap((k) => [a, b].map((n) => n.send({ dedupeKey: k, to: { channel: 'C0PMALERTS' }, text: k }))));
    expect(outcomes.filter((o) => o.status === 'sent')).toHaveLength(20);
    expect(slack.messagesIn('C0PMALERTS').map((m) => m.text).sort()).toEqual([...keys].sort());
  });
});
