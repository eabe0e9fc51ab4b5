// Improvements a PM would accept without a discussion: dependencies that are already implied by others are dropped
// (the plan reads simpler and runs the same), and what deserves a look is pointed out — steps nobody owns, steps that
// can run at the same time, one person holding two tasks at once — with the critical path before and after.
import { formatHours } from '../calendar.ts';
import { criticalPath, parallelWaves, transitiveDependencies } from './critical-path.ts';
import type { Plan } from './plan.ts';

export interface RemovedDependency {
  stepId: string;
  /** The dependency dropped… */
  dependsOn: string;
  /** …because the step already waits for it through this one. */
  through: string;
}

export interface PathFigure {
  minutes: number;
  stepIds: string[];
}

export interface PlanReview {
  /** The plan with redundant dependencies dropped; otherwise as given. */
  plan: Plan;
  removedDependencies: RemovedDependency[];
  /** Steps with no owner, in plan order. */
  unowned: string[];
  /** Groups of steps that can run at the same time (two or more), in the order they can start. */
  parallel: string[][];
  /** Manual steps one person would have to do at the same time. */
  sameOwnerAtOnce: { owner: string; stepIds: string[] }[];
  criticalPath: { before: PathFigure; after: PathFigure };
  /** What a PM would read, one line each. */
  suggestions: string[];
}

function minutesText(minutes: number): string {
  return formatHours(minutes / 60);
}

/** Reviews a valid plan (no cycles): see PlanReview. Pure; the input is not changed. */
export function optimizePlan(plan: Plan): PlanReview {
  const titles = new Map(plan.steps.map((s) => [s.id, `“${s.title}”`]));
  const title = (id: string) => titles.get(id) ?? id;
  const before = criticalPath(plan.steps);

  const reach = transitiveDependencies(plan.steps);
  const removed: RemovedDependency[] = [];
  const steps = plan.steps.map((step) => {
    const kept = step.depends_on.filter((dep) => {
      const through = step.depends_on.find((other) => other !== dep && reach.get(other)?.has(dep));
      if (through === undefined) return true;
      removed.push({ stepId: step.id, dependsOn: dep, through });
      return false;
    });
    return kept.length === step.depends_on.length ? step : { ...step, depends_on: kept };
  });
  const optimised: Plan = { ...plan, steps };
  const after = criticalPath(steps);

  const unowned = steps.filter((s) => s.owner === null).map((s) => s.id);
  const parallel = parallelWaves(steps).filter((wave) => wave.length > 1);
  const byId = new Map(steps.map((s) => [s.id, s]));
  const sameOwnerAtOnce: PlanReview['sameOwnerAtOnce'] = [];
  for (const wave of parallel) {
    const byOwner = new Map<string, string[]>();
    for (const id of wave) {
      const step = byId.get(id)!;
      if (step.action !== 'manual' || step.owner === null) continue;
      byOwner.set(step.owner, [...(byOwner.get(step.owner) ?? []), id]);
    }
    for (const [owner, ids] of byOwner) if (ids.length > 1) sameOwnerAtOnce.push({ owner, stepIds: ids });
  }

  const suggestions: string[] = [];
  for (const r of removed) {
    suggestions.push(`${title(r.stepId)} no longer lists ${title(r.dependsOn)} as a dependency: it already waits for it through ${title(r.through)}.`);
  }
  if (unowned.length > 0) suggestions.push(`Nobody owns ${unowned.map(title).join(', ')}: name an owner.`);
  for (const wave of parallel) suggestions.push(`${wave.map(title).join(', ')} can run at the same time.`);
  for (const { owner, stepIds } of sameOwnerAtOnce) {
    suggestions.push(`${owner} has ${stepIds.map(title).join(' and ')} at the same time: one will wait for the other unless someone else takes one.`);
  }
  const path = (p: PathFigure) => `${minutesText(p.minutes)} (${p.stepIds.map(title).join(' → ')})`;
  suggestions.push(
    before.minutes === after.minutes && before.stepIds.join() === after.stepIds.join()
      ? `Critical path: ${path(after)}.`
      : `Critical path: ${path(before)} before, ${path(after)} after.`,
  );

  return {
    plan: optimised,
    removedDependencies: removed,
    unowned,
    parallel,
    sameOwnerAtOnce,
    criticalPath: { before: { minutes: before.minutes, stepIds: before.stepIds }, after: { minutes: after.minutes, stepIds: after.stepIds } },
    suggestions,
  };
}
