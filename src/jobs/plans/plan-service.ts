// What the /plan listeners call: turn a request into a stored draft, edit it, approve it, attach its Slack message,
// read plans — and, from plan-controls.ts, pause, resume, skip, cancel and mark manual steps done. Every change
// re-checks who asks, re-validates, bumps the version, records an event, and refuses a stale click with a sentence.
import { appendPlanEvent, getPlan as readPlan, insertPlan, plansOf, setPlanMessage, setPlanStatus, updatePlanSteps } from '../../db/plans.ts';
import { planRequest } from '../../services/plans/llm-planner.ts';
import { formatProblem, type PlanningContext } from '../../services/plans/plan.ts';
import { canControlPlan } from '../../services/plans/permissions.ts';
import type { PlanEdit, StoredPlan } from '../../services/plans/stored-plan.ts';
import { stepsNeedingInput, validatePlan } from '../../services/plans/validate.ts';
import type { JobContext } from '../job.ts';
import { errorText } from './action-context.ts';
import { changePlan, noSuchPlan, notAllowed, permissionOptions, refuse, STALE_VERSION, statusWords, stepName, type EditAnswer, type PlanAnswer } from './plan-changes.ts';
import { applyEdit } from './plan-edits.ts';

export { cancelPlan, completeManualStep, pausePlan, resumePlan, skipStep } from './plan-controls.ts';
export type { EditAnswer, PlanAnswer } from './plan-changes.ts';

export interface PlanRequest {
  /** What was typed after /plan. */
  request: string;
  requesterSlackId: string;
  /** Where /plan was typed: its project is the default project. */
  channelId: string;
}

/**
 * Plans the request (the LLM when one is configured, else the local planner) and stores the plan as a draft. A
 * request the planner cannot plan is answered with its message, the problems listed under it.
 */
export async function createPlanFromRequest(ctx: JobContext, input: PlanRequest): Promise<PlanAnswer> {
  const request = input.request.trim();
  if (request === '') return refuse('Tell me what to plan, e.g. `/plan plan the SUBS launch on Dec 12`. `/plan help` shows more.');
  const context: PlanningContext = {
    org: ctx.config.org,
    zone: ctx.config.timezone,
    now: ctx.clock.now(),
    channelId: input.channelId,
    requester: { slackUserId: input.requesterSlackId },
  };
  let outcome;
  try {
    outcome = await planRequest(ctx.clients.llm(), request, context);
  } catch (err) {
    ctx.logger.error({ err: errorText(err) }, 'the planner failed');
    return refuse('The planner failed unexpectedly and no plan was made. Please try again in a moment.');
  }
  if (!outcome.ok) {
    const problems = outcome.problems.map((p) => `• ${p}`).join('\n');
    return refuse(problems ? `${outcome.message}\n${problems}` : outcome.message);
  }

  const permissions = await permissionOptions(ctx);
  const requester = ctx.config.org.people.find((p) => (p.slack_user_id ?? permissions.slackIdsByName?.get(p.name)) === input.requesterSlackId);
  const { plan, planner, notes } = outcome;
  const id = await ctx.db.transaction().execute(async (trx) => {
    const planId = await insertPlan(trx, {
      request,
      goal: plan.goal,
      requesterSlackId: input.requesterSlackId,
      requesterAccountId: requester?.jira_account_id ?? null,
      channelId: input.channelId,
      planner,
      notes,
      steps: plan.steps,
    });
    await appendPlanEvent(trx, { planId, actor: input.requesterSlackId, kind: 'plan_created', detail: { planner, steps: plan.steps.length } });
    return planId;
  });
  const stored = await readPlan(ctx.db, id);
  return stored ? { ok: true, plan: stored } : refuse(noSuchPlan(id));
}

/**
 * Changes one step of a draft, adds or removes one. The whole plan is validated again: when it would be invalid
 * (a cycle, an unknown action, a step others depend on removed …) nothing changes and the problems are returned.
 */
