import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPlanButtonValue } from '../../../src/bot/blocks/plan.ts';
import { renderMessageText } from '../../../src/bot/blocks/render-text.ts';
import { ACTIONS, planStepMenuActionId } from '../../../src/bot/ids.ts';
import { checkMessageBlocks } from '../../../src/sandbox/servers/block-kit-limits.ts';
import type { SlackFakeMessage } from '../../../src/sandbox/servers/slack.ts';
import { postSigned } from '../../support/slack-signing.ts';
import { eventually, startPlanBot, type Person, type PlanBot } from '../plan-bot.ts';

describe('the /plan buttons', () => {
  let world: PlanBot;

  beforeAll(async () => {
    world = await startPlanBot();
  });
  afterAll(async () => {
    await world?.close();
  });

  /** Types /plan as the PM and waits for the new plan's message (attached to its plan). */
  async function newPlan(request = 'plan a project launch for SUBS on Dec 12'): Promise<{ id: string; message: () => SlackFakeMessage }> {
    const before = world.planMessages().length;
    await world.slash(request);
    const posted = await eventually(() => world.planMessages()[before], 'the plan message');
    const row = await eventually(
      async () => world.ctx.db.selectFrom('plans').select('id').where('message_ts', '=', posted.ts).executeTakeFirst(),
      'the plan to know its message',
    );
    const message = () => world.sandbox.slack.messages.find((m) => m.ts === posted.ts && m.channel === posted.channel)!;
    return { id: String(row.id), message };
  }

  const shown = (m: SlackFakeMessage) => renderMessageText(m, { width: 200 });
  const planRow = (id: string) => world.ctx.db.selectFrom('plans').select(['status', 'version']).where('id', '=', id).executeTakeFirstOrThrow();
  const lastPrivate = (who: Person, before: number) => eventually(() => world.privateTo(who).slice(before).at(-1), `a private answer to ${who.name}`);

  it('approve & run: the executor creates the epic first, then the issues under it, and the progress view reaches "Done"', async () => {
    const plan = await newPlan();
    const created = world.sandbox.jira.createdIssues.length;
    expect(await world.click(plan.message(), ACTIONS.planApprove, world.pm)).toBe(200);

    // The manual go/no-go review waits for its owner: a DM with a Done button.
    const dm = await eventually(() => world.sandbox.slack.dmsTo(world.pm.id).find((m) => m.text.includes('Go/no-go review')), 'the manual step DM');
    expect(shown(dm)).toContain('[ Done ]');
    const issues = world.sandbox.jira.createdIssues.slice(created);
    expect(issues.map((i) => i.issueType)).toEqual(['Epic', 'Task', 'Task', 'Task']);
    const epic = issues[0]!;
    expect(epic.summary).toBe('Lumen Subscriptions Portal launch');
    for (const issue of issues.slice(1)) expect(issue.parentKey).toBe(epic.key);
    await eventually(() => shown(plan.message()).includes('waiting for Maya Patel to press Done'), 'the progress view to show the waiting step');
    expect(shown(plan.message())).toContain(`✅ 1. Create the Lumen Subscriptions Portal launch epic — ${epic.key}`);

    expect(await world.click(dm, ACTIONS.planStepDone, world.pm)).toBe(200);
    await eventually(() => shown(plan.message()).includes('🎉 Done — 7 of 7 done'), 'the plan to be done');
    const final = plan.message();
    expect(checkMessageBlocks(final.blocks)).toEqual({ ok: true });
    expect(shown(final)).not.toContain('[ Pause ]');
    expect((await planRow(plan.id)).status).toBe('completed');
    // The DM lost its button once the task was done.
    await eventually(() => shown(world.sandbox.slack.messages.find((m) => m.ts === dm.ts)!).includes('✅ Done, marked by'), 'the DM to say done');
  });

  it('refuses a click by someone who is neither the requester nor a PM, privately, and changes nothing', async () => {
    const plan = await newPlan();
    const before = { row: await planRow(plan.id), updates: plan.message().updates, notes: world.privateTo(world.member).length };
    expect(await world.click(plan.message(), ACTIONS.planApprove, world.member)).toBe(200);
    const refusal = await lastPrivate(world.member, before.notes);
    expect(refusal.kind).toBe('ephemeral');
    expect(refusal.text).toBe('Only the person who asked for this plan or a PM can approve it.');
    expect(await planRow(plan.id)).toEqual(before.row);
    expect(plan.message().updates).toBe(before.updates);

    // Nor may they open the edit modal or remove a step.
    const views = world.sandbox.slack.views.length;
    await world.click(plan.message(), ACTIONS.planEdit, world.member);
    await world.click(plan.message(), planStepMenuActionId('notes'), world.member, (o) => o.text.text === 'Remove step');
    await eventually(() => world.privateTo(world.member).length >= before.notes + 3, 'two more refusals');
    expect(world.sandbox.slack.views.length).toBe(views);
    expect(await planRow(plan.id)).toEqual(before.row);
  });

  it('removes a step from the per-step menu: the message shows the plan without it, at the next version', async () => {
    const plan = await newPlan();
    const { version } = await planRow(plan.id);
    await world.click(plan.message(), planStepMenuActionId('announce'), world.pm, (o) => o.text.text === 'Remove step');
    await eventually(() => !shown(plan.message()).includes('Announce the launch plan'), 'the step to go');
    expect(shown(plan.message())).toContain('6 steps');
    expect((await planRow(plan.id)).version).toBeGreaterThan(version);
    const approve = (plan.message().blocks as { elements?: { action_id?: string; value?: string }[] }[]).flatMap((b) => b.elements ?? []).find((e) => e.action_id === ACTIONS.planApprove);
    expect(readPlanButtonValue(approve?.value)?.version).toBe((await planRow(plan.id)).version);
  });

  it('refuses to remove a step others depend on, saying why', async () => {
    const plan = await newPlan();
    const before = world.privateTo(world.pm).length;
    await world.click(plan.message(), planStepMenuActionId('epic'), world.pm, (o) => o.text.text === 'Remove step');
    const refusal = await lastPrivate(world.pm, before);
    expect(refusal.kind).toBe('ephemeral');
    expect(refusal.text).toMatch(/epic/);
    expect(shown(plan.message())).toContain('Create the Lumen Subscriptions Portal launch epic');
  });

  it('refuses a click on a plan that changed since the clicker saw it', async () => {
    const plan = await newPlan();
    const stale = structuredClone(plan.message());
    await world.click(plan.message(), planStepMenuActionId('announce'), world.pm, (o) => o.text.text === 'Remove step');
    await eventually(() => plan.message().updates > 0, 'the edit');
    const before = world.privateTo(world.pm).length;
    await world.click(stale, ACTIONS.planApprove, world.pm);
    const refusal = await lastPrivate(world.pm, before);
    expect(refusal.text).toMatch(/changed since you looked at it/);
    expect((await planRow(plan.id)).status).toBe('draft');
  });

  it('cancels a draft: the message says cancelled and has no buttons', async () => {
    const plan = await newPlan();
    await world.click(plan.message(), ACTIONS.planCancel, world.pm);
    await eventually(() => shown(plan.message()).includes('⛔ Cancelled'), 'the cancelled plan');
    expect(shown(plan.message())).not.toMatch(/\[ (Approve|Pause|Cancel)/);
    expect((await planRow(plan.id)).status).toBe('cancelled');
  });

  it('pauses, resumes and skips: skipping the waiting manual step lets the plan finish', async () => {
    const plan = await newPlan();
    await world.click(plan.message(), ACTIONS.planApprove, world.pm);
    await eventually(() => shown(plan.message()).includes('waiting for Maya Patel to press Done'), 'the waiting step');

    await world.click(plan.message(), ACTIONS.planPause, world.pm);
    await eventually(() => shown(plan.message()).includes('⏸️ Paused'), 'the paused plan');
    expect(shown(plan.message())).toContain('[ Resume ]');
    await world.click(plan.message(), ACTIONS.planResume, world.pm);
    await eventually(() => shown(plan.message()).includes('▶️ Running'), 'the resumed plan');

    // Someone else may not mark the owner's task done.
    const before = world.privateTo(world.member).length;
    const dm = world.sandbox.slack.dmsTo(world.pm.id).filter((m) => m.text.includes('Go/no-go review')).at(-1)!;
    await world.click(dm, ACTIONS.planStepDone, world.member);
    expect((await lastPrivate(world.member, before)).text).toMatch(/^Only/);

    await world.click(plan.message(), ACTIONS.planSkipStep, world.pm, (o) => o.text.text === '7. Go/no-go review');
    await eventually(() => shown(plan.message()).includes('🎉 Done'), 'the plan to finish');
    expect(shown(plan.message())).toContain('~7. Go/no-go review~ — skipped');
  });

  it('cancel & undo while the plan waits on a person: nothing more runs and the Jira issues it made are deleted', async () => {
    const plan = await newPlan();
    const created = world.sandbox.jira.createdIssues.length;
    await world.click(plan.message(), ACTIONS.planApprove, world.pm);
    await eventually(() => shown(plan.message()).includes('waiting for Maya Patel to press Done'), 'the waiting step');
    const keys = world.sandbox.jira.createdIssues.slice(created).map((i) => i.key);
    expect(keys).toHaveLength(4);

    await world.click(plan.message(), ACTIONS.planCancelUndo, world.pm);
    await eventually(() => shown(plan.message()).includes('⛔ Cancelled'), 'the cancelled plan');
    for (const key of keys) expect(world.sandbox.jira.issue(key)).toBeUndefined();
    expect(shown(plan.message())).toMatch(/~1\. Create the Lumen Subscriptions Portal launch epic — SUBS-\d+~ — undone/);
    expect(shown(plan.message())).not.toContain('[ Pause ]');
    expect((await planRow(plan.id)).status).toBe('cancelled');
  });

  it('refuses a click whose signature is forged with 401, and changes nothing', async () => {
    const plan = await newPlan();
    const before = await planRow(plan.id);
    const found = (plan.message().blocks as { block_id?: string; elements?: { action_id?: string; value?: string }[] }[]).find((b) =>
      b.elements?.some((e) => e.action_id === ACTIONS.planApprove),
    )!;
    const approve = found.elements!.find((e) => e.action_id === ACTIONS.planApprove)!;
    const payload = {
      type: 'block_actions',
      user: { id: world.pm.id, username: 'maya.patel', team_id: world.sandbox.slack.teamId },
      team: { id: world.sandbox.slack.teamId, domain: 'agency-sandbox' },
      api_app_id: 'A0SANDBOX',
      trigger_id: world.sandbox.slack.mintTriggerId(world.pm.id),
      container: { type: 'message', message_ts: plan.message().ts, channel_id: world.channel, is_ephemeral: false },
      channel: { id: world.channel, name: 'client-subs' },
      response_url: world.sandbox.slack.responseUrl(world.channel, world.pm.id),
      actions: [{ type: 'button', action_id: ACTIONS.planApprove, block_id: found.block_id, value: approve.value, action_ts: '1764000000.000100' }],
    };
    const res = await postSigned(world.url, { payload: JSON.stringify(payload) }, { secret: 'not-the-signing-secret' });
    expect(res.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await planRow(plan.id)).toEqual(before);
    expect(plan.message().updates).toBe(0);
  });
});
