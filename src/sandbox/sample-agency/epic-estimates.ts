// Epic estimates for the sample agency, set once the worklogs exist so the forecast-variance figures are exactly the
// scenario's.
import type { Random } from '../random.ts';
import type { SampleJira } from './jira.ts';
import type { GeneratorContext } from './org.ts';

/**
 * Set every epic's original estimate from the hours logged on it (its own and its tickets'): most are within their
 * estimate, a few run over by 20–60 % (the demo: three epics at 25 %, 40 % and 55 %, one per variance threshold).
 */
export function estimateEpics(ctx: GeneratorContext, jira: SampleJira, loggedSeconds: Float64Array, rng: Random): void {
  const onEpic = new Float64Array(jira.issues.length);
  for (let i = 0; i < jira.issues.length; i++) {
    const target = jira.isEpic[i] ? i : jira.epicOf[i]!;
    if (target >= 0) onEpic[target]! += loggedSeconds[i]!;
  }
  const candidates: number[] = [];
  for (let i = 0; i < jira.issues.length; i++) {
    const project = ctx.org.projects[jira.projectOf[i]!]!;
    if (jira.isEpic[i] && project.type !== 'internal' && jira.issues[i]!.status === 'In Progress' && onEpic[i]! >= 20 * 3600) candidates.push(i);
  }
  candidates.sort((a, b) => onEpic[b]! - onEpic[a]! || a - b);
  const over = new Map<number, number>();
  if (ctx.size.demo) {
    const ratios = [1.25, 1.4, 1.55];
    const usedProjects = new Set<number>();
    for (const i of candidates) {
      if (over.size === ratios.length) break;
      if (usedProjects.has(jira.projectOf[i]!)) continue;
      usedProjects.add(jira.projectOf[i]!);
      over.set(i, ratios[over.size]!);
    }
  } else {
    for (const i of candidates) if (rng.chance(0.06)) over.set(i, rng.between(1.22, 1.58));
  }
  for (let i = 0; i < jira.issues.length; i++) {
    if (!jira.isEpic[i]) continue;
    const logged = onEpic[i]! / 3600;
    const ratio = over.get(i) ?? rng.between(0.35, 1.1);
    const hours = logged > 0 ? Math.max(1, Math.round(logged / ratio)) : rng.int(40, 200);
    jira.issues[i]!.originalEstimateSeconds = hours * 3600;
  }
}
