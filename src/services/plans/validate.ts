// Whether a plan may be shown and run: its shape, known actions with valid params, dependencies that exist and do
// not go round in a cycle, at most 25 steps, unique ids, and templates that read only from steps already done by then.
// Every problem is reported, each with its step, so one repair round (or one edit) can fix them all.
import { z } from 'zod';
import type { Person } from '../../config.ts';
import { planActions, paramProblems, type ActionRegistry } from './actions/index.ts';
import { findCycle, type StepNode } from './critical-path.ts';
import { MAX_PLAN_STEPS, planSchema, planStepSchema, type Plan, type PlanProblem, type PlanStep } from './plan.ts';
import { malformedPlaceholders, stepReferences } from './templating.ts';

export interface ValidationOptions {
  registry?: ActionRegistry;
  /** When given, an owner must be one of these people (by name) or a Slack user id. */
  people?: readonly Person[];
}

export type PlanValidation = { ok: true; plan: Plan; problems: [] } | { ok: false; problems: PlanProblem[] };

const MAX_CYCLES_REPORTED = 5;

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => v !== null && typeof v === 'object' && !Array.isArray(v);

function issueLines(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map((k) => (typeof k === 'number' ? `[${k}]` : String(k))).join('.').replace(/\.\[/g, '[');
    const message = issue.code === 'unrecognized_keys' ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message;
    return path ? `${path}: ${message}` : message;
  });
}

/** The graph as written, even for steps whose other fields are wrong, so dependency problems are found too. */
function looseNodes(rawSteps: unknown[]): StepNode[] {
  const seen = new Set<string>();
  const nodes: StepNode[] = [];
  for (const raw of rawSteps) {
    if (!isObject(raw) || typeof raw.id !== 'string' || seen.has(raw.id)) continue;
    seen.add(raw.id);
    const deps = Array.isArray(raw.depends_on) ? raw.depends_on.filter((d): d is string => typeof d === 'string') : [];
    nodes.push({ id: raw.id, depends_on: deps, estimate_minutes: 0 });
  }
  return nodes;
}

/** Every cycle we can find, by breaking the closing edge of each one found and looking again. */
function cycles(nodes: StepNode[]): string[][] {
  const graph = nodes.map((n) => ({ ...n, depends_on: n.depends_on.filter((d) => d !== n.id) }));
  const found: string[][] = [];
  for (let cycle = findCycle(graph); cycle && found.length < MAX_CYCLES_REPORTED; cycle = findCycle(graph)) {
    found.push(cycle);
    const from = graph.find((n) => n.id === cycle![cycle!.length - 2])!;
    from.depends_on = from.depends_on.filter((d) => d !== cycle![cycle!.length - 1]);
  }
  return found;
}

/** Steps a step waits for, directly or through others (safe on cycles). */
function waitsFor(nodes: StepNode[]): Map<string, Set<string>> {
  const deps = new Map(nodes.map((n) => [n.id, n.depends_on]));
  return new Map(
    nodes.map((n) => {
      const reached = new Set<string>();
      const queue = [...n.depends_on];
      while (queue.length > 0) {
        const id = queue.shift()!;
        if (reached.has(id)) continue;
        reached.add(id);
        queue.push(...(deps.get(id) ?? []));
      }
      return [n.id, reached];
    }),
  );
}

function paramNames(schema: z.ZodType): string[] | undefined {
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : undefined;
}

function checkActionAndParams(step: PlanStep, registry: ActionRegistry, problems: PlanProblem[]): void {
  const action = registry.get(step.action);
  if (!action) {
    problems.push({ stepId: step.id, message: `unknown action "${step.action}" (known actions: ${[...registry.keys()].join(', ')})` });
    return;
  }
  const needs = new Set(step.needs ?? []);
  const names = paramNames(action.params);
  for (const need of needs) {
    if (need !== 'owner' && names && !names.includes(need)) {
      problems.push({ stepId: step.id, message: `needs "${need}", which is neither "owner" nor a param of ${action.name} (${names.join(', ')})` });
    }
  }
  const parsed = action.params.safeParse(step.params);
  if (parsed.success) return;
  // A param the step says it still needs may be missing or a placeholder until a person fills it in.
  const open = parsed.error.issues.filter((issue) => !(issue.path.length > 0 && needs.has(String(issue.path[0]))));
  if (open.length === 0) return;
  for (const line of paramProblems(new z.ZodError(open))) problems.push({ stepId: step.id, message: line });
}

function checkReferences(step: PlanStep, ids: Set<string>, before: Set<string>, actionOf: Map<string, string>, registry: ActionRegistry, problems: PlanProblem[]): void {
  for (const bad of malformedPlaceholders(step.params)) {
    problems.push({ stepId: step.id, message: `params.${bad.path}: "${bad.text}" is not a step reference (expected {{steps.<id>.<field>}})` });
  }
  for (const ref of stepReferences(step.params)) {
    const where = `params.${ref.path} uses ${ref.text}`;
    if (ref.stepId === step.id) problems.push({ stepId: step.id, message: `${where}: a step cannot use its own result` });
    else if (!ids.has(ref.stepId)) problems.push({ stepId: step.id, message: `${where}, but there is no step "${ref.stepId}"` });
    else if (!before.has(ref.stepId)) {
      problems.push({ stepId: step.id, message: `${where}, but does not depend on step "${ref.stepId}" (add it to depends_on)` });
    } else {
      const action = registry.get(actionOf.get(ref.stepId) ?? '');
      if (action && !action.resultFields.includes(ref.field)) {
        const gives = action.resultFields.length > 0 ? `gives ${action.resultFields.join(', ')}` : 'gives no fields';
        problems.push({ stepId: step.id, message: `${where}, but step "${ref.stepId}" (${action.name}) ${gives}, not "${ref.field}"` });
      }
    }
  }
}

