// The planner with an LLM: a prompt listing the registered actions (with their parameter JSON schemas), the org's
// projects and people and today's date in the org zone; a structured answer; validation by validate.ts; one repair
// round fed with the problems; then a clear refusal naming them. Without an LLM the local planner answers instead.
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Llm } from '../../integrations/llm.ts';
import { planActions, type ActionRegistry, type PlanAction } from './actions/index.ts';
import { LOCAL_PLANNER_LABEL, needsLlmMessage, planLocally } from './local-planner.ts';
import { MAX_PLAN_STEPS, ON_FAILURE, formatProblem, type PlanningContext, type PlanningOutcome } from './plan.ts';
import { validatePlan } from './validate.ts';

export interface LlmPlannerOptions {
  registry?: ActionRegistry;
}

/** Most projects and people listed in the prompt (active ones first); a bigger org is cut with "and N more". */
const MAX_PROJECTS_LISTED = 100;
const MAX_PEOPLE_LISTED = 200;

/**
 * What the model's answer is checked against before validate.ts: the shape only, loosely (nulls allowed where strict
 * structured output makes the model write them), so that every real problem is reported by validate.ts with its step.
 */
const answerSchema = z.object({
  goal: z.string(),
  steps: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      action: z.string(),
      params: z.record(z.string(), z.unknown()),
      depends_on: z.array(z.string()),
      on_failure: z.enum(ON_FAILURE).nullable().optional(),
      estimate_minutes: z.number(),
      owner: z.string().nullable().optional(),
      needs: z.array(z.string()).nullable().optional(),
    }),
  ),
});
type Answer = z.output<typeof answerSchema>;

type JsonSchema = Record<string, unknown>;

/** An action's params as JSON Schema (what the model writes, so defaults are optional). */
export function paramsJsonSchema(action: PlanAction): JsonSchema {
  const schema = z.toJSONSchema(action.params, { target: 'draft-7', io: 'input', unrepresentable: 'any' }) as JsonSchema;
  delete schema.$schema;
  return schema;
}

/** Keywords strict structured output may refuse; the prompt still shows them and validate.ts enforces them. */
const CONSTRAINT_KEYWORDS = new Set(['minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'default', 'format']);

function withoutConstraints(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutConstraints);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).filter(([k]) => !CONSTRAINT_KEYWORDS.has(k)).map(([k, v]) => [k, k === 'properties' ? mapValues(v) : withoutConstraints(v)]));
}

function mapValues(properties: unknown): unknown {
  return Object.fromEntries(Object.entries(properties as Record<string, unknown>).map(([k, v]) => [k, withoutConstraints(v)]));
}

/**
 * Params as the answer's schema takes them: no constraint keywords, and nothing required, so the model can leave out
 * what it cannot infer and name it in `needs` (strict mode turns every optional param into "value or null").
 */
function answerParamsSchema(action: PlanAction): JsonSchema {
  const schema = withoutConstraints(paramsJsonSchema(action)) as JsonSchema;
  delete schema.required;
  return schema;
}

/** The answer's JSON Schema: each step is one of the registered actions with that action's own params. */
export function planAnswerJsonSchema(registry: ActionRegistry = planActions): JsonSchema {
  const variants = [...registry.values()].map((action) => ({
    type: 'object',
    properties: {
      id: { type: 'string', description: 'short unique id: a letter, then letters, digits, _ or -' },
      title: { type: 'string', description: 'what the step does, in a few words a PM would use' },
      action: { type: 'string', enum: [action.name] },
      params: answerParamsSchema(action),
      depends_on: { type: 'array', items: { type: 'string' }, description: 'ids of the steps that must be done first' },
      on_failure: { type: 'string', enum: [...ON_FAILURE] },
      estimate_minutes: { type: 'integer', description: 'minutes this step takes (automatic Jira and Slack steps: 1)' },
      owner: { type: ['string', 'null'], description: 'the responsible person, by name from the people list' },
      needs: { type: ['array', 'null'], items: { type: 'string' }, description: 'params left out because they cannot be inferred, e.g. ["project"]' },
    },
    required: ['id', 'title', 'action', 'params', 'depends_on', 'on_failure', 'estimate_minutes', 'owner', 'needs'],
    additionalProperties: false,
  }));
  return {
    type: 'object',
    properties: {
      goal: { type: 'string', description: 'the outcome the plan achieves, in one line' },
      steps: { type: 'array', items: { anyOf: variants } },
    },
    required: ['goal', 'steps'],
    additionalProperties: false,
  };
}

