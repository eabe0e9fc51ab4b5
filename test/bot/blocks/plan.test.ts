import { describe, expect, it } from 'vitest';
import {
  addStepModal,
  editStepModal,
  manualStepDm,
  manualStepDoneDm,
  planButtonValue,
  planHelpMessage,
  planListMessage,
  planMessage,
  planProgressMessage,
  planReviewMessage,
  readPlanButtonValue,
} from '../../../src/bot/blocks/plan.ts';
import { readPlanModalMetadata } from '../../../src/bot/blocks/plan-modals.ts';
import { renderMessageText } from '../../../src/bot/blocks/render-text.ts';
import { ACTIONS, PLAN_BLOCKS, VIEWS } from '../../../src/bot/ids.ts';
import { checkMessageBlocks, checkView } from '../../../src/sandbox/servers/block-kit-limits.ts';
import { planLocally } from '../../../src/services/plans/local-planner.ts';
import type { PlanStep } from '../../../src/services/plans/plan.ts';
import type { StoredPlan, StoredStep } from '../../../src/services/plans/stored-plan.ts';
import { org, planningContext } from '../../services/plans/sample-org.ts';

const PLAN_ID = '3f2a9c1e-1111-4222-8333-444455556666';
const names = { U01GRACE: 'Grace Hopper', U01ADA: 'Ada Lovelace' };

function stored(goal: string, steps: PlanStep[], over: Partial<StoredPlan> = {}): StoredPlan {
  return {
    id: PLAN_ID,
    request: 'plan a project launch for ACME on Dec 12',
    goal,
    status: 'draft',
    version: 3,
    requester: { slackUserId: 'U01GRACE', accountId: 'acc-grace' },
    channelId: 'C0ACME',
    message: { channel: 'C0ACME', ts: '1764000000.000100' },
    planner: 'local planner (no LLM)',
    notes: [],
    createdAt: new Date('2025-11-24T15:00:00Z'),
    steps: steps.map((s, i): StoredStep => ({ ...s, position: i, status: 'pending', attempts: 0, result: null, error: null })),
    ...over,
  };
}

function launchPlan(over: Partial<StoredPlan> = {}): StoredPlan {
  const outcome = planLocally('plan a project launch for ACME on Dec 12', planningContext({ channelId: 'C0ACME' }));
  if (!outcome.ok) throw new Error(outcome.message);
  return stored(outcome.plan.goal, outcome.plan.steps, { notes: outcome.notes, planner: outcome.planner, ...over });
}

/** 25 steps with long titles and long Slack messages: the biggest plan there can be. */
function biggestPlan(over: Partial<StoredPlan> = {}): StoredPlan {
  const steps: PlanStep[] = Array.from({ length: 25 }, (_, i) => ({
    id: `step_${String(i + 1).padStart(2, '0')}_with_a_rather_long_identifier`.slice(0, 40),
    title: `Step ${i + 1}: ${'a long and careful title that says a great deal about the work '.repeat(3)}`.slice(0, 200),
    action: 'slack.post_message',
    params: { channel: 'C0ACME', text: 'A long announcement '.repeat(80) },
    depends_on: i === 0 ? [] : [`step_${String(i).padStart(2, '0')}_with_a_rather_long_identifier`.slice(0, 40)],
    on_failure: 'continue',
    estimate_minutes: 90,
    owner: 'Grace Hopper',
    needs: i % 5 === 0 ? ['channel'] : undefined,
  }));
  return stored('Launch '.repeat(40).trim(), steps, { notes: ['A note the planner wants read. '.repeat(20)], ...over });
}

function allBlocksText(message: { blocks: unknown[] }): string {
  return JSON.stringify(message.blocks);
}

function elements(message: { blocks: unknown[] }): Record<string, unknown>[] {
  return (message.blocks as { type: string; elements?: Record<string, unknown>[]; accessory?: Record<string, unknown> }[]).flatMap((b) => [
    ...(b.elements ?? []),
    ...(b.accessory ? [b.accessory] : []),
  ]);
}

