// The /plan messages: the review message a PM edits and approves (it becomes the progress view, plan-progress.ts, once
// approved), and the help and list answers. Pure builders: a StoredPlan in, Block Kit out, inside Slack's limits for a
// 25-step plan (≤ 50 blocks, ≤ 3000 per section, ~13k characters in all). The modals are in plan-modals.ts.
import type { types } from '@slack/bolt';
import type { OrgConfig } from '../../config.ts';
import { peopleDirectory, summariseStep, type PeopleDirectory } from '../../services/plans/actions/index.ts';
import { LOCAL_PLANNER_CAN } from '../../services/plans/local-planner.ts';
import { optimizePlan } from '../../services/plans/optimizer.ts';
import type { StoredPlan, StoredStep } from '../../services/plans/stored-plan.ts';
import { ACTIONS, PLAN_BLOCKS, planStepMenuActionId } from '../ids.ts';
import {
  button,
  clip,
  confirmDialog,
  context,
  counts,
  criticalChain,
  escapeKeepingMentions,
  header,
  minutesText,
  numbered,
  ownerText,
  planButtonValue,
  plannerLine,
  section,
  shortPlanId,
} from './plan-parts.ts';
import { planProgressMessage } from './plan-progress.ts';
import { boundedList, escapeMrkdwn, type SlackMessage } from './time-tracking.ts';

export { addStepModal, editStepModal } from './plan-modals.ts';
export { minutesText, ownerText, planButtonValue, readPlanButtonValue, shortPlanId, type PlanButtonValue } from './plan-parts.ts';
export { manualStepDm, manualStepDoneDm, planProgressMessage } from './plan-progress.ts';
export type { SlackMessage };

type KnownBlock = types.KnownBlock;

/** What all steps of a review message may use together, leaving room for the rest under Slack's ~13k aggregate. */
const STEP_TEXT_BUDGET = 8000;

export interface PlanMessageOptions {
  /** The optimizer's suggestions, one line each. */
  optimizerNotes?: string[];
  /** Names for the ids in step params (summaries read "assigned to Ada Lovelace"). */
  people?: PeopleDirectory;
  /** false: no buttons (a copy shown with /plan show; the live one is the channel message). Default true. */
  interactive?: boolean;
}

// ---- the review message ---------------------------------------------------------------------------------------

/** One step as the reviewer reads it: number and title, what it does, owner, estimate, "after 1, 2", what it needs. */
function reviewStepText(step: StoredStep, number: number, order: Map<string, number>, budget: number, people?: PeopleDirectory): string {
  const facts = [`owner ${ownerText(step.owner)}`, minutesText(step.estimate_minutes)];
  if (step.depends_on.length > 0) facts.push(`after ${step.depends_on.map((d) => order.get(d) ?? d).join(', ')}`);
  if (step.on_failure === 'continue') facts.push('the plan goes on if it fails');
  if ((step.needs?.length ?? 0) > 0) facts.push(`:warning: needs ${step.needs!.map(escapeMrkdwn).join(', ')}`);
  const factLine = facts.join(' · ');
  const title = `*${number}. ${escapeMrkdwn(clip(step.title, 120))}*`;
  const room = Math.max(40, budget - title.length - factLine.length - 2);
  return `${title}\n${escapeKeepingMentions(clip(summariseStep(step, people), room))}\n${factLine}`;
}

function stepMenu(plan: StoredPlan, step: StoredStep): types.Overflow {
  const option = (text: string, op: 'edit' | 'remove'): types.PlainTextOption => ({
    text: { type: 'plain_text', text },
    value: planButtonValue({ planId: plan.id, version: plan.version, stepId: step.id, op }),
  });
  return { type: 'overflow', action_id: planStepMenuActionId(step.id), options: [option('Edit step', 'edit'), option('Remove step', 'remove')] };
}

/**
 * The plan as a PM reviews it before it runs: goal, numbered steps, the critical path, the planner, and the buttons
 * Approve & run, Edit, Add step, Cancel, plus an Edit/Remove menu per step.
 */
