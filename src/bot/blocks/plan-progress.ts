// The plan while it runs and after (the progress view the executor keeps up to date in place), and the DM a manual
// step's owner gets with its Done button. Pure builders: a StoredPlan in, Block Kit out, inside Slack's limits.
import type { types } from '@slack/bolt';
import { FINISHED_PLAN_STATUSES, type StoredPlan, type StoredStep } from '../../services/plans/stored-plan.ts';
import { ACTIONS, PLAN_BLOCKS } from '../ids.ts';
import {
  button,
  clip,
  confirmDialog,
  context,
  counts,
  header,
  MAX_OPTION_TEXT,
  MAX_SECTION_TEXT,
  numbered,
  ownerText,
  planButtonValue,
  plannerLine,
  section,
  shortPlanId,
} from './plan-parts.ts';
import { escapeMrkdwn, type SlackMessage } from './time-tracking.ts';

type KnownBlock = types.KnownBlock;

const STEP_MARK: Record<StoredStep['status'], string> = {
  pending: ':white_circle:',
  running: ':hourglass_flowing_sand:',
  completed: ':white_check_mark:',
  failed: ':x:',
  skipped: ':no_entry:',
};

/** What a finished step made, in a few words: the Jira key it created, for instance. */
function resultText(step: StoredStep): string {
  const key = step.result?.key;
  return typeof key === 'string' ? ` — ${escapeMrkdwn(key)}` : '';
}

function progressStepLine(step: StoredStep, number: number): string {
  const title = escapeMrkdwn(clip(step.title, 90));
  switch (step.status) {
    case 'completed':
      if (step.undone) return `:repeat: ~${number}. ${title}${resultText(step)}~ — undone`;
      return `${STEP_MARK.completed} ${number}. ${title}${resultText(step)}`;
    case 'running': {
      const waiting = step.action === 'manual' ? ` — waiting for ${ownerText(step.owner)} to press Done` : step.attempts > 1 ? ` — try ${step.attempts}` : ' — running';
      return `${STEP_MARK.running} *${number}. ${title}*${waiting}`;
    }
    case 'failed':
      return `${STEP_MARK.failed} ${number}. ${title} — failed: ${escapeMrkdwn(clip(step.error ?? 'no reason given', 160))}`;
    case 'skipped':
      return `${STEP_MARK.skipped} ~${number}. ${title}~ — skipped${step.error ? `: ${escapeMrkdwn(clip(step.error, 100))}` : ''}`;
    default:
      return `${STEP_MARK.pending} ${number}. ${title}`;
  }
}