function listed<T>(items: T[], max: number, line: (item: T) => string): string {
  const shown = items.slice(0, max).map((item) => `- ${line(item)}`);
  if (items.length > max) shown.push(`- and ${items.length - max} more`);
  return shown.length > 0 ? shown.join('\n') : '- none';
}

/** The system and user messages for a request. */
export function plannerPrompt(request: string, context: PlanningContext, registry: ActionRegistry = planActions): { system: string; user: string } {
  const actions = [...registry.values()]
    .map((a) => `### ${a.name}\n${a.description}\nParams (JSON Schema): ${JSON.stringify(paramsJsonSchema(a))}\nResult fields: ${a.resultFields.join(', ') || 'none'}`)
    .join('\n\n');
  const system = [
    'You are the planner of pm-agents, a Slack bot for agency project managers. Turn the request into a plan: a goal and',
    `at most ${MAX_PLAN_STEPS} concrete steps. Rules:`,
    '- Each step uses exactly one of the actions below, with params that match that action\'s schema. Use no other action.',
    '- id: a short word (a letter first; letters, digits, _ or -), unique in the plan.',
    '- depends_on: ids of the steps that must be done first. No cycles. Steps that do not depend on each other run at the same time.',
    '- A step may use a result field of a step it depends on (directly or through others) by writing {{steps.<id>.<field>}}',
    '  in a param, e.g. "parent": "{{steps.epic.key}}". Only the result fields listed for that step\'s action exist.',
    '- on_failure: "stop" when the rest of the plan makes no sense without this step; "continue" for steps the rest does',
    '  not need (announcements, reminders): if it fails, only the steps that depend on it are skipped.',
    '- estimate_minutes: how long the step itself takes (automatic Jira and Slack steps: 1; meetings and reviews: their length).',
    '- owner: the person responsible, by name exactly as in the people list; the requester when nobody else is named.',
    '- Jira steps go in the default project unless the request names another listed project.',
    '- Dates in the request are relative to today in the org time zone. Reminders (`when`) take a date YYYY-MM-DD (9:00),',
    '  a local time YYYY-MM-DDTHH:MM, or "N business days".',
    '- Never invent project keys, people, Slack ids or Jira account ids: use only those listed. When something cannot be',
    '  inferred (e.g. which project), leave that param out and name it in `needs` (e.g. ["project"]); otherwise needs is null.',
    '- Optional params you do not use are null.',
    '',
    'Actions:',
    '',
    actions,
  ].join('\n');

  const here = DateTime.fromJSDate(context.now, { zone: context.zone });
  const requester = context.org.people.find((p) => p.slack_user_id === context.requester.slackUserId);
  const projects = [...context.org.projects].filter((p) => p.active);
  const defaultProject = context.channelId ? projects.find((p) => p.slack_channel === context.channelId) : undefined;
  const people = context.org.people.filter((p) => p.active);
  const user = [
    `Today: ${here.toFormat('cccc yyyy-MM-dd, HH:mm')} (${context.zone}).`,
    `Requester: ${requester ? `${requester.name} (Slack ${requester.slack_user_id}, Jira ${requester.jira_account_id})` : `Slack user ${context.requester.slackUserId} (not in the people list)`}.`,
    context.channelId
      ? `Typed in channel ${context.channelId}${defaultProject ? `, the channel of project ${defaultProject.key}: the default project` : ' (no project has this channel: no default project)'}.`
      : 'No channel: no default project.',
    '',
    'Projects:',
    listed(projects, MAX_PROJECTS_LISTED, (p) => `${p.key} "${p.name}" (${p.type}${p.pm ? `, PM ${p.pm}` : ''}${p.slack_channel ? `, channel ${p.slack_channel}` : ''})${p === defaultProject ? ' [default]' : ''}`),
    '',
    'People:',
    listed(people, MAX_PEOPLE_LISTED, (p) => `${p.name}: Jira ${p.jira_account_id}${p.slack_user_id ? `, Slack ${p.slack_user_id}` : ''}${p.team ? `, team ${p.team}` : ''}${p.pm ? ', PM' : ''}`),
    '',
    `Request: ${request.trim()}`,
  ].join('\n');
  return { system, user };
}