describe('the plan review message', () => {
  it('shows the goal, numbered steps with what they do, owner, estimate and order, the critical path and the planner', () => {
    const text = renderMessageText(planMessage(launchPlan(), { org }), { names, width: 200 });
    expect(text).toContain('📋 Launch Acme Storefront on Fri Dec 12');
    expect(text).toContain('1. Create the Acme Storefront launch epic');
    expect(text).toContain('Create Jira epic “Acme Storefront launch” in ACME');
    expect(text).toMatch(/2\. Jira issue: QA sign-off\nCreate Jira issue “QA sign-off” in ACME under the key of step “epic”\nowner Grace Hopper · 1m · after 1/);
    expect(text).toContain('7 steps · at least 1h 02m from start to finish (the longest chain: steps 1 → 2 → 7)');
    expect(text).toContain('planned by local planner (no LLM)');
    expect(text).toContain('Asked by @Grace Hopper');
    expect(text).toContain('[ Approve & run ]  [ Edit ]  [ Add step ]  [ Cancel ]');
  });

  it('is a message the Slack fake accepts, with an Edit/Remove menu per step carrying the plan, version and step', () => {
    const message = planReviewMessage(launchPlan());
    expect(checkMessageBlocks(message.blocks)).toEqual({ ok: true });
    const menus = elements(message).filter((e) => e.type === 'overflow');
    expect(menus).toHaveLength(7);
    const options = (menus[1]!.options as { text: { text: string }; value: string }[]).map((o) => [o.text.text, readPlanButtonValue(o.value)]);
    expect(options).toEqual([
      ['Edit step', { planId: PLAN_ID, version: 3, stepId: 'qa', op: 'edit' }],
      ['Remove step', { planId: PLAN_ID, version: 3, stepId: 'qa', op: 'remove' }],
    ]);
    const approve = elements(message).find((e) => e.action_id === ACTIONS.planApprove)!;
    expect(readPlanButtonValue(approve.value)).toEqual({ planId: PLAN_ID, version: 3 });
  });

  it('says which steps still need something from the person, and which steps nobody owns', () => {
    const plan = launchPlan();
    plan.steps[1] = { ...plan.steps[1]!, needs: ['project'], owner: null };
    const text = renderMessageText(planMessage(plan, { org }), { width: 200 });
    expect(text).toContain('⚠️ One step needs something from you before the plan can run: step 2 (project). Use Edit to fill it in.');
    expect(text).toContain('owner nobody yet · 1m · after 1 · ⚠️ needs project');
    expect(text).toContain('Nobody owns step 2 yet: name an owner with Edit.');
  });

  it('fits a 25-step plan with long titles into Slack’s limits (blocks, section text, aggregate text)', () => {
    const message = planMessage(biggestPlan(), { org });
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(checkMessageBlocks(message.blocks)).toEqual({ ok: true });
    const text = renderMessageText(message, { width: 200 });
    expect(text).toContain('25. Step 25');
    // No Add step button at the 25-step maximum.
    expect(text).not.toContain('[ Add step ]');
  });

  it('can be shown without buttons (the copy /plan show gives)', () => {
    const message = planMessage(launchPlan(), { interactive: false });
    expect(elements(message).filter((e) => e.type === 'button' || e.type === 'overflow')).toEqual([]);
  });

  it('escapes what people typed, so a title cannot ping the channel', () => {
    const plan = launchPlan();
    plan.steps[0] = { ...plan.steps[0]!, title: 'Tell <!channel> & everyone' };
    expect(allBlocksText(planReviewMessage(plan))).toContain('Tell &lt;!channel&gt; &amp; everyone');
  });
});