export function planReviewMessage(plan: StoredPlan, options: PlanMessageOptions = {}): SlackMessage {
  const interactive = options.interactive ?? true;
  const order = numbered(plan);
  const chain = criticalChain(plan);
  const minutes = chain?.minutes ?? null;
  const blocks: KnownBlock[] = [header(`:clipboard: ${plan.goal}`)];
  blocks.push(context(`Asked by <@${plan.requester.slackUserId}>: “${escapeMrkdwn(clip(plan.request, 300))}” · plan ${shortPlanId(plan.id)} · ${plannerLine(plan)}`));
  const size = `*${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'}*`;
  const path = chain && chain.stepIds.length > 1 ? `: steps ${chain.stepIds.map((id) => order.get(id)).join(' → ')}` : '';
  const duration = chain === null ? '' : ` · at least *${minutesText(chain.minutes)}* from start to finish (the longest chain${path})`;
  blocks.push(section(`${size}${duration}. Review them, edit what is wrong, then approve to run it.`));

  const notes = [...plan.notes, ...(options.optimizerNotes ?? [])].map((n) => `• ${escapeMrkdwn(n)}`);
  if (notes.length > 0) blocks.push(context(boundedList(notes, 8, 1500)));
  const needing = plan.steps.filter((s) => (s.needs?.length ?? 0) > 0);
  if (needing.length > 0) {
    const which = needing.map((s) => `${order.get(s.id)} (${s.needs!.map(escapeMrkdwn).join(', ')})`).join(', ');
    blocks.push(section(`:warning: ${needing.length === 1 ? 'One step needs' : `${needing.length} steps need`} something from you before the plan can run: step ${which}. Use *Edit* to fill it in.`));
  }
  blocks.push({ type: 'divider' });

  const budget = Math.min(600, Math.floor(STEP_TEXT_BUDGET / Math.max(1, plan.steps.length)));
  plan.steps.forEach((step, i) => {
    blocks.push(section(reviewStepText(step, i + 1, order, budget, options.people), interactive ? stepMenu(plan, step) : undefined));
  });
  blocks.push({ type: 'divider' });

  if (interactive) {
    const value = planButtonValue({ planId: plan.id, version: plan.version });
    const elements: types.Button[] = [button('Approve & run', ACTIONS.planApprove, value, 'primary'), button('Edit', ACTIONS.planEdit, value)];
    if (plan.steps.length < 25) elements.push(button('Add step', ACTIONS.planAddStep, value));
    elements.push(button('Cancel', ACTIONS.planCancel, value, 'danger', confirmDialog('Cancel this plan?', 'Nothing has run yet; the plan is kept, cancelled.', 'Cancel plan')));
    blocks.push({ type: 'actions', block_id: PLAN_BLOCKS.reviewButtons, elements });
  }
  const text = `Plan for review: ${plan.goal} (${plan.steps.length} steps${minutes === null ? '' : `, at least ${minutesText(minutes)}`})`;
  return { text: clip(text, 3000), blocks };
}

/**
 * What the optimizer would point out, by step number: steps nobody owns, one person holding two tasks at once, and
 * dependencies already implied by others. (The critical path is in the review message itself.)
 */
export function reviewNotes(plan: StoredPlan): string[] {
  let review: ReturnType<typeof optimizePlan>;
  try {
    review = optimizePlan({ goal: plan.goal, steps: plan.steps });
  } catch {
    return []; // steps that cannot be ordered: validation refuses such a plan before it is stored
  }
  const order = numbered(plan);
  const n = (id: string) => String(order.get(id) ?? id);
  const notes: string[] = [];
  if (review.unowned.length > 0) notes.push(`Nobody owns step ${review.unowned.map(n).join(', ')} yet: name an owner with Edit.`);
  for (const { owner, stepIds } of review.sameOwnerAtOnce) {
    notes.push(`${owner} has steps ${stepIds.map(n).join(' and ')} at the same time: one waits for the other unless someone else takes one.`);
  }
  for (const r of review.removedDependencies) {
    notes.push(`Step ${n(r.stepId)} need not list step ${n(r.dependsOn)}: it already waits for it through step ${n(r.through)}.`);
  }
  return notes;
}

/** The review message while the plan is a draft, the progress view from approval on; optimizer notes computed here. */
export function planMessage(plan: StoredPlan, options: { org?: Pick<OrgConfig, 'people'>; interactive?: boolean } = {}): SlackMessage {
  if (plan.status !== 'draft') return planProgressMessage(plan, { interactive: options.interactive });
  const optimizerNotes = reviewNotes(plan);
  return planReviewMessage(plan, {
    optimizerNotes,
    interactive: options.interactive,
    ...(options.org ? { people: peopleDirectory(options.org.people) } : {}),
  });
}

// ---- help and lists -------------------------------------------------------------------------------------------

/** `/plan` and `/plan help`: what the command does, with examples. */
export function planHelpMessage(): SlackMessage {
  const examples = LOCAL_PLANNER_CAN.map((c) => `• \`/plan ${c.example}\` — ${c.what}`).join('\n');
  return {
    text: 'How to use /plan',
    blocks: [
      section(
        '*`/plan <what you want done>`* turns a request into a plan of concrete steps (Jira epics and issues, Slack ' +
          'messages and reminders, tasks for people) with their order. You review and edit it here, approve it, and ' +
          'watch it run.',
      ),
      section(`*Examples*\n${examples}`),
      section('*Also*\n• `/plan list` — your plans and where they stand\n• `/plan show <id>` — one plan\n• `/plan help` — this message'),
      context('Only the person who asked and the PMs can approve, edit, pause, skip or cancel a plan.'),
    ],
  };
}

/** `/plan list`: the caller's plans, newest first, with their status. */
export function planListMessage(plans: readonly StoredPlan[]): SlackMessage {
  if (plans.length === 0) {
    return { text: 'You have no plans yet.', blocks: [section('You have no plans yet. Try `/plan help` for examples.')] };
  }
  const lines = plans.map((p) => {
    const c = counts(p);
    const when = p.createdAt.toISOString().slice(0, 10);
    return `\`${shortPlanId(p.id)}\` *${escapeMrkdwn(clip(p.goal, 100))}* — ${p.status === 'completed' ? 'done' : p.status}, ${c.done} of ${c.total} steps done · ${when}`;
  });
  return {
    text: `Your plans (${plans.length})`,
    blocks: [section(`*Your plans* (${plans.length})`), section(boundedList(lines, 40, 2900)), context('`/plan show <id>` shows one of them.')],
  };
}
