// The /plan tests' world: the sample agency behind the fake servers, a migrated test database, the job context `serve`
// would build, and the real Bolt app listening on a port. People act the way Slack makes them act: signed slash
// commands, block_actions clicks on the messages the fake Slack holds, view_submission payloads from the modals it
// opened (API-NOTES §4), each sent over HTTP as the form field `payload`.
import { fixedClock } from '../../src/clock.ts';
import type { Bot } from '../../src/bot/app.ts';
import { parseOrgConfig, readRuntimeSettings, type Config } from '../../src/config.ts';
import type { JobContext } from '../../src/jobs/job.ts';
import { silentLogger } from '../../src/logger.ts';
import { openRuntime } from '../../src/runtime.ts';
import type { AgencyData } from '../../src/sandbox/agency-data.ts';
import { DEMO_AS_OF, generateSampleAgency } from '../../src/sandbox/sample-agency.ts';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/sandbox.ts';
import { startSandboxBot } from '../../src/sandbox/sandbox-bot.ts';
import type { SlackFakeMessage, SlackFakeView } from '../../src/sandbox/servers/slack.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { FAST_POLICY, shrunkSleep } from '../support/job-harness.ts';
import { postSigned, slashCommandForm } from '../support/slack-signing.ts';

export interface Person {
  id: string;
  name: string;
}

export interface PlanBot {
  data: AgencyData;
  sandbox: Sandbox;
  database: TestDatabase;
  ctx: JobContext;
  bot: Bot;
  /** The receiver's `/slack/events` URL. */
  url: string;
  /** SUBS's channel, where /plan is typed. */
  channel: string;
  /** Maya Patel: a PM (of SUBS), the one who asks for plans. */
  pm: Person;
  /** Daniel Okafor: on SUBS's channel, no PM. */
  member: Person;
  /** /plan <text>, signed, as `user` in `channel`; the ack's status and JSON body (or null when empty). */
  slash(text: string, user?: Person, channel?: string): Promise<{ status: number; body: Record<string, unknown> | null }>;
  /** Clicks the element with this action_id in the message (a menu or select: chooses the option with this value). */
  click(message: SlackFakeMessage, actionId: string, user: Person, choose?: (option: { text: { text: string }; value: string }) => boolean): Promise<number>;
  /** Clicks an element inside an open modal (the step picker), as Slack sends it: with the view, no response_url. */
  clickInView(view: SlackFakeView, actionId: string, user: Person, optionValue: string): Promise<number>;
  /** Submits the modal with its initial values changed by `changes` (text, one option value, or several for multi-selects). */
  submit(view: SlackFakeView, user: Person, changes?: Record<string, string | string[]>): Promise<{ status: number; body: Record<string, unknown> | null }>;
  /** The latest review/progress message of a plan in the channel. */
  planMessages(): SlackFakeMessage[];
  /** What `user` alone saw (ephemeral messages and response_url answers). */
  privateTo(user: Person): SlackFakeMessage[];
  close(): Promise<void>;
}

/** Polls until `probe` gives something (not undefined/false), or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

type Element = Record<string, unknown> & { type: string; action_id?: string };
type Block = Record<string, unknown> & { type: string; block_id?: string; elements?: Element[]; accessory?: Element; element?: Element };

function findElement(blocks: unknown[], actionId: string): { element: Element; blockId: string } | undefined {
  for (const [i, raw] of (blocks as Block[]).entries()) {
    const candidates = [...(raw.elements ?? []), ...(raw.accessory ? [raw.accessory] : []), ...(raw.element ? [raw.element] : [])];
    const element = candidates.find((e) => e.action_id === actionId);
    if (element) return { element, blockId: raw.block_id ?? `b${i}` };
  }
  return undefined;
}

function actionOf(element: Element, blockId: string, choose?: (option: { text: { text: string }; value: string }) => boolean): Record<string, unknown> {
  const action: Record<string, unknown> = { type: element.type, action_id: element.action_id, block_id: blockId, action_ts: `${Math.floor(Date.now() / 1000)}.000200` };
  if (element.type === 'button') return { ...action, text: element.text, value: element.value };
  const options = (element.options ?? []) as { text: { text: string }; value: string }[];
  const option = choose ? options.find(choose) : options[0];
  if (!option) throw new Error(`no such option in ${String(element.action_id)}`);
  return { ...action, selected_option: option };
}

/** The state Slack would send for a modal: each input's initial value, with `changes` applied. */
export function formValues(view: SlackFakeView, changes: Record<string, string | string[]> = {}): Record<string, Record<string, unknown>> {
  const values: Record<string, Record<string, unknown>> = {};
  for (const block of view.view.blocks as Block[]) {
    if (block.type !== 'input' || !block.element || !block.block_id) continue;
    const e = block.element;
    const id = String(e.action_id);
    const change = changes[block.block_id];
    const options = (e.options ?? []) as { value: string }[];
    switch (e.type) {
      case 'plain_text_input':
        values[block.block_id] = { [id]: { type: e.type, value: typeof change === 'string' ? change : ((e.initial_value as string | undefined) ?? null) } };
        break;
      case 'multi_static_select': {
        const selected = Array.isArray(change) ? options.filter((o) => change.includes(o.value)) : ((e.initial_options as unknown[] | undefined) ?? []);
        values[block.block_id] = { [id]: { type: e.type, selected_options: selected } };
        break;
      }
      default: {
        const selected = typeof change === 'string' ? options.find((o) => o.value === change) : (e.initial_option ?? null);
        values[block.block_id] = { [id]: { type: e.type, selected_option: selected ?? null } };
      }
    }
  }
  return values;
}

