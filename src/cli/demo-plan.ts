// The /plan scene of `pm-agents demo`: the real Bolt app on a free port, a PM typing `/plan plan a project launch …`
// (a signed slash command over HTTP, as Slack sends it), the plan posted for review, "Approve & run" clicked (a signed
// block_actions payload), the manual step's owner pressing Done in their DM, and the progress view at the end — each
// printed as a person would see it in Slack.
import { renderMessageText } from '../bot/blocks/render-text.ts';
import { ACTIONS } from '../bot/ids.ts';
import { getPlan } from '../jobs/plans/plan-service.ts';
import type { JobContext } from '../jobs/job.ts';
import type { Sandbox } from '../sandbox/sandbox.ts';
import { startSandboxBot } from '../sandbox/sandbox-bot.ts';
import { postSigned } from '../sandbox/slack-signing.ts';
import type { SlackFakeMessage } from '../sandbox/servers/slack.ts';
import { FINISHED_PLAN_STATUSES, type StoredPlan } from '../services/plans/stored-plan.ts';

export interface PlanSceneInput {
  sandbox: Sandbox;
  ctx: JobContext;
  write: (text: string) => void;
  /** Who types /plan (a PM of the org, so the plan is theirs to approve). */
  requesterSlackId: string;
  /** Where /plan is typed: a project's channel, so that project is the plan's. */
  channelId: string;
}

/** How long the scene waits for each thing a person would wait for (planning, the executor) before giving up. */
const WAIT_MS = 30_000;

async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>): Promise<T | undefined> {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return undefined;
}

type Element = { type: string; action_id?: string; value?: string; text?: unknown };

function button(message: SlackFakeMessage, actionId: string): { element: Element; blockId: string } | undefined {
  for (const [i, block] of (message.blocks as { block_id?: string; elements?: Element[] }[]).entries()) {
    const element = block.elements?.find((e) => e.action_id === actionId);
    if (element) return { element, blockId: block.block_id ?? `b${i}` };
  }
  return undefined;
}

