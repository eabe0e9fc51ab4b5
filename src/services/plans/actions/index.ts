// The action registry: the only things a plan step can do. Each action names itself, describes itself for the planner,
// checks its params with zod, says in one line what it will do, executes through the clients in ActionContext (never
// its own I/O) and, where it can, undoes what it did. The action files import only types from here.
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Clock } from '../../../clock.ts';
import type { Person } from '../../../config.ts';
import type { JiraClient } from '../../../integrations/jira.ts';
import type { Logger } from '../../../logger.ts';
import type { PlanStep, StepResults } from '../plan.ts';
import { resolveTemplates } from '../templating.ts';
import { assignIssueAction } from './jira-assign-issue.ts';
import { createEpicAction } from './jira-create-epic.ts';
import { createIssueAction } from './jira-create-issue.ts';
import { manualAction } from './manual.ts';
import { postMessageAction } from './slack-post-message.ts';
import { scheduleReminderAction } from './slack-schedule-reminder.ts';

/** What an action may use while it runs; the executor builds one per step attempt. */
export interface ActionContext {
  /** The Jira client (a function, so a plan without Jira steps runs without Jira configured). */
  jira(): JiraClient;
  slack(): WebClient;
  clock: Clock;
  /** The org time zone: "9:00" and "business days" are read in it. */
  zone: string;
  /** Public holidays (YYYY-MM-DD), skipped when counting business days. */
  holidays?: readonly string[];
  /**
   * The same for every attempt of one step of one plan (e.g. `plan-42:epic`): objects an action creates carry it and
   * are looked up by it first, so a retried or resumed step never creates a second one.
   */
  idempotencyKey: string;
  /** Who asked for the plan. */
  requester: { slackUserId: string; accountId?: string };
  /** What this step's earlier attempts left behind, and a place to leave what a retry will need. */
  step: StepMemory;
  logger: Logger;
}

/**
 * A step's memory across its attempts. The executor keeps it in the step's row; tests and dry runs keep it in memory
 * (`stepMemory`).
 */
export interface StepMemory {
  /**
   * false on the step's very first try, when nothing can carry its idempotency key yet: an action may then skip
   * looking it up. true on a retry, on a takeover after a runner died, and whenever the executor cannot tell.
   */
  readonly mayHaveRunBefore: boolean;
  /** When the step's first attempt started (objects an earlier attempt made are no older); null if unknown. */
  readonly firstStartedAt: Date | null;
  /** What an earlier attempt saved (null: nothing). */
  readonly saved: Readonly<Record<string, unknown>> | null;
  /**
   * Saves `state` for later attempts, replacing what was saved: call it before a side effect whose "before" a retry
   * could not read back (the assignee an issue had before it was reassigned). Throws when the step is no longer this
   * runner's (another executor took it over), so the side effect does not happen here.
   */
  save(state: Record<string, unknown>): Promise<void>;
  /**
   * Whether another step (of this plan or any other) has `value` as its result's `field`: an object found by
   * looking up what this step would have made, but already another step's, is not this step's to reuse.
   */
  isResultOfAnotherStep(field: string, value: string): Promise<boolean>;
}

/** A StepMemory held in memory, for tests and for actions run outside the executor. */
export function stepMemory(init: { mayHaveRunBefore?: boolean; firstStartedAt?: Date | null; saved?: Record<string, unknown> | null; othersResults?: readonly Record<string, unknown>[] } = {}): StepMemory & { saved: Record<string, unknown> | null } {
  const others = init.othersResults ?? [];
  const memory = {
    mayHaveRunBefore: init.mayHaveRunBefore ?? true,
    firstStartedAt: init.firstStartedAt ?? null,
    saved: init.saved ?? null,
    async save(state: Record<string, unknown>) {
      memory.saved = structuredClone(state);
    },
    async isResultOfAnotherStep(field: string, value: string) {
      return others.some((r) => r[field] === value);
    },
  };
  return memory;
}

/** Names for the ids in params (Jira account ids, Slack user ids), so summaries read as people's words. */
export interface PeopleDirectory {
  nameOf(id: string): string | undefined;
}