export async function startPlanBot(options: SandboxOptions = {}): Promise<PlanBot> {
  const data = generateSampleAgency();
  const database = await createTestDatabase('pglite');
  const clock = fixedClock(DEMO_AS_OF);
  const sandbox = await startSandbox(data, { clock, ...options });
  const env = { ...sandbox.env };
  const org = parseOrgConfig(data.orgConfig);
  const config: Config = { org, timezone: org.timezone, runtime: readRuntimeSettings(env), env };
  const runtime = await openRuntime({ env, logger: silentLogger, clock, config, database: database.handle, clientOptions: { policy: FAST_POLICY, sleep: shrunkSleep, slackRetries: 0 } });
  const { bot, url, signingSecret: secret } = await startSandboxBot(sandbox, runtime.ctx);
  const person = (name: string): Person => ({ id: org.people.find((p) => p.name === name)!.slack_user_id!, name });
  const channel = org.projects.find((p) => p.key === 'SUBS')!.slack_channel!;
  const pm = person('Maya Patel');
  const member = person('Daniel Okafor');
  const slack = sandbox.slack;
  const user = (p: Person) => ({ id: p.id, username: p.name.toLowerCase().replace(' ', '.'), team_id: slack.teamId });
  const team = { id: slack.teamId, domain: 'agency-sandbox' };
  const post = async (payload: unknown) => postSigned(url, { payload: JSON.stringify(payload) }, { secret });
  const readBody = async (res: Response) => {
    const text = await res.text();
    return text.trim() === '' ? null : (JSON.parse(text) as Record<string, unknown>);
  };

  return {
    data,
    sandbox,
    database,
    ctx: runtime.ctx,
    bot,
    url,
    channel,
    pm,
    member,
    async slash(text, who = pm, where = channel) {
      const res = await postSigned(url, slashCommandForm('/plan', text, who.id, where, slack.responseUrl(where, who.id)), { secret });
      return { status: res.status, body: await readBody(res) };
    },
    async click(message, actionId, who, choose) {
      const found = findElement(message.blocks, actionId);
      if (!found) throw new Error(`no element ${actionId} in the message`);
      const res = await post({
        type: 'block_actions',
        user: user(who),
        team,
        api_app_id: 'A0SANDBOX',
        token: 'legacy-verification-token',
        trigger_id: slack.mintTriggerId(who.id),
        container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
        channel: { id: message.channel, name: message.channel.toLowerCase() },
        message: { type: 'message', ts: message.ts, text: message.text, blocks: message.blocks },
        state: { values: {} },
        response_url: slack.responseUrl(message.channel, who.id, { messageTs: message.ts }),
        actions: [actionOf(found.element, found.blockId, choose)],
      });
      return res.status;
    },
    async clickInView(view, actionId, who, optionValue) {
      const found = findElement(view.view.blocks as unknown[], actionId);
      if (!found) throw new Error(`no element ${actionId} in the view`);
      const res = await post({
        type: 'block_actions',
        user: user(who),
        team,
        api_app_id: 'A0SANDBOX',
        trigger_id: slack.mintTriggerId(who.id),
        container: { type: 'view', view_id: view.id },
        view: { ...view.view, id: view.id, hash: view.hash, team_id: slack.teamId, state: { values: {} } },
        actions: [actionOf(found.element, found.blockId, (o) => o.value === optionValue)],
      });
      return res.status;
    },
    async submit(view, who, changes = {}) {
      const res = await post({
        type: 'view_submission',
        team,
        user: user(who),
        api_app_id: 'A0SANDBOX',
        trigger_id: slack.mintTriggerId(who.id),
        view: { ...view.view, id: view.id, team_id: slack.teamId, hash: view.hash, state: { values: formValues(view, changes) }, root_view_id: view.rootViewId, previous_view_id: null },
        response_urls: [],
      });
      return { status: res.status, body: await readBody(res) };
    },
    planMessages() {
      return slack.messagesIn(channel).filter((m) => m.kind === 'message' && JSON.stringify(m.blocks).includes(':clipboard:'));
    },
    privateTo(who) {
      return slack.messages.filter((m) => m.user === who.id && (m.kind === 'ephemeral' || m.kind === 'response_url'));
    },
    async close() {
      await bot.stop();
      await runtime.close();
      await sandbox.stop();
      await database.close();
    },
  };
}
