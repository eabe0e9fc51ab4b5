// What a plan is: a goal and up to 25 steps, each running one registered action after the steps it depends on.
// Types and zod schemas only; the rules that look across steps (cycles, references, known actions) are in validate.ts.
import { z } from 'zod';
import type { OrgConfig } from '../../config.ts';

export const MAX_PLAN_STEPS = 25;
/** A month of working time: anything longer is not one step of a plan. */
export const MAX_STEP_MINUTES = 60 * 24 * 30;

/**
 * Step ids are short words a person can read in "after epic, qa" and a template can name in `{{steps.<id>.key}}`:
 * a letter, then letters, digits, `_` or `-`.
 */
export const STEP_ID_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/;
export const stepIdSchema = z.string({ error: 'expected a step id' }).regex(STEP_ID_PATTERN, {
  error: 'expected a step id: a letter, then up to 39 letters, digits, "_" or "-" (e.g. "epic", "qa_review")',
});

export const ON_FAILURE = ['stop', 'continue'] as const;
export type OnFailure = (typeof ON_FAILURE)[number];

export const planStepSchema = z.strictObject({
  id: stepIdSchema,
  title: z.string({ error: 'expected a title' }).trim().min(1, { error: 'expected a title' }).max(200, { error: 'expected a title of at most 200 characters' }),
  /** The name of a registered action (`jira.create_issue`, `manual` …). */
  action: z.string({ error: 'expected an action name' }).min(1, { error: 'expected an action name' }),
  /** The action's parameters; checked against that action's own schema by validate.ts. May hold `{{steps.<id>.<field>}}`. */
  params: z.record(z.string(), z.unknown(), { error: 'expected params as an object' }).default({}),
  /** Ids of the steps that must be done first (duplicates are dropped). */
  depends_on: z.array(stepIdSchema, { error: 'expected depends_on as a list of step ids' }).default([]).transform((ids) => [...new Set(ids)]),
  /** stop: the plan stops when this step fails; continue: the steps that depend on it are skipped, the rest go on. */
  on_failure: z.enum(ON_FAILURE, { error: 'expected on_failure to be "stop" or "continue"' }).default('stop'),
  estimate_minutes: z
    .number({ error: 'expected estimate_minutes as a number of minutes' })
    .int({ error: 'expected estimate_minutes as a whole number of minutes' })
    .min(0, { error: 'expected estimate_minutes of 0 or more' })
    .max(MAX_STEP_MINUTES, { error: `expected estimate_minutes of at most ${MAX_STEP_MINUTES} (30 days)` }),
  /**
   * Who is responsible: a person's name as written in the org config, or a Slack user id (U…) for someone who is
   * not in it; null while nobody is named (the optimizer flags it).
   */
  owner: z.string({ error: 'expected an owner name' }).trim().min(1, { error: 'expected an owner name' }).max(100).nullable().default(null),
  /**
   * What a person must fill in before the plan can run, because the planner could not infer it: names of params
   * (e.g. `project`, `channel`) or `owner`. A param named here may be missing until then.
   */
  needs: z.array(z.string().min(1), { error: 'expected needs as a list of names' }).optional(),
});

export const planSchema = z.strictObject({
  goal: z.string({ error: 'expected a goal' }).trim().min(1, { error: 'expected a goal' }).max(500, { error: 'expected a goal of at most 500 characters' }),
  steps: z.array(planStepSchema, { error: 'expected a list of steps' }),
});

export type PlanStep = z.output<typeof planStepSchema>;
export type PlanStepInput = z.input<typeof planStepSchema>;
export type Plan = z.output<typeof planSchema>;
export type PlanInput = z.input<typeof planSchema>;

/** What each finished step gave back (its action's result), by step id; templates read from it. */
export type StepResults = Readonly<Record<string, unknown>>;

/** One thing wrong with a plan, tied to the step it is about (none for the plan as a whole). */
export interface PlanProblem {
  stepId?: string;
  message: string;
}

/** `step "epic": unknown action …`, or the message alone for plan-wide problems. */
export function formatProblem(problem: PlanProblem): string {
  return problem.stepId === undefined ? problem.message : `step "${problem.stepId}": ${problem.message}`;
}

/** What the planner produced from a request: a plan (with notes for the person), or why there is none. */
export type PlanningOutcome =
  | {
      ok: true;
      plan: Plan;
      /** Who made it, as shown to people: the LLM's label, or "local planner (…)". */
      planner: string;
      /** Things the person should know: assumptions made, fallbacks used. */
      notes: string[];
    }
  | {
      ok: false;
      /** One paragraph for the person who typed /plan. */
      message: string;
      /** What was wrong, one line each (empty when the request was simply not understood). */
      problems: string[];
    };

/** What the planner knows besides the request: the org, "now" in its zone, where /plan was typed and by whom. */
export interface PlanningContext {
  org: Pick<OrgConfig, 'people' | 'projects' | 'holidays'>;
  /** The org time zone: dates in the request are read in it. */
  zone: string;
  now: Date;
  /** The channel where /plan was typed: the project whose `slack_channel` it is becomes the default project. */
  channelId?: string;
  /** Who typed /plan: owns every step nobody else is named for. */
  requester: { slackUserId: string };
}