export async function editPlan(ctx: JobContext, planId: string, actorSlackId: string, edit: PlanEdit, expectedVersion: number): Promise<EditAnswer> {
  const permissions = await permissionOptions(ctx);
  return changePlan(ctx.db, planId, async (trx, plan) => {
    if (!canControlPlan(plan, actorSlackId, ctx.config.org, permissions)) return refuse(notAllowed('change it'));
    if (plan.status !== 'draft') return refuse(`This plan is ${statusWords(plan.status)}: only a draft can be changed.`);
    if (plan.version !== expectedVersion) return refuse(STALE_VERSION);
    const applied = applyEdit(plan.steps.map(toPlanStep), edit);
    if (!applied.ok) return refuse(applied.message);
    const checked = validatePlan({ goal: plan.goal, steps: applied.steps }, { people: ctx.config.org.people });
    if (!checked.ok) return refuse('That change was not made: the plan would not be valid.', checked.problems.map(formatProblem));
    await updatePlanSteps(trx, plan.id, { steps: checked.plan.steps });
    await appendPlanEvent(trx, { planId: plan.id, stepId: editedStepId(edit), actor: actorSlackId, kind: 'plan_edited', detail: { edit } });
  });
}

/** Approves a draft: it must still be valid and need nothing more from a person. The executor then runs it. */
export async function approvePlan(ctx: JobContext, planId: string, actorSlackId: string, expectedVersion: number): Promise<PlanAnswer> {
  const permissions = await permissionOptions(ctx);
  return changePlan(ctx.db, planId, async (trx, plan) => {
    if (!canControlPlan(plan, actorSlackId, ctx.config.org, permissions)) return refuse(notAllowed('approve it'));
    if (plan.status !== 'draft') return refuse(`This plan is already ${statusWords(plan.status)}.`);
    if (plan.version !== expectedVersion) return refuse(STALE_VERSION);
    const checked = validatePlan({ goal: plan.goal, steps: plan.steps.map(toPlanStep) }, { people: ctx.config.org.people });
    if (!checked.ok) return refuse('This plan cannot run as it is; edit it first. What is wrong:', checked.problems.map(formatProblem));
    const open = stepsNeedingInput(checked.plan);
    if (open.length > 0) {
      const lines = open.map((o) => `${stepName(plan, o.stepId)} needs ${o.needs.join(', ')}`);
      return refuse(`Fill in what the plan still needs before approving it: ${lines.join('; ')}.`);
    }
    await setPlanStatus(trx, plan.id, 'approved', { bumpVersion: true });
    await appendPlanEvent(trx, { planId: plan.id, actor: actorSlackId, kind: 'plan_approved', detail: { version: plan.version } });
  });
}

/** Records the message that shows the plan, so the executor can update it in place. */
export async function attachPlanMessage(ctx: JobContext, planId: string, message: { channel: string; ts: string }): Promise<PlanAnswer> {
  const plan = await readPlan(ctx.db, planId);
  if (!plan) return refuse(noSuchPlan(planId));
  await setPlanMessage(ctx.db, planId, message);
  return { ok: true, plan: { ...plan, message } };
}

export async function getPlan(ctx: JobContext, planId: string): Promise<StoredPlan | undefined> {
  return readPlan(ctx.db, planId);
}

/** The plans someone asked for, newest first. */
export async function listPlans(ctx: JobContext, requesterSlackId: string, limit = 20): Promise<StoredPlan[]> {
  return plansOf(ctx.db, requesterSlackId, limit);
}

/** A stored step as the planner's step (what validation and edits work on). */
function toPlanStep(step: StoredPlan['steps'][number]) {
  const { position: _p, status: _s, attempts: _a, result: _r, error: _e, undone: _u, ...planStep } = step;
  return planStep;
}

function editedStepId(edit: PlanEdit): string {
  return edit.kind === 'add_step' ? edit.step.id : edit.stepId;
}
