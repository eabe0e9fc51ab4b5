// The order of a plan's steps as a dependency graph: a topological order, cycles, the critical path (the longest
// chain of estimates, i.e. the least time the plan can take), which steps may start now, and what a failure skips.
// Dependencies on ids that are not in the plan are ignored here (validate.ts reports them).

/** The part of a step the graph needs. */
export interface StepNode {
  id: string;
  depends_on: readonly string[];
  estimate_minutes: number;
}

/** Where each step stands while a plan runs (a step in none of these sets is pending). */
export interface RunState {
  completed: ReadonlySet<string>;
  failed: ReadonlySet<string>;
  skipped: ReadonlySet<string>;
  running?: ReadonlySet<string>;
}

export interface CriticalPath {
  /** The least time the plan can take with unlimited hands: the longest chain of estimates. */
  minutes: number;
  /** The steps of that chain, first to last. */
  stepIds: string[];
  /** When each step can start at the earliest, in minutes from the start of the plan. */
  earliestStart: Record<string, number>;
}

/** The steps form a cycle, so they have no order. */
export class StepCycleError extends Error {
  override readonly name = 'StepCycleError';
  constructor(readonly cycle: string[]) {
    super(`the steps depend on each other in a cycle: ${cycle.join(' → ')}`);
  }
}

/** Dependencies of each step, restricted to steps in the plan. */
function dependencyMap(steps: readonly StepNode[]): Map<string, string[]> {
  const ids = new Set(steps.map((s) => s.id));
  return new Map(steps.map((s) => [s.id, s.depends_on.filter((d) => ids.has(d) && d !== s.id)]));
}

/** The dependants of each step (the reverse edges), in plan order. */
function dependantMap(steps: readonly StepNode[]): Map<string, string[]> {
  const deps = dependencyMap(steps);
  const out = new Map<string, string[]>(steps.map((s) => [s.id, []]));
  for (const s of steps) for (const d of deps.get(s.id) ?? []) out.get(d)!.push(s.id);
  return out;
}

/**
 * A cycle of dependencies, as the path that closes it in "depends on" direction (`a → b → c → a`: a waits for b, b for
 * c, c for a); a step that depends on itself gives `a → a`. undefined when there is none.
 */