/** Lines into as few sections as fit 3000 characters each. */
function lineSections(lines: string[]): types.SectionBlock[] {
  const sections: types.SectionBlock[] = [];
  let current = '';
  for (const line of lines) {
    if (current && current.length + 1 + line.length > MAX_SECTION_TEXT) {
      sections.push(section(current));
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) sections.push(section(current));
  return sections;
}

function statusLine(plan: StoredPlan): string {
  const c = counts(plan);
  const tally = `*${c.done} of ${c.total} done*${c.skipped > 0 ? ` · ${c.skipped} skipped` : ''}${c.failed > 0 ? ` · ${c.failed} failed` : ''}`;
  switch (plan.status) {
    case 'draft':
      return `:memo: Draft, not approved yet — ${tally}`;
    case 'approved':
      return `:arrow_forward: Approved, starting — ${tally}`;
    case 'executing':
      return `:arrow_forward: Running — ${tally}`;
    case 'paused':
      return `:pause_button: Paused: no new step starts until someone presses Resume — ${tally}`;
    case 'completed':
      return `:tada: Done — ${tally}`;
    case 'failed':
      return `:x: Failed — ${tally}`;
    case 'cancelled':
      return `:no_entry: Cancelled — ${tally}`;
  }
}

function progressButtons(plan: StoredPlan): types.ActionsBlock {
  const value = planButtonValue({ planId: plan.id, version: plan.version });
  const elements: (types.Button | types.StaticSelect)[] = [];
  if (plan.status === 'paused') elements.push(button('Resume', ACTIONS.planResume, value, 'primary'));
  else elements.push(button('Pause', ACTIONS.planPause, value));
  // A manual task waiting for its owner can be skipped too (nobody will press Done); other running steps cannot.
  const skippable = plan.steps.filter((s) => s.status === 'pending' || s.status === 'failed' || (s.status === 'running' && s.action === 'manual'));
  if (skippable.length > 0) {
    const order = numbered(plan);
    elements.push({
      type: 'static_select',
      action_id: ACTIONS.planSkipStep,
      placeholder: { type: 'plain_text', text: 'Skip a step…' },
      options: skippable.slice(0, 100).map((s) => ({
        text: { type: 'plain_text', text: clip(`${order.get(s.id)}. ${s.title}`, MAX_OPTION_TEXT) },
        value: planButtonValue({ planId: plan.id, version: plan.version, stepId: s.id }),
      })),
    });
  }
  elements.push(button('Cancel', ACTIONS.planCancel, value, 'danger', confirmDialog('Cancel this plan?', 'No further step will run. What is done stays done.', 'Cancel plan')));
  if (plan.steps.some((s) => s.status === 'completed')) {
    elements.push(
      button('Cancel & undo', ACTIONS.planCancelUndo, value, 'danger', confirmDialog('Cancel and undo?', 'No further step will run, and what the finished steps created (Jira issues, scheduled reminders) is deleted where it can be.', 'Cancel and undo')),
    );
  }
  return { type: 'actions', block_id: PLAN_BLOCKS.progressButtons, elements };
}

/**
 * The plan while it runs and after: "4 of 7 done", the running step, completed steps ticked, failed ones with their
 * error, skipped ones struck through; Pause/Resume, Skip a step (pending, failed, or a manual task still waiting) and Cancel while it is not finished.
 */
export function planProgressMessage(plan: StoredPlan, options: { interactive?: boolean } = {}): SlackMessage {
  const interactive = options.interactive ?? true;
  const c = counts(plan);
  const blocks: KnownBlock[] = [header(`:clipboard: ${plan.goal}`), section(statusLine(plan))];
  const running = plan.steps.filter((s) => s.status === 'running');
  if (running.length > 0 && plan.status !== 'cancelled') {
    const order = numbered(plan);
    blocks.push(section(`Now: ${running.map((s) => `*${order.get(s.id)}. ${escapeMrkdwn(clip(s.title, 90))}*`).join(', ')}`));
  }
  blocks.push({ type: 'divider' });
  blocks.push(...lineSections(plan.steps.map((s, i) => progressStepLine(s, i + 1))));
  blocks.push(context(`Asked by <@${plan.requester.slackUserId}> · plan ${shortPlanId(plan.id)} · ${plannerLine(plan)}`));
  const finished = FINISHED_PLAN_STATUSES.includes(plan.status);
  if (interactive && !finished && plan.status !== 'draft') blocks.push(progressButtons(plan));
  const state = plan.status === 'completed' ? 'done' : plan.status;
  return { text: clip(`Plan ${state}: ${plan.goal} — ${c.done} of ${c.total} done`, 3000), blocks };
}

// ---- the manual step's DM -------------------------------------------------------------------------------------

function manualTaskText(plan: StoredPlan, step: StoredStep): string {
  const instructions = typeof step.params.instructions === 'string' ? `\n${escapeMrkdwn(clip(step.params.instructions, 2000))}` : '';
  const due = typeof step.params.due === 'string' ? `\n:calendar: Due ${escapeMrkdwn(step.params.due)}` : '';
  return `*${escapeMrkdwn(clip(step.title, 200))}*${instructions}${due}`;
}

/** The DM to a manual step's owner: what to do, by when, and a Done button; the steps after it wait for it. */
export function manualStepDm(plan: StoredPlan, step: StoredStep): SlackMessage {
  const number = plan.steps.findIndex((s) => s.id === step.id) + 1;
  const blocks: KnownBlock[] = [
    section(`:pushpin: You have a task in the plan *${escapeMrkdwn(clip(plan.goal, 200))}* (step ${number} of ${plan.steps.length}):`),
    section(manualTaskText(plan, step)),
    context(`Asked by <@${plan.requester.slackUserId}>. ${plan.steps.some((s) => s.depends_on.includes(step.id)) ? 'The steps after this one wait until you press Done.' : 'The plan is done once you press Done.'}`),
    {
      type: 'actions',
      block_id: PLAN_BLOCKS.manualStepButtons,
      elements: [button('Done', ACTIONS.planStepDone, planButtonValue({ planId: plan.id, version: plan.version, stepId: step.id }), 'primary')],
    },
  ];
  return { text: clip(`Your task in the plan “${plan.goal}”: ${step.title}`, 3000), blocks };
}

/** The same DM once the task is marked done (the button goes, so it cannot be pressed twice). */
export function manualStepDoneDm(plan: StoredPlan, step: StoredStep, doneBy: string): SlackMessage {
  return {
    text: clip(`Done: ${step.title}`, 3000),
    blocks: [
      section(`:white_check_mark: Done, marked by <@${doneBy}>. Thanks!`),
      section(manualTaskText(plan, step)),
      context(`Part of the plan *${escapeMrkdwn(clip(plan.goal, 200))}*; the steps after it go on now.`),
    ],
  };
}