/** The directory of the org config's people: Jira account ids and Slack user ids map to names. */
export function peopleDirectory(people: readonly Person[]): PeopleDirectory {
  const names = new Map<string, string>();
  for (const p of people) {
    names.set(p.jira_account_id, p.name);
    if (p.slack_user_id) names.set(p.slack_user_id, p.name);
  }
  return { nameOf: (id) => names.get(id) };
}

export interface PlanAction<P = any, R = any> {
  /** What plans write in `action`, e.g. `jira.create_issue`. */
  readonly name: string;
  /** For the planner's prompt: what it does, when to use it, what its result holds. */
  readonly description: string;
  readonly params: z.ZodType<P>;
  /** Fields of the result later steps may reference as `{{steps.<id>.<field>}}`. */
  readonly resultFields: readonly string[];
  /**
   * One line in people's words, e.g. "Create Jira epic “ACME launch” in SUBS". Params may still hold templates, or
   * miss what the step `needs`, so every field is treated as possibly absent.
   */
  summary(params: Partial<P>, people?: PeopleDirectory): string;
  execute(params: P, ctx: ActionContext): Promise<R>;
  /** Reverses execute, given its result; absent when that cannot be done. Undoing twice does no harm. */
  undo?(result: R, ctx: ActionContext): Promise<void>;
}

export type ActionRegistry = ReadonlyMap<string, PlanAction>;

export function actionRegistry(actions: readonly PlanAction[]): ActionRegistry {
  const registry = new Map<string, PlanAction>();
  for (const action of actions) {
    if (registry.has(action.name)) throw new Error(`two plan actions are named "${action.name}"`);
    registry.set(action.name, action);
  }
  return registry;
}

/** Every action a plan may use. */
export const planActions: ActionRegistry = actionRegistry([
  createEpicAction,
  createIssueAction,
  assignIssueAction,
  postMessageAction,
  scheduleReminderAction,
  manualAction,
]);

/** A step cannot run as written: unknown action, a reference with no value, or params its action refuses. */
export class StepInputError extends Error {
  override readonly name = 'StepInputError';
  constructor(
    readonly stepId: string,
    readonly problems: string[],
  ) {
    super(`step "${stepId}" cannot run: ${problems.join('; ')}`);
  }
}

function findAction(step: Pick<PlanStep, 'id' | 'action'>, registry: ActionRegistry): PlanAction {
  const action = registry.get(step.action);
  if (!action) throw new StepInputError(step.id, [`unknown action "${step.action}"`]);
  return action;
}

/** zod issues as `params.project: expected …` lines. */
export function paramProblems(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`), 'params');
    const message = issue.code === 'unrecognized_keys' ? `unknown param${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message;
    return `${path}: ${message}`;
  });
}

/** The step's one-line description for people; falls back to its title when the action is unknown. */
export function summariseStep(step: Pick<PlanStep, 'action' | 'params' | 'title'>, people?: PeopleDirectory, registry: ActionRegistry = planActions): string {
  const action = registry.get(step.action);
  if (!action) return step.title;
  const parsed = action.params.safeParse(step.params);
  return action.summary((parsed.success ? parsed.data : step.params) as Partial<unknown>, people);
}

/**
 * Runs one step: fills its `{{steps.<id>.<field>}}` from earlier results, checks the params again (now with real
 * values) and executes the action. Throws StepInputError when the step cannot run as written; the action's own errors
 * (Jira, Slack) pass through for the executor to retry or report.
 */
export async function executeStep(step: Pick<PlanStep, 'id' | 'action' | 'params'>, results: StepResults, ctx: ActionContext, registry: ActionRegistry = planActions): Promise<unknown> {
  const action = findAction(step, registry);
  let filled: unknown;
  try {
    filled = resolveTemplates(step.params, results);
  } catch (err) {
    throw new StepInputError(step.id, (err as { problems?: string[] }).problems ?? [(err as Error).message]);
  }
  const parsed = action.params.safeParse(filled);
  if (!parsed.success) throw new StepInputError(step.id, paramProblems(parsed.error));
  return action.execute(parsed.data, ctx);
}

/** Undoes a step from its stored result. false when its action cannot be undone. */
export async function undoStep(step: Pick<PlanStep, 'id' | 'action'>, result: unknown, ctx: ActionContext, registry: ActionRegistry = planActions): Promise<boolean> {
  const action = findAction(step, registry);
  if (!action.undo) return false;
  await action.undo(result, ctx);
  return true;
}
