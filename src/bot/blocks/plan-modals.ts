// The modals that change a draft plan: edit one step (with a picker to switch to another step) and add a step. Pure
// builders; the submissions are read back by src/bot/views/step-form.ts with the same block ids (ids.ts).
import type { types } from '@slack/bolt';
import { planActions, summariseStep, type PeopleDirectory, type PlanAction } from '../../services/plans/actions/index.ts';
import type { StoredPlan, StoredStep } from '../../services/plans/stored-plan.ts';
import { ACTIONS, PLAN_BLOCKS, VIEWS } from '../ids.ts';
import { clip, minutesText, readPlanButtonValue } from './plan-parts.ts';

type ModalView = types.ModalView;
type KnownBlock = types.KnownBlock;

/** What a plan modal remembers in private_metadata: which plan, the version it was opened on, and which step. */
export interface PlanModalMetadata {
  planId: string;
  version: number;
  stepId?: string;
}

/** The modal's private_metadata, read with the same checks as a plan button's value (it is the same shape, less `op`). */
export function readPlanModalMetadata(raw: unknown): PlanModalMetadata | undefined {
  const value = readPlanButtonValue(raw);
  if (!value) return undefined;
  return { planId: value.planId, version: value.version, ...(value.stepId !== undefined ? { stepId: value.stepId } : {}) };
}

function plain(text: string): types.PlainTextElement {
  return { type: 'plain_text', text };
}

function option(text: string, value: string, description?: string): types.PlainTextOption {
  return { text: plain(clip(text, 75)), value, ...(description ? { description: plain(clip(description, 75)) } : {}) };
}

/** Names of an action's params, for the params hint. */
function paramNames(action: PlanAction | undefined): string[] {
  const schema = action?.params as { shape?: Record<string, unknown> } | undefined;
  return schema?.shape ? Object.keys(schema.shape) : [];
}

function stepOption(plan: StoredPlan, step: StoredStep): types.PlainTextOption {
  return option(`${plan.steps.indexOf(step) + 1}. ${step.title}`, step.id);
}

function input(blockId: string, label: string, element: types.InputBlockElement, optional = false, hint?: string): types.InputBlock {
  return { type: 'input', block_id: blockId, label: plain(label), element, optional, ...(hint ? { hint: plain(clip(hint, 2000)) } : {}) };
}

function textInput(blockId: string, initial: string | undefined, options: { multiline?: boolean; placeholder?: string; maxLength?: number } = {}): types.PlainTextInput {
  return {
    type: 'plain_text_input',
    action_id: blockId,
    ...(initial !== undefined && initial !== '' ? { initial_value: initial } : {}),
    ...(options.multiline ? { multiline: true } : {}),
    ...(options.placeholder ? { placeholder: plain(clip(options.placeholder, 150)) } : {}),
    ...(options.maxLength ? { max_length: options.maxLength } : {}),
  };
}

function dependsOnInput(plan: StoredPlan, others: StoredStep[], current: readonly string[]): types.InputBlock | undefined {
  if (others.length === 0) return undefined;
  const options = others.slice(0, 100).map((s) => stepOption(plan, s));
  const initial = options.filter((o) => current.includes(o.value!));
  return input(
    PLAN_BLOCKS.dependsOn,
    'Runs after',
    { type: 'multi_static_select', action_id: PLAN_BLOCKS.dependsOn, placeholder: plain('Steps that must be done first'), options, ...(initial.length > 0 ? { initial_options: initial } : {}) },
    true,
  );
}

function onFailureInput(current: 'stop' | 'continue'): types.InputBlock {
  const options = [option('Stop the plan', 'stop'), option('Skip the steps after it, go on with the rest', 'continue')];
  return input(PLAN_BLOCKS.onFailure, 'If it fails', { type: 'radio_buttons', action_id: PLAN_BLOCKS.onFailure, options, initial_option: current === 'stop' ? options[0] : options[1] });
}

