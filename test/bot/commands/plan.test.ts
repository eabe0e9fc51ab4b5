import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMessageText } from '../../../src/bot/blocks/render-text.ts';
import { checkMessageBlocks } from '../../../src/sandbox/servers/block-kit-limits.ts';
import { postSigned, slashCommandForm } from '../../support/slack-signing.ts';
import { eventually, startPlanBot, type PlanBot } from '../plan-bot.ts';

describe('/plan in Slack', () => {
  let world: PlanBot;

  beforeAll(async () => {
    world = await startPlanBot();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('acks a request at once with "Planning …", then posts a valid Block Kit plan in the channel for review', async () => {
    const ack = await world.slash('plan a project launch for SUBS on Dec 12');
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ response_type: 'ephemeral' });
    expect(String(ack.body!.text)).toMatch(/^:hourglass_flowing_sand: Planning “plan a project launch for SUBS on Dec 12” …/);

    const posted = await eventually(() => world.planMessages().at(-1), 'the plan message');
    expect(posted.channel).toBe(world.channel);
    expect(checkMessageBlocks(posted.blocks)).toEqual({ ok: true });
    const text = renderMessageText(posted, { width: 200 });
    expect(text).toContain('📋 Launch Lumen Subscriptions Portal on Fri Dec 12');
    expect(text).toContain('1. Create the Lumen Subscriptions Portal launch epic');
    expect(text).toContain('Create Jira epic “Lumen Subscriptions Portal launch” in SUBS');
    expect(text).toContain('planned by local planner (no LLM)');
    expect(text).toContain('[ Approve & run ]  [ Edit ]  [ Add step ]  [ Cancel ]');

    // The plan knows its message, so clicks and the executor update it in place.
    const attached = await eventually(
      async () => (await world.ctx.db.selectFrom('plans').select(['message_channel', 'message_ts', 'status']).execute()).find((p) => p.message_ts !== null),
      'the plan to know its message',
    );
    expect(attached).toEqual({ message_channel: world.channel, message_ts: posted.ts, status: 'draft' });
  });

  it('answers /plan and /plan help with usage and examples, privately', async () => {
    for (const text of ['', 'help']) {
      const ack = await world.slash(text);
      expect(ack.body).toMatchObject({ response_type: 'ephemeral' });
      const shown = renderMessageText(ack.body as { blocks: unknown[] }, { width: 200 });
      expect(shown).toContain('/plan <what you want done>');
      expect(shown).toContain('`/plan follow up with Ada about the invoice next Friday` — a follow-up with a person');
    }
  });

  it('lists the caller’s plans with their status through response_url', async () => {
    const before = world.privateTo(world.pm).length;
    const ack = await world.slash('list');
    expect(ack.status).toBe(200);
    const answer = await eventually(() => world.privateTo(world.pm).slice(before).find((m) => m.kind === 'response_url'), 'the list');
    const text = renderMessageText(answer, { width: 200 });
    expect(text).toContain('Your plans (1)');
    expect(text).toMatch(/`\d+` Launch Lumen Subscriptions Portal on Fri Dec 12 — draft, 0 of 7 steps done/);
  });

  it('shows one plan, without buttons, saying where the live one is', async () => {
    const [plan] = await world.ctx.db.selectFrom('plans').select('id').execute();
    const before = world.privateTo(world.pm).length;
    await world.slash(`show ${plan!.id}`);
    const answer = await eventually(() => world.privateTo(world.pm).slice(before).find((m) => m.kind === 'response_url'), 'the plan');
    const text = renderMessageText(answer, { width: 200 });
    expect(text).toContain('📋 Launch Lumen Subscriptions Portal on Fri Dec 12');
    expect(text).toContain(`The live plan, with its buttons, is in #${world.channel}`);
    expect(text).not.toContain('[ Approve & run ]');
  });

  it('says so when the plan to show does not exist', async () => {
    const before = world.privateTo(world.pm).length;
    await world.slash('show 999999');
    const answer = await eventually(() => world.privateTo(world.pm).slice(before).find((m) => m.kind === 'response_url'), 'the answer');
    expect(answer.text).toBe('There is no plan 999999. `/plan list` shows the ids of your plans.');
  });

  it('tells the requester privately when the local planner cannot plan the request, and posts nothing', async () => {
    const posted = world.planMessages().length;
    const before = world.privateTo(world.member).length;
    await world.slash('write a sonnet about our sprint velocity graph', world.member);
    const answer = await eventually(() => world.privateTo(world.member).slice(before).find((m) => m.kind === 'response_url'), 'the refusal');
    expect(answer.text).toMatch(/LLM/);
    expect(answer.text).toMatch(/project launch/);
    expect(world.planMessages()).toHaveLength(posted);
  });

  it('refuses a forged signature with 401 and plans nothing', async () => {
    const count = await world.ctx.db.selectFrom('plans').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const res = await postSigned(world.url, slashCommandForm('/plan', 'plan a project launch for SUBS on Dec 12', world.pm.id, world.channel), {
      secret: 'sandbox-signing-secret',
      signature: `v0=${'ab'.repeat(32)}`,
    });
    expect(res.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const after = await world.ctx.db.selectFrom('plans').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(count.n));
  });
});