describe('the plan progress view', () => {
  function running(): StoredPlan {
    const plan = launchPlan({ status: 'executing', version: 9 });
    const set = (i: number, over: Partial<StoredStep>) => (plan.steps[i] = { ...plan.steps[i]!, ...over });
    set(0, { status: 'completed', result: { key: 'ACME-1', id: '1', project: 'ACME' } });
    set(1, { status: 'completed', result: { key: 'ACME-2' } });
    set(2, { status: 'completed', result: { key: 'ACME-3' } });
    set(3, { status: 'running', attempts: 2 });
    set(4, { status: 'failed', error: 'Slack said channel_not_found' });
    set(5, { status: 'skipped', error: 'skipped by Grace Hopper' });
    set(6, { status: 'completed' });
    return plan;
  }

  it('shows "4 of 7 done", the running step, completed ones ticked, failed ones with their error, skipped ones', () => {
    const text = renderMessageText(planProgressMessage(running()), { width: 200 });
    expect(text).toContain('▶️ Running — 4 of 7 done · 1 skipped · 1 failed');
    expect(text).toContain('Now: 4. Jira issue: Go-live checklist');
    expect(text).toContain('✅ 1. Create the Acme Storefront launch epic — ACME-1');
    expect(text).toContain('⏳ 4. Jira issue: Go-live checklist — try 2');
    expect(text).toContain('❌ 5. Announce the launch plan — failed: Slack said channel_not_found');
    expect(text).toContain('⛔ ~6. Remind the team of the go/no-go review~ — skipped: skipped by Grace Hopper');
    expect(text).toContain('[ Pause ]  [ Skip a step… ▾ ]  [ Cancel ]  [ Cancel & undo ]');
  });

  it('offers the pending and failed steps to skip, and Resume while paused', () => {
    const plan = running();
    plan.steps[6] = { ...plan.steps[6]!, status: 'pending' };
    const select = elements(planProgressMessage(plan)).find((e) => e.action_id === ACTIONS.planSkipStep)!;
    const options = (select.options as { text: { text: string }; value: string }[]).map((o) => [o.text.text, readPlanButtonValue(o.value)?.stepId]);
    expect(options).toEqual([
      ['5. Announce the launch plan', 'announce'],
      ['7. Go/no-go review', 'review'],
    ]);
    const paused = renderMessageText(planProgressMessage({ ...plan, status: 'paused' }), { width: 200 });
    expect(paused).toContain('⏸️ Paused');
    expect(paused).toContain('[ Resume ]');
  });

  it('says a manual step waits for its owner', () => {
    const plan = launchPlan({ status: 'executing' });
    plan.steps[6] = { ...plan.steps[6]!, status: 'running' };
    expect(renderMessageText(planProgressMessage(plan), { width: 200 })).toContain('⏳ 7. Go/no-go review — waiting for Grace Hopper to press Done');
  });

  it.each([
    ['completed', '🎉 Done — 7 of 7 done'],
    ['failed', '❌ Failed'],
    ['cancelled', '⛔ Cancelled'],
  ] as const)('shows a %s plan without buttons', (status, line) => {
    const plan = launchPlan({ status });
    if (status === 'completed') plan.steps = plan.steps.map((s) => ({ ...s, status: 'completed' }));
    const message = planProgressMessage(plan);
    expect(renderMessageText(message)).toContain(line);
    expect(elements(message).filter((e) => e.type === 'button' || e.type === 'static_select')).toEqual([]);
    expect(checkMessageBlocks(message.blocks)).toEqual({ ok: true });
  });

  it('fits a 25-step plan into Slack’s limits, every step listed', () => {
    const plan = biggestPlan({ status: 'executing' });
    plan.steps = plan.steps.map((s, i) => ({ ...s, status: i % 2 ? 'failed' : 'pending', error: i % 2 ? 'x'.repeat(2000) : null }));
    const message = planProgressMessage(plan);
    expect(checkMessageBlocks(message.blocks)).toEqual({ ok: true });
    expect(renderMessageText(message, { width: 400 })).toContain('25. Step 25');
  });
});