export async function runPlanScene(input: PlanSceneInput): Promise<{ ok: boolean; summary: string }> {
  const { sandbox, ctx, write, requesterSlackId, channelId } = input;
  const slack = sandbox.slack;
  const project = ctx.config.org.projects.find((p) => p.slack_channel === channelId) ?? ctx.config.org.projects[0];
  const request = `plan a project launch for ${project?.key ?? 'our next project'} on Dec 12`;
  const names: Record<string, string> = Object.fromEntries(ctx.config.org.people.filter((p) => p.slack_user_id).map((p) => [p.slack_user_id!, p.name]));
  const channelInfo = await ctx.clients.slack()?.conversations.info({ channel: channelId }).catch(() => undefined);
  const channelName = (channelInfo?.channel as { name?: string } | undefined)?.name ?? channelId;
  names[channelId] = channelName;
  const who = names[requesterSlackId] ?? requesterSlackId;
  const show = (message: { text?: string; blocks?: unknown[] }) => write(renderMessageText(message, { names }));

  const { bot, url, signingSecret } = await startSandboxBot(sandbox, ctx);
  const user = (id: string) => ({ id, username: (names[id] ?? id).toLowerCase().replace(/\s+/g, '.'), team_id: slack.teamId });
  const click = (message: SlackFakeMessage, actionId: string, clicker: string) => {
    const found = button(message, actionId);
    if (!found) return undefined;
    const payload = {
      type: 'block_actions',
      user: user(clicker),
      team: { id: slack.teamId, domain: 'agency-sandbox' },
      api_app_id: 'A0SANDBOX',
      trigger_id: slack.mintTriggerId(clicker),
      container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
      channel: { id: message.channel, name: names[message.channel] ?? message.channel },
      message: { type: 'message', ts: message.ts, text: message.text, blocks: message.blocks },
      state: { values: {} },
      response_url: slack.responseUrl(message.channel, clicker, { messageTs: message.ts }),
      actions: [{ type: 'button', action_id: actionId, block_id: found.blockId, value: found.element.value, text: found.element.text, action_ts: `${Math.floor(Date.now() / 1000)}.000100` }],
    };
    return postSigned(url, { payload: JSON.stringify(payload) }, { secret: signingSecret });
  };

  try {
    write(`\n${who} types in #${channelName}:  /plan ${request}`);
    const before = slack.messages.length;
    const ack = await postSigned(
      url,
      {
        token: 'legacy-verification-token',
        team_id: slack.teamId,
        team_domain: 'agency-sandbox',
        channel_id: channelId,
        channel_name: channelName,
        user_id: requesterSlackId,
        user_name: user(requesterSlackId).username,
        command: '/plan',
        text: request,
        api_app_id: 'A0SANDBOX',
        response_url: slack.responseUrl(channelId, requesterSlackId),
        trigger_id: slack.mintTriggerId(requesterSlackId),
      },
      { secret: signingSecret },
    );
    if (ack.status !== 200) return { ok: false, summary: `/plan was answered with HTTP ${ack.status}` };
    const acked = (await ack.json().catch(() => ({}))) as { text?: string };
    write(`\n── only ${who} sees (the ack) ──`);
    show({ text: acked.text ?? '' });

    const posted = await waitFor(() => slack.messages.slice(before).find((m) => m.channel === channelId && m.kind === 'message' && button(m, ACTIONS.planApprove)));
    if (!posted) {
      const said = slack.messages.slice(before).find((m) => m.user === requesterSlackId && m.kind === 'response_url');
      return { ok: false, summary: said ? `no plan: ${said.text}` : 'no plan was posted' };
    }
    const planId = await waitFor(async () => {
      const row = await ctx.db.selectFrom('plans').select('id').where('message_ts', '=', posted.ts).executeTakeFirst();
      return row ? String(row.id) : undefined;
    });
    if (!planId) return { ok: false, summary: 'the plan message was posted but not attached to its plan' };
    write(`\n── #${channelName}: the plan, for review ──`);
    show(posted);

    write(`\n${who} clicks [ Approve & run ].`);
    const created = sandbox.jira.createdIssues.length;
    await click(posted, ACTIONS.planApprove, requesterSlackId);

    // Until the plan finishes, press Done on each manual task as its owner would, from their DM.
    const pressed = new Set<string>();
    const plan = await waitFor(async (): Promise<StoredPlan | undefined> => {
      const current = await getPlan(ctx, planId);
      if (current && FINISHED_PLAN_STATUSES.includes(current.status)) return current;
      const dm = slack.messages.find((m) => !pressed.has(m.ts) && m.channel.startsWith('D') && button(m, ACTIONS.planStepDone)?.element.value?.includes(`"planId":"${planId}"`));
      if (dm) {
        pressed.add(dm.ts);
        const owner = slack.userOfDm(dm.channel) ?? requesterSlackId;
        write(`\n── DM to ${names[owner] ?? owner} ──`);
        show(dm);
        write(`\n${names[owner] ?? owner} does the task and clicks [ Done ].`);
        await click(dm, ACTIONS.planStepDone, owner);
      }
      return undefined;
    });
    // The executor's last refresh of the message may trail its last step by a moment.
    const final = await waitFor(() => {
      const m = slack.messages.find((x) => x.ts === posted.ts && x.channel === posted.channel);
      return m && plan && renderMessageText(m).match(/Done —|Failed —|Cancelled —/) ? m : undefined;
    });
    write(`\n── #${channelName}: the same message, updated in place as the plan ran (${(final ?? posted).updates} updates) ──`);
    show(final ?? slack.messages.find((x) => x.ts === posted.ts) ?? posted);
    const issues = sandbox.jira.createdIssues.slice(created).map((i) => i.key);
    if (!plan) return { ok: false, summary: `plan ${planId} did not finish within ${WAIT_MS / 1000} s` };
    const done = plan.steps.filter((s) => s.status === 'completed').length;
    const summary = `plan ${planId} ${plan.status === 'completed' ? 'done' : plan.status}: ${done} of ${plan.steps.length} steps; Jira issues ${issues.join(', ') || 'none'}`;
    return { ok: plan.status === 'completed', summary };
  } finally {
    await bot.stop();
  }
}