/** The answer as a plan: nulls the strict format made the model write for unused optional fields are dropped. */
function asPlan(answer: Answer): unknown {
  return {
    goal: answer.goal,
    steps: answer.steps.map((s) => {
      const step: Record<string, unknown> = {
        id: s.id,
        title: s.title,
        action: s.action,
        params: Object.fromEntries(Object.entries(s.params).filter(([, v]) => v !== null)),
        depends_on: s.depends_on,
        estimate_minutes: s.estimate_minutes,
        owner: s.owner ?? null,
      };
      if (s.on_failure) step.on_failure = s.on_failure;
      if (s.needs && s.needs.length > 0) step.needs = s.needs;
      return step;
    }),
  };
}

function repairPrompt(user: string, answer: Answer, problems: string[]): string {
  return (
    `${user}\n\nYour previous plan:\n${JSON.stringify(answer)}\n\nIt cannot be used:\n${problems.map((p) => `- ${p}`).join('\n')}\n\n` +
    'Answer with the whole plan again, corrected so that every one of these problems is gone.'
  );
}

const errorName = (err: unknown) => (err instanceof Error ? err.name : undefined);

/** No LLM answer could be had (not configured, quota, unreachable): plan with the local rules, and say why. */
function fallBack(request: string, context: PlanningContext, reason: string): PlanningOutcome {
  const local = planLocally(request, context);
  if (local.ok) return { ...local, notes: [`The LLM is unavailable (${reason}): planned with the local rules.`, ...local.notes] };
  return { ok: false, message: `The LLM is unavailable (${reason}).\n${needsLlmMessage(request)}`, problems: [] };
}

/**
 * Plans a request with the LLM, or with the local planner when `llm.kind` is 'local' (or the LLM cannot be reached).
 * A plan that fails validation goes back to the model once with its problems; a second failure is refused with them.
 */
export async function planRequest(llm: Llm, request: string, context: PlanningContext, options: LlmPlannerOptions = {}): Promise<PlanningOutcome> {
  if (llm.kind === 'local') {
    const local = planLocally(request, context);
    return local.ok ? { ...local, planner: LOCAL_PLANNER_LABEL } : local;
  }
  const registry = options.registry ?? planActions;
  const prompt = plannerPrompt(request, context, registry);
  const jsonSchema = planAnswerJsonSchema(registry);
  const ask = async (user: string): Promise<Answer | PlanningOutcome> => {
    try {
      return await llm.json({ name: 'plan', system: prompt.system, user, schema: answerSchema, jsonSchema });
    } catch (err) {
      if (errorName(err) === 'LlmUnavailableError') return fallBack(request, context, (err as Error).message);
      if (errorName(err) === 'LlmAnswerError') {
        const problems = (err as { problems?: string[] }).problems ?? [(err as Error).message];
        return { ok: false, message: `${llm.label} gave no usable plan for this request. What was wrong:`, problems };
      }
      throw err;
    }
  };
  const isOutcome = (x: Answer | PlanningOutcome): x is PlanningOutcome => 'ok' in x;

  const first = await ask(prompt.user);
  if (isOutcome(first)) return first;
  const checked = validatePlan(asPlan(first), { registry, people: context.org.people });
  if (checked.ok) return { ok: true, plan: checked.plan, planner: llm.label, notes: [] };

  const problems = checked.problems.map(formatProblem);
  const second = await ask(repairPrompt(prompt.user, first, problems));
  if (isOutcome(second)) return second;
  const rechecked = validatePlan(asPlan(second), { registry, people: context.org.people });
  if (rechecked.ok) return { ok: true, plan: rechecked.plan, planner: llm.label, notes: [] };
  return {
    ok: false,
    message: `${llm.label} could not make a valid plan for this request, even after being told what was wrong. The last plan had these problems:`,
    problems: rechecked.problems.map(formatProblem),
  };
}