export function findCycle(steps: readonly StepNode[]): string[] | undefined {
  const ids = new Set(steps.map((s) => s.id));
  const deps = new Map(steps.map((s) => [s.id, s.depends_on.filter((d) => ids.has(d))]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, 'visiting');
    path.push(id);
    for (const dep of deps.get(id) ?? []) {
      if (state.get(dep) === 'visiting') return [...path.slice(path.indexOf(dep)), dep];
      if (state.get(dep) === undefined) {
        const found = visit(dep);
        if (found) return found;
      }
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const s of steps) {
    if (state.get(s.id) === undefined) {
      const found = visit(s.id);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * Every step after the steps it depends on. Among steps free to go at the same time, plan order is kept, so the
 * answer is stable. Throws StepCycleError when there is no such order.
 */
export function topologicalOrder(steps: readonly StepNode[]): string[] {
  const deps = dependencyMap(steps);
  const dependants = dependantMap(steps);
  const position = new Map(steps.map((s, i) => [s.id, i]));
  const waiting = new Map(steps.map((s) => [s.id, deps.get(s.id)!.length]));
  const ready = steps.filter((s) => waiting.get(s.id) === 0).map((s) => s.id);
  const order: string[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => position.get(a)! - position.get(b)!);
    const id = ready.shift()!;
    order.push(id);
    for (const next of dependants.get(id) ?? []) {
      const left = waiting.get(next)! - 1;
      waiting.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  if (order.length < steps.length) throw new StepCycleError(findCycle(steps) ?? []);
  return order;
}

/**
 * The longest chain of estimates through the dependencies. Between chains of equal length, the one whose steps come
 * first in the plan is named. Throws StepCycleError on a cycle.
 */
export function criticalPath(steps: readonly StepNode[]): CriticalPath {
  const deps = dependencyMap(steps);
  const byId = new Map(steps.map((s) => [s.id, s]));
  const position = new Map(steps.map((s, i) => [s.id, i]));
  const earliestStart: Record<string, number> = {};
  const finish = new Map<string, number>();
  const via = new Map<string, string | undefined>();
  for (const id of topologicalOrder(steps)) {
    let before: string | undefined;
    const ordered = [...deps.get(id)!].sort((a, b) => position.get(a)! - position.get(b)!);
    for (const dep of ordered) if (before === undefined || finish.get(dep)! > finish.get(before)!) before = dep;
    const start = before === undefined ? 0 : finish.get(before)!;
    earliestStart[id] = start;
    finish.set(id, start + byId.get(id)!.estimate_minutes);
    via.set(id, before);
  }
  // The chain ends at a step nothing waits for (a zero-minute step after the longest one still belongs to it).
  const dependants = dependantMap(steps);
  let last: string | undefined;
  for (const s of steps) {
    if (dependants.get(s.id)!.length > 0) continue;
    if (last === undefined || finish.get(s.id)! > finish.get(last)!) last = s.id;
  }
  const stepIds: string[] = [];
  for (let id = last; id !== undefined; id = via.get(id)) stepIds.unshift(id);
  return { minutes: last === undefined ? 0 : finish.get(last)!, stepIds, earliestStart };
}

/**
 * Steps that can start now: pending (not completed, failed, skipped or running) with every dependency completed or
 * skipped. A skipped dependency counts as settled (a person chose to move on); the dependants of a *failed* step never
 * become ready — the executor skips them with dependantsToSkip, or the plan stops. In topological order.
 */
export function readySteps(steps: readonly StepNode[], state: RunState): string[] {
  const deps = dependencyMap(steps);
  const settled = (id: string) => state.completed.has(id) || state.skipped.has(id);
  const pending = (id: string) => !settled(id) && !state.failed.has(id) && !(state.running?.has(id) ?? false);
  return topologicalOrder(steps).filter((id) => pending(id) && deps.get(id)!.every(settled));
}

/**
 * The steps that can no longer run because `failedStepId` failed with on_failure "continue": everything that depends
 * on it, directly or through other steps, apart from steps already finished. In topological order.
 */
export function dependantsToSkip(steps: readonly StepNode[], failedStepId: string, state?: RunState): string[] {
  const dependants = dependantMap(steps);
  const reached = new Set<string>();
  const queue = [...(dependants.get(failedStepId) ?? [])];
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (reached.has(id)) continue;
    reached.add(id);
    queue.push(...(dependants.get(id) ?? []));
  }
  const finished = (id: string) => state !== undefined && (state.completed.has(id) || state.failed.has(id) || state.skipped.has(id));
  return topologicalOrder(steps).filter((id) => reached.has(id) && !finished(id));
}

/** Every step each step waits for, directly or through others. */
export function transitiveDependencies(steps: readonly StepNode[]): Map<string, Set<string>> {
  const deps = dependencyMap(steps);
  const out = new Map<string, Set<string>>();
  for (const id of topologicalOrder(steps)) {
    const all = new Set<string>();
    for (const dep of deps.get(id)!) {
      all.add(dep);
      for (const further of out.get(dep)!) all.add(further);
    }
    out.set(id, all);
  }
  return out;
}

/**
 * The steps in waves: wave 0 can start at once, wave n once the waves before it are done (a step's wave is one more
 * than its latest dependency's). Steps of one wave can run at the same time. Plan order within a wave.
 */
export function parallelWaves(steps: readonly StepNode[]): string[][] {
  const deps = dependencyMap(steps);
  const wave = new Map<string, number>();
  for (const id of topologicalOrder(steps)) wave.set(id, Math.max(-1, ...deps.get(id)!.map((d) => wave.get(d)!)) + 1);
  const waves: string[][] = [];
  for (const s of steps) (waves[wave.get(s.id)!] ??= []).push(s.id);
  return waves;
}