describe('the manual step DM', () => {
  it('says what to do and by when, with a Done button for that step', () => {
    const plan = launchPlan({ status: 'executing' });
    const message = manualStepDm(plan, plan.steps[6]!);
    const text = renderMessageText(message, { names, width: 200 });
    expect(text).toContain('📌 You have a task in the plan Launch Acme Storefront on Fri Dec 12 (step 7 of 7):');
    expect(text).toContain('Go/no-go review');
    expect(text).toContain('📅 Due 2025-12-12');
    expect(text).toContain('[ Done ]');
    const done = elements(message).find((e) => e.action_id === ACTIONS.planStepDone)!;
    expect(readPlanButtonValue(done.value)).toMatchObject({ planId: PLAN_ID, stepId: 'review' });
    expect(checkMessageBlocks(message.blocks)).toEqual({ ok: true });
    const after = manualStepDoneDm(plan, plan.steps[6]!, 'U01GRACE');
    expect(renderMessageText(after, { names })).toContain('✅ Done, marked by @Grace Hopper');
    expect(elements(after).filter((e) => e.type === 'button')).toEqual([]);
  });
});

describe('the plan modals', () => {
  it('edit: a valid modal holding the step’s current values and which plan, version and step it edits', () => {
    const plan = launchPlan();
    const view = editStepModal(plan, plan.steps[6]!);
    expect(checkView(view)).toEqual({ ok: true });
    expect(view.callback_id).toBe(VIEWS.planEditStep);
    expect(readPlanModalMetadata(view.private_metadata)).toEqual({ planId: PLAN_ID, version: 3, stepId: 'review' });
    const text = renderMessageText({ blocks: view.blocks });
    expect(text).toContain('Title: [ Go/no-go review ]');
    expect(text).toContain('Estimate: [ 1h ]');
    const dependsOn = view.blocks.find((b) => b.block_id === PLAN_BLOCKS.dependsOn) as { element: { initial_options: { value: string }[] } };
    expect(dependsOn.element.initial_options.map((o) => o.value)).toEqual(['qa', 'notes', 'golive']);
  });

  it('add: a valid modal offering every action', () => {
    const view = addStepModal(launchPlan());
    expect(checkView(view)).toEqual({ ok: true });
    const action = view.blocks.find((b) => b.block_id === PLAN_BLOCKS.action) as { element: { options: { value: string }[] } };
    expect(action.element.options.map((o) => o.value)).toContain('jira.create_issue');
  });

  it('stay valid for a 25-step plan', () => {
    const plan = biggestPlan();
    expect(checkView(editStepModal(plan, plan.steps[24]!))).toEqual({ ok: true });
    expect(checkView(addStepModal(plan))).toEqual({ ok: true });
  });
});

describe('help and list', () => {
  it('explains /plan with examples', () => {
    const text = renderMessageText(planHelpMessage(), { width: 200 });
    expect(text).toContain('`/plan plan the SUBS launch on Dec 12` — a project launch');
    expect(text).toContain('`/plan list`');
    expect(checkMessageBlocks(planHelpMessage().blocks)).toEqual({ ok: true });
  });

  it('lists plans with their status and progress', () => {
    const done = launchPlan({ status: 'completed' });
    done.steps = done.steps.map((s) => ({ ...s, status: 'completed' }));
    const text = renderMessageText(planListMessage([done, launchPlan({ id: '42' })]), { width: 200 });
    expect(text).toContain('`3f2a9c1e` Launch Acme Storefront on Fri Dec 12 — done, 7 of 7 steps done · 2025-11-24');
    expect(text).toContain('`42` Launch Acme Storefront on Fri Dec 12 — draft, 0 of 7 steps done');
    expect(renderMessageText(planListMessage([]))).toContain('You have no plans yet.');
  });
});

describe('plan button values', () => {
  it('round-trip, stay short, and refuse what is not one', () => {
    const value = planButtonValue({ planId: PLAN_ID, version: 12, stepId: 'a'.repeat(40), op: 'remove' });
    expect(value.length).toBeLessThanOrEqual(150);
    expect(readPlanButtonValue(value)).toEqual({ planId: PLAN_ID, version: 12, stepId: 'a'.repeat(40), op: 'remove' });
    expect(readPlanButtonValue('not json')).toBeUndefined();
    expect(readPlanButtonValue('{"planId":1}')).toBeUndefined();
  });
});