function checkOwner(step: PlanStep, people: readonly Person[], problems: PlanProblem[]): void {
  if (step.owner === null || /^[UW][A-Z0-9]{2,}$/.test(step.owner)) return;
  const name = step.owner.toLowerCase();
  if (!people.some((p) => p.name.toLowerCase() === name)) {
    problems.push({ stepId: step.id, message: `owner "${step.owner}" is not a person in the org config (use a name from the people list)` });
  }
}

/**
 * Checks a plan as the planner or an edit produced it (unknown input) and returns it parsed, or every problem found.
 * A step's `needs` excuses the params it names: they may be missing until a person fills them in.
 */
export function validatePlan(input: unknown, options: ValidationOptions = {}): PlanValidation {
  const registry = options.registry ?? planActions;
  const problems: PlanProblem[] = [];
  if (!isObject(input)) return { ok: false, problems: [{ message: 'expected a plan: an object with a goal and steps' }] };

  const envelope = planSchema.omit({ steps: true }).safeParse({ goal: input.goal });
  if (!envelope.success) for (const line of issueLines(envelope.error)) problems.push({ message: line });
  const extra = Object.keys(input).filter((k) => k !== 'goal' && k !== 'steps');
  if (extra.length > 0) problems.push({ message: `unknown field${extra.length > 1 ? 's' : ''} ${extra.map((k) => `"${k}"`).join(', ')} in the plan` });
  if (!Array.isArray(input.steps)) {
    problems.push({ message: 'steps: expected a list of steps' });
    return { ok: false, problems };
  }
  const rawSteps: unknown[] = input.steps;
  if (rawSteps.length === 0) problems.push({ message: 'a plan needs at least one step' });
  if (rawSteps.length > MAX_PLAN_STEPS) problems.push({ message: `a plan has at most ${MAX_PLAN_STEPS} steps; this one has ${rawSteps.length}` });

  // Each step's own shape.
  const steps: PlanStep[] = [];
  rawSteps.forEach((raw, i) => {
    const label = isObject(raw) && typeof raw.id === 'string' && raw.id !== '' ? raw.id : `#${i + 1}`;
    const parsed = planStepSchema.safeParse(raw);
    if (parsed.success) steps.push(parsed.data);
    else for (const line of issueLines(parsed.error)) problems.push({ stepId: label, message: line });
  });

  // Ids and dependencies, over every step that has an id.
  const counts = new Map<string, number>();
  for (const raw of rawSteps) if (isObject(raw) && typeof raw.id === 'string') counts.set(raw.id, (counts.get(raw.id) ?? 0) + 1);
  for (const [id, count] of counts) if (count > 1) problems.push({ stepId: id, message: `${count} steps have the id "${id}"; each step needs its own id` });
  const ids = new Set(counts.keys());
  const nodes = looseNodes(rawSteps);
  for (const node of nodes) {
    for (const dep of node.depends_on) {
      if (dep === node.id) problems.push({ stepId: node.id, message: 'depends on itself' });
      else if (!ids.has(dep)) problems.push({ stepId: node.id, message: `depends on "${dep}", which is not a step of this plan` });
    }
  }
  for (const cycle of cycles(nodes)) {
    problems.push({ stepId: cycle[0], message: `its dependencies go round in a cycle: ${cycle.join(' → ')} (each waits for the next, so none can start)` });
  }

  // Actions, params, references and owners of the steps whose shape is right.
  const before = waitsFor(nodes);
  const actionOf = new Map(steps.map((s) => [s.id, s.action]));
  for (const step of steps) {
    checkActionAndParams(step, registry, problems);
    checkReferences(step, ids, before.get(step.id) ?? new Set(), actionOf, registry, problems);
    if (options.people) checkOwner(step, options.people, problems);
  }

  if (problems.length > 0 || !envelope.success) {
    // Plan-wide problems first, then step by step in plan order (a stable sort keeps each step's own order).
    const position = new Map<string, number>();
    rawSteps.forEach((raw, i) => {
      const label = isObject(raw) && typeof raw.id === 'string' && raw.id !== '' ? raw.id : `#${i + 1}`;
      if (!position.has(label)) position.set(label, i);
    });
    const rank = (p: PlanProblem) => (p.stepId === undefined ? -1 : (position.get(p.stepId) ?? rawSteps.length));
    return { ok: false, problems: problems.map((p, i) => ({ p, i })).sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i).map(({ p }) => p) };
  }
  // Owners as the config spells them ("grace hopper" → "Grace Hopper"), so the executor finds them by name.
  const spelled = new Map((options.people ?? []).map((p) => [p.name.toLowerCase(), p.name]));
  const owned = steps.map((s) => (s.owner !== null && spelled.has(s.owner.toLowerCase()) ? { ...s, owner: spelled.get(s.owner.toLowerCase())! } : s));
  return { ok: true, plan: { goal: envelope.data.goal, steps: owned }, problems: [] };
}

/** The steps that still need something from a person before the plan can run, with what they need. */
export function stepsNeedingInput(plan: Plan): { stepId: string; needs: string[] }[] {
  return plan.steps.filter((s) => (s.needs?.length ?? 0) > 0).map((s) => ({ stepId: s.id, needs: s.needs! }));
}
