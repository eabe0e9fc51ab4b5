// What a plan step's action runs with (the clients, the org zone, the step's idempotency key), and undoing finished
// steps when a plan is cancelled with rollback: last step first, each only if its action can be undone.
import type { Db } from '../../db/database.ts';
import { appendPlanEvent, isResultOfAnotherStep, markStepUndone, saveStepCheckpoint, stepIdempotencyKeys } from '../../db/plans.ts';
import { planActions, undoStep, type ActionContext, type ActionRegistry, type StepMemory } from '../../services/plans/actions/index.ts';
import { topologicalOrder } from '../../services/plans/critical-path.ts';
import type { StoredPlan, StoredStep } from '../../services/plans/stored-plan.ts';
import type { JobContext } from '../job.ts';

/** Slack is not configured, yet a step needs it. */
export class SlackNotConfiguredError extends Error {
  override readonly name = 'SlackNotConfiguredError';
  constructor() {
    super('Slack is not configured: set SLACK_BOT_TOKEN (the bot token pm-agents posts with)');
  }
}

/** The step's checkpoint was not saved: another executor has taken the step over. */
export class StepTakenOverError extends Error {
  override readonly name = 'StepTakenOverError';
  constructor(stepId: string) {
    super(`step "${stepId}" was taken over by another executor; this one stops before acting`);
  }
}

/** Where a step is in its attempts, as the executor's claim read it from the step's row. */
export interface StepAttempt {
  stepId: string;
  runner: string;
  /** The attempt now starting, 1 for the first. */
  attempt: number;
  checkpoint: Record<string, unknown> | null;
  firstStartedAt: Date | null;
}

/** A step's memory kept in its row: saving is fenced by the runner's claim. */
export function rowStepMemory(db: Db, planId: string, at: StepAttempt): StepMemory {
  const memory: StepMemory & { saved: Record<string, unknown> | null } = {
    mayHaveRunBefore: at.attempt > 1,
    firstStartedAt: at.firstStartedAt,
    saved: at.checkpoint,
    async save(state) {
      if (!(await saveStepCheckpoint(db, planId, at.stepId, at.runner, state))) throw new StepTakenOverError(at.stepId);
      memory.saved = state;
    },
    isResultOfAnotherStep: (field, value) => isResultOfAnotherStep(db, planId, at.stepId, field, value),
  };
  return memory;
}

/** Undo runs outside any attempt: it reads results, never saves. */
function undoMemory(db: Db, planId: string, stepId: string): StepMemory {
  return {
    mayHaveRunBefore: true,
    firstStartedAt: null,
    saved: null,
    async save() {
      throw new Error('a step being undone saves nothing');
    },
    isResultOfAnotherStep: (field, value) => isResultOfAnotherStep(db, planId, stepId, field, value),
  };
}

export function actionContextFor(ctx: JobContext, plan: Pick<StoredPlan, 'id' | 'requester'>, idempotencyKey: string, step: StepMemory): ActionContext {
  return {
    jira: () => ctx.clients.jira(),
    slack: () => {
      const slack = ctx.clients.slack();
      if (!slack) throw new SlackNotConfiguredError();
      return slack;
    },
    clock: ctx.clock,
    zone: ctx.config.timezone,
    holidays: ctx.config.org.holidays,
    idempotencyKey,
    requester: { slackUserId: plan.requester.slackUserId, ...(plan.requester.accountId ? { accountId: plan.requester.accountId } : {}) },
    step,
    // Made when an action first logs: most steps never do, and a child logger per attempt adds up.
    get logger() {
      const logger = ctx.logger.child({ plan: plan.id });
      Object.defineProperty(this, 'logger', { value: logger });
      return logger;
    },
  };
}

export function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 1000);
}

export interface UndoOutcome {
  undone: string[];
  /** Steps whose action has no undo (a manual task, a posted message's action without one). */
  notUndoable: string[];
  failed: { stepId: string; error: string }[];
}

/**
 * Undoes the given completed steps of a plan in reverse topological order (a step after the steps it depends on: an
 * issue before its epic), recording each in the plan's events. Steps already undone are left alone; a failure is
 * recorded and the others still go on.
 */
export async function undoSteps(ctx: JobContext, db: Db, plan: StoredPlan, steps: readonly StoredStep[], actor: string, registry: ActionRegistry = planActions): Promise<UndoOutcome> {
  const outcome: UndoOutcome = { undone: [], notUndoable: [], failed: [] };
  const wanted = new Set(steps.filter((s) => s.status === 'completed' && !s.undone && s.result !== null).map((s) => s.id));
  if (wanted.size === 0) return outcome;
  const order = topologicalOrder(plan.steps).reverse().filter((id) => wanted.has(id));
  const keys = await stepIdempotencyKeys(db, plan.id);
  for (const id of order) {
    const step = plan.steps.find((s) => s.id === id)!;
    try {
      const undone = await undoStep(step, step.result, actionContextFor(ctx, plan, keys.get(id) ?? `plan-${plan.id}:${id}`, undoMemory(db, plan.id, id)), registry);
      if (!undone) {
        outcome.notUndoable.push(id);
        continue;
      }
      await markStepUndone(db, plan.id, id);
      await appendPlanEvent(db, { planId: plan.id, stepId: id, actor, kind: 'step_undone', detail: { result: step.result } });
      outcome.undone.push(id);
    } catch (err) {
      const error = errorText(err);
      outcome.failed.push({ stepId: id, error });
      await appendPlanEvent(db, { planId: plan.id, stepId: id, actor, kind: 'undo_failed', detail: { error } });
      ctx.logger.warn({ plan: plan.id, step: id, error }, 'plan rollback: a step could not be undone');
    }
  }
  return outcome;
}
