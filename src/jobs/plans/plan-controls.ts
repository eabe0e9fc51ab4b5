// What a person does to a plan once it is approved: pause and resume it, skip a step, cancel it (and undo what its
// steps did), and mark a manual step done. Each re-checks who asks, records an event, and bumps the version; the
// executor picks up the new state at its next claim.
import { appendPlanEvent, bumpPlanVersion, completeWaitingStep, getPlan, setPlanStatus, skipSteps } from '../../db/plans.ts';
import { canCompleteManualStep, canControlPlan } from '../../services/plans/permissions.ts';
import type { StoredPlan } from '../../services/plans/stored-plan.ts';
import type { JobContext } from '../job.ts';
import { undoSteps } from './action-context.ts';
import { changePlan, notAllowed, permissionOptions, refuse, STALE_VERSION, statusWords, stepName, type PlanAnswer } from './plan-changes.ts';
import { settlePlan } from './plan-settlement.ts';

const RUNNING: readonly string[] = ['approved', 'executing'];

function staleClick(plan: StoredPlan, expectedVersion: number | undefined): boolean {
  return expectedVersion !== undefined && plan.version !== expectedVersion;
}

/** No new step starts until the plan is resumed; steps running now finish. */
export async function pausePlan(ctx: JobContext, planId: string, actorSlackId: string, expectedVersion?: number): Promise<PlanAnswer> {
  const permissions = await permissionOptions(ctx);
  return changePlan(ctx.db, planId, async (trx, plan) => {
    if (!canControlPlan(plan, actorSlackId, ctx.config.org, permissions)) return refuse(notAllowed('pause it'));
    if (plan.status === 'paused') return refuse('This plan is already paused.');
    if (!RUNNING.includes(plan.status)) return refuse(`This plan is ${statusWords(plan.status)}: there is nothing to pause.`);
    if (staleClick(plan, expectedVersion)) return refuse(STALE_VERSION);
    await setPlanStatus(trx, plan.id, 'paused', { bumpVersion: true });
    await appendPlanEvent(trx, { planId: plan.id, actor: actorSlackId, kind: 'plan_paused' });
  });
}

export async function resumePlan(ctx: JobContext, planId: string, actorSlackId: string, expectedVersion?: number): Promise<PlanAnswer> {
  const permissions = await permissionOptions(ctx);
  return changePlan(ctx.db, planId, async (trx, plan) => {
    if (!canControlPlan(plan, actorSlackId, ctx.config.org, permissions)) return refuse(notAllowed('resume it'));
    if (plan.status !== 'paused') return refuse(`This plan is ${statusWords(plan.status)}, not paused: there is nothing to resume.`);
    if (staleClick(plan, expectedVersion)) return refuse(STALE_VERSION);
    const started = plan.steps.some((s) => s.status !== 'pending');
    await setPlanStatus(trx, plan.id, started ? 'executing' : 'approved', { bumpVersion: true });
    await appendPlanEvent(trx, { planId: plan.id, actor: actorSlackId, kind: 'plan_resumed' });
  });
}

/**
 * Skips a pending step, a failed one, or a manual task still waiting for Done: the steps after it go on as if it were
 * done. Skipping the failed step that stopped a plan lets the plan run on.
 */
export async function skipStep(ctx: JobContext, planId: string, stepId: string, actorSlackId: string, expectedVersion?: number): Promise<PlanAnswer> {
  const permissions = await permissionOptions(ctx);
  const answer = await changePlan(ctx.db, planId, async (trx, plan) => {
    if (!canControlPlan(plan, actorSlackId, ctx.config.org, permissions)) return refuse(notAllowed('skip its steps'));
    if (plan.status === 'draft') return refuse('This plan is still a draft: remove the step instead of skipping it.');
    if (plan.status === 'completed' || plan.status === 'cancelled') return refuse(`This plan is ${statusWords(plan.status)}: there is nothing left to skip.`);
    if (staleClick(plan, expectedVersion)) return refuse(STALE_VERSION);
    const step = plan.steps.find((s) => s.id === stepId);
    if (!step) return refuse(`There is no step “${stepId}” in this plan.`);
    const name = stepName(plan, stepId);
    if (step.status === 'completed') return refuse(`${capitalise(name)} is already done.`);
    if (step.status === 'skipped') return refuse(`${capitalise(name)} is already skipped.`);
    if (step.status === 'running' && step.action !== 'manual') return refuse(`${capitalise(name)} is running right now; it cannot be skipped.`);
    if (plan.status === 'failed' && step.status !== 'failed') return refuse(`This plan has stopped. Skip the step that failed to let it go on.`);

    await skipSteps(trx, plan.id, [stepId], `skipped by <@${actorSlackId}>`);
    await appendPlanEvent(trx, { planId: plan.id, stepId, actor: actorSlackId, kind: 'step_skipped', detail: { was: step.status } });
    const stillFailed = plan.steps.some((s) => s.status === 'failed' && s.id !== stepId);
    if (plan.status === 'failed' && !stillFailed) {
      await setPlanStatus(trx, plan.id, 'executing', { bumpVersion: true });
      await appendPlanEvent(trx, { planId: plan.id, actor: actorSlackId, kind: 'plan_resumed', detail: { after_skipping: stepId } });
    } else {
      await bumpPlanVersion(trx, plan.id);
    }
  });
  return settled(ctx, answer, actorSlackId);
}

