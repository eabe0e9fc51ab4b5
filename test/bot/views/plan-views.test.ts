import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMessageText } from '../../../src/bot/blocks/render-text.ts';
import { ACTIONS, PLAN_BLOCKS, planStepMenuActionId, VIEWS } from '../../../src/bot/ids.ts';
import { checkView } from '../../../src/sandbox/servers/block-kit-limits.ts';
import type { SlackFakeMessage, SlackFakeView } from '../../../src/sandbox/servers/slack.ts';
import { eventually, startPlanBot, type PlanBot } from '../plan-bot.ts';

describe('the /plan modals', () => {
  let world: PlanBot;

  beforeAll(async () => {
    world = await startPlanBot();
  });
  afterAll(async () => {
    await world?.close();
  });

  async function newPlan(): Promise<{ id: string; message: () => SlackFakeMessage }> {
    const before = world.planMessages().length;
    await world.slash('plan a project launch for SUBS on Dec 12');
    const posted = await eventually(() => world.planMessages()[before], 'the plan message');
    const row = await eventually(async () => world.ctx.db.selectFrom('plans').select('id').where('message_ts', '=', posted.ts).executeTakeFirst(), 'the attached plan');
    return { id: String(row.id), message: () => world.sandbox.slack.messages.find((m) => m.ts === posted.ts)! };
  }

  /** Clicks and returns the modal it opened. */
  async function open(message: SlackFakeMessage, actionId: string, choose?: (o: { text: { text: string } }) => boolean): Promise<SlackFakeView> {
    const before = world.sandbox.slack.views.length;
    await world.click(message, actionId, world.pm, choose);
    return eventually(() => world.sandbox.slack.views[before], 'the modal');
  }

  const shown = (m: SlackFakeMessage) => renderMessageText(m, { width: 200 });
  const planRow = (id: string) => world.ctx.db.selectFrom('plans').select(['status', 'version']).where('id', '=', id).executeTakeFirstOrThrow();
  const stepRow = (id: string, stepId: string) =>
    world.ctx.db.selectFrom('plan_steps').select(['title', 'estimate_minutes', 'depends_on', 'owner']).where('plan_id', '=', id).where('step_id', '=', stepId).executeTakeFirst();

  it('Edit opens a valid modal on step 1; a submission making a cycle is answered with the error on "Runs after"', async () => {
    const plan = await newPlan();
    const view = await open(plan.message(), ACTIONS.planEdit);
    expect(view.view.callback_id).toBe(VIEWS.planEditStep);
    expect(checkView(view.view)).toEqual({ ok: true });
    expect(renderMessageText({ blocks: view.view.blocks as unknown[] })).toContain('Title: [ Create the Lumen Subscriptions Portal launch epic ]');
    const before = await planRow(plan.id);

    const answer = await world.submit(view, world.pm, { [PLAN_BLOCKS.dependsOn]: ['qa'] });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ response_action: 'errors' });
    const errors = answer.body!.errors as Record<string, string>;
    expect(Object.keys(errors)).toEqual([PLAN_BLOCKS.dependsOn]);
    expect(errors[PLAN_BLOCKS.dependsOn]).toMatch(/cycle: (epic → qa → epic|qa → epic → qa)/);
    expect(await planRow(plan.id)).toEqual(before);
    expect(plan.message().updates).toBe(0);
  });

  it('saves a valid edit: the modal closes, the step changes, the message is updated in place at the next version', async () => {
    const plan = await newPlan();
    const view = await open(plan.message(), planStepMenuActionId('qa'), (o) => o.text.text === 'Edit step');
    const answer = await world.submit(view, world.pm, { [PLAN_BLOCKS.title]: 'QA sign-off by the client', [PLAN_BLOCKS.estimate]: '2h 30m', [PLAN_BLOCKS.owner]: 'Daniel Okafor' });
    expect(answer).toEqual({ status: 200, body: null });
    expect(await stepRow(plan.id, 'qa')).toMatchObject({ title: 'QA sign-off by the client', estimate_minutes: 150, owner: 'Daniel Okafor' });
    expect((await planRow(plan.id)).version).toBeGreaterThan(1);
    await eventually(() => shown(plan.message()).includes('2. QA sign-off by the client'), 'the updated message');
    expect(shown(plan.message())).toContain('owner Daniel Okafor · 2h 30m · after 1');
  });

  it('answers values it cannot read on their own fields, without asking the service', async () => {
    const plan = await newPlan();
    const view = await open(plan.message(), ACTIONS.planEdit);
    const answer = await world.submit(view, world.pm, { [PLAN_BLOCKS.estimate]: 'soon', [PLAN_BLOCKS.params]: '{ project: SUBS' });
    expect(answer.body).toMatchObject({ response_action: 'errors' });
    const errors = answer.body!.errors as Record<string, string>;
    expect(errors[PLAN_BLOCKS.estimate]).toBe('“soon” is not an estimate: write minutes (90) or hours and minutes (1h 30m).');
    expect(errors[PLAN_BLOCKS.params]).toMatch(/^This is not valid JSON/);
  });

  it('puts a validation problem on the field that fixes it: an owner who is not in the config', async () => {
    const plan = await newPlan();
    const view = await open(plan.message(), ACTIONS.planEdit);
    const answer = await world.submit(view, world.pm, { [PLAN_BLOCKS.owner]: 'Nobody Known' });
    expect(answer.body).toEqual({
      response_action: 'errors',
      errors: { [PLAN_BLOCKS.owner]: 'owner "Nobody Known" is not a person in the org config (use a name from the people list)' },
    });
  });

  it('refuses a submission on a plan changed since the modal opened', async () => {
    const plan = await newPlan();
    const view = await open(plan.message(), ACTIONS.planEdit);
    await world.click(plan.message(), planStepMenuActionId('announce'), world.pm, (o) => o.text.text === 'Remove step');
    await eventually(() => plan.message().updates > 0, 'the removal');
    const answer = await world.submit(view, world.pm, { [PLAN_BLOCKS.title]: 'Epic' });
    expect(answer.body).toMatchObject({ response_action: 'errors', errors: { [PLAN_BLOCKS.title]: expect.stringMatching(/changed since you looked at it/) } });
  });

  it('the step picker switches the open modal to another step', async () => {
    const plan = await newPlan();
    const view = await open(plan.message(), ACTIONS.planEdit);
    expect(await world.clickInView(view, ACTIONS.planEditPickStep, world.pm, 'review')).toBe(200);
    await eventually(() => view.updates > 0, 'the modal to change');
    expect(renderMessageText({ blocks: view.view.blocks as unknown[] })).toContain('Title: [ Go/no-go review ]');
    expect(checkView(view.view)).toEqual({ ok: true });
  });

  it('adds a step: a manual kickoff call after the epic', async () => {
    const plan = await newPlan();
    const view = await open(plan.message(), ACTIONS.planAddStep);
    expect(view.view.callback_id).toBe(VIEWS.planAddStep);
    expect(checkView(view.view)).toEqual({ ok: true });

    const missing = await world.submit(view, world.pm, { [PLAN_BLOCKS.title]: 'Kickoff call' });
    expect(missing.body).toMatchObject({ response_action: 'errors', errors: { [PLAN_BLOCKS.action]: 'Choose what the step does.' } });

    const answer = await world.submit(view, world.pm, {
      [PLAN_BLOCKS.title]: 'Kickoff call with the client',
      [PLAN_BLOCKS.action]: 'manual',
      [PLAN_BLOCKS.params]: '{ "instructions": "Walk the client through the launch plan" }',
      [PLAN_BLOCKS.dependsOn]: ['epic'],
      [PLAN_BLOCKS.estimate]: '45',
    });
    expect(answer).toEqual({ status: 200, body: null });
    expect(await stepRow(plan.id, 'kickoff_call_with_the_client')).toMatchObject({ estimate_minutes: 45, depends_on: ['epic'] });
    await eventually(() => shown(plan.message()).includes('8. Kickoff call with the client'), 'the new step in the message');
    expect(shown(plan.message())).toContain('Task for a person: “Walk the client through the launch plan”');
  });

  it('refuses a new step whose details its action does not take, on the details field', async () => {
    const plan = await newPlan();
    const view = await open(plan.message(), ACTIONS.planAddStep);
    const answer = await world.submit(view, world.pm, { [PLAN_BLOCKS.title]: 'Create a ticket', [PLAN_BLOCKS.action]: 'jira.create_issue', [PLAN_BLOCKS.params]: '{ "project": "SUBS" }' });
    expect(answer.body).toMatchObject({ response_action: 'errors', errors: { [PLAN_BLOCKS.params]: expect.stringMatching(/params\.summary/) } });
  });
});