function commonInputs(plan: StoredPlan, step: Partial<StoredStep> & { id?: string }, paramsHint: string): KnownBlock[] {
  const others = plan.steps.filter((s) => s.id !== step.id);
  const params = step.params && Object.keys(step.params).length > 0 ? JSON.stringify(step.params, null, 2) : '';
  return [
    input(PLAN_BLOCKS.title, 'Title', textInput(PLAN_BLOCKS.title, step.title, { maxLength: 200 })),
    input(PLAN_BLOCKS.owner, 'Owner', textInput(PLAN_BLOCKS.owner, step.owner ?? undefined, { placeholder: 'e.g. Grace Hopper' }), true, 'A name from the org config, or a Slack user id. Empty: nobody yet.'),
    input(PLAN_BLOCKS.estimate, 'Estimate', textInput(PLAN_BLOCKS.estimate, step.estimate_minutes === undefined ? undefined : minutesText(step.estimate_minutes), { placeholder: 'e.g. 30m, 2h, 1h 30m' }), false, 'Minutes (90) or hours and minutes (1h 30m).'),
    ...[dependsOnInput(plan, others, step.depends_on ?? [])].filter((b): b is types.InputBlock => b !== undefined),
    onFailureInput(step.on_failure ?? 'stop'),
    input(PLAN_BLOCKS.params, 'Details (JSON)', textInput(PLAN_BLOCKS.params, params, { multiline: true, placeholder: '{ "project": "SUBS" }' }), true, paramsHint),
  ];
}

/**
 * The modal that edits one step of a draft: a picker to switch step, then title, owner, estimate, "runs after", what
 * happens if it fails, and its details (the action's params as JSON). The action itself stays (remove and add a step to
 * change it).
 */
export function editStepModal(plan: StoredPlan, step: StoredStep, options: { people?: PeopleDirectory } = {}): ModalView {
  const number = plan.steps.indexOf(step) + 1;
  const action = planActions.get(step.action);
  const blocks: KnownBlock[] = [];
  if (plan.steps.length > 1) {
    blocks.push({
      type: 'actions',
      block_id: PLAN_BLOCKS.pickStep,
      elements: [{ type: 'static_select', action_id: ACTIONS.planEditPickStep, options: plan.steps.slice(0, 100).map((s) => stepOption(plan, s)), initial_option: stepOption(plan, step) }],
    });
  }
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: clip(`Step ${number} (${step.id}) · ${step.action}: ${summariseStep(step, options.people)}`, 3000) }],
  });
  const needs = step.needs?.length ? ` Still needed: ${step.needs.join(', ')}.` : '';
  const names = paramNames(action);
  const hint = `${names.length > 0 ? `Fields of ${step.action}: ${names.join(', ')}.` : 'This action takes no fields.'}${needs}`;
  blocks.push(...commonInputs(plan, step, hint));
  const metadata: PlanModalMetadata = { planId: plan.id, version: plan.version, stepId: step.id };
  return {
    type: 'modal',
    callback_id: VIEWS.planEditStep,
    private_metadata: JSON.stringify(metadata),
    title: plain(clip(`Edit step ${number}`, 24)),
    submit: plain('Save'),
    close: plain('Cancel'),
    blocks,
  };
}

/** The modal that adds a step to a draft: what it does (an action), its details, owner, estimate, order, id. */
export function addStepModal(plan: StoredPlan): ModalView {
  const actionOptions = [...planActions.values()].map((a) => option(a.name, a.name, a.description));
  const hint = [...planActions.values()].map((a) => `${a.name}: ${paramNames(a).join(', ') || 'no fields'}`).join(' · ');
  const blocks: KnownBlock[] = [
    input(PLAN_BLOCKS.action, 'What it does', { type: 'static_select', action_id: PLAN_BLOCKS.action, placeholder: plain('Choose an action'), options: actionOptions }),
    ...commonInputs(plan, { estimate_minutes: 30, on_failure: 'stop' }, `The fields of the action as JSON. ${hint}`),
    input(PLAN_BLOCKS.stepId, 'Step id', textInput(PLAN_BLOCKS.stepId, undefined, { placeholder: 'e.g. kickoff_call', maxLength: 40 }), true, 'A short name later steps can refer to. Empty: made from the title.'),
  ];
  const metadata: PlanModalMetadata = { planId: plan.id, version: plan.version };
  return {
    type: 'modal',
    callback_id: VIEWS.planAddStep,
    private_metadata: JSON.stringify(metadata),
    title: plain('Add a step'),
    submit: plain('Add'),
    close: plain('Cancel'),
    blocks,
  };
}