/**
 * Stops the plan for good: no step starts any more (running ones finish). With rollback, what the finished steps did
 * is undone, last first, where their action can undo it; a step still running is undone when it finishes.
 */
export async function cancelPlan(ctx: JobContext, planId: string, actorSlackId: string, options: { rollback: boolean }): Promise<PlanAnswer> {
  const permissions = await permissionOptions(ctx);
  const answer = await changePlan(ctx.db, planId, async (trx, plan) => {
    if (!canControlPlan(plan, actorSlackId, ctx.config.org, permissions)) return refuse(notAllowed('cancel it'));
    if (plan.status === 'completed' || plan.status === 'cancelled') return refuse(`This plan is already ${statusWords(plan.status)}.`);
    await setPlanStatus(trx, plan.id, 'cancelled', { bumpVersion: true, rollbackRequested: options.rollback });
    // Tasks waiting for a person no longer wait: nobody needs to press Done.
    const waiting = plan.steps.filter((s) => s.status === 'running' && s.action === 'manual').map((s) => s.id);
    await skipSteps(trx, plan.id, waiting, 'not needed: the plan was cancelled');
    await appendPlanEvent(trx, { planId: plan.id, actor: actorSlackId, kind: 'plan_cancelled', detail: { rollback: options.rollback } });
  });
  if (!answer.ok || !options.rollback) return answer;
  const outcome = await undoSteps(ctx, ctx.db, answer.plan, answer.plan.steps, actorSlackId);
  ctx.logger.info({ plan: planId, ...outcome }, 'plan cancelled with rollback');
  const plan = await getPlan(ctx.db, planId);
  return plan ? { ok: true, plan } : answer;
}

/** The owner (or the requester) says the manual task is done: the steps after it can run. */
export async function completeManualStep(ctx: JobContext, planId: string, stepId: string, actorSlackId: string): Promise<PlanAnswer> {
  const owner = (await getPlan(ctx.db, planId))?.steps.find((s) => s.id === stepId)?.owner ?? null;
  const permissions = await permissionOptions(ctx, [owner]);
  const answer = await changePlan(ctx.db, planId, async (trx, plan) => {
    const step = plan.steps.find((s) => s.id === stepId);
    if (!step) return refuse(`There is no step “${stepId}” in this plan any more.`);
    const name = stepName(plan, stepId);
    if (step.action !== 'manual') return refuse(`${capitalise(name)} is not a task for a person: pm-agents does it.`);
    if (!canCompleteManualStep(plan, step, actorSlackId, ctx.config.org, permissions)) {
      const owner = step.owner === null ? 'the person who asked for the plan' : /^[UW][A-Z0-9]{2,}$/.test(step.owner) ? `<@${step.owner}>` : step.owner;
      return refuse(`Only ${owner} or the person who asked for the plan can mark this task done.`);
    }
    if (step.status === 'completed') return refuse('This task is already marked done.');
    if (step.status === 'skipped') return refuse('This task was skipped: it no longer needs marking done.');
    if (plan.status === 'cancelled') return refuse('This plan was cancelled: the task no longer needs marking done.');
    if (step.status === 'pending') return refuse('This task has not started yet: the steps before it are not done.');
    if (step.status === 'failed') return refuse('This task failed to start; ask the person who asked for the plan to skip it.');
    if (!(await completeWaitingStep(trx, plan.id, stepId, { done_by: actorSlackId }))) {
      return refuse('This task is still being handed out; try again in a moment.');
    }
    await bumpPlanVersion(trx, plan.id);
    await appendPlanEvent(trx, { planId: plan.id, stepId, actor: actorSlackId, kind: 'step_done', detail: {} });
  });
  return settled(ctx, answer, actorSlackId);
}

/** After a step settles by a person's hand, the plan may be done (or its dependants skipped). */
async function settled(ctx: JobContext, answer: PlanAnswer, actor: string): Promise<PlanAnswer> {
  if (!answer.ok) return answer;
  await settlePlan(ctx.db, answer.plan.id, actor);
  const plan = await getPlan(ctx.db, answer.plan.id);
  return plan ? { ok: true, plan } : answer;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
