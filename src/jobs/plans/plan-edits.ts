// Applying one edit a person made (change a step, add one, remove one) to a draft's steps. The result is checked by
// validatePlan before anything is stored; here only the edit itself: which step, and the small courtesies a person
// expects (renaming a step renames it where others depend on it; filling in a param a step "needs" clears that need).
import type { PlanStep } from '../../services/plans/plan.ts';
import type { PlanEdit } from '../../services/plans/stored-plan.ts';

export type EditApplied = { ok: true; steps: PlanStep[] } | { ok: false; message: string };

function filled(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '' && !/^\{\{\s*needs?\b/.test(value);
  return true;
}

/** The needs still open after an edit: a named param now given, or an owner now named, is no longer needed. */
function openNeeds(step: PlanStep): string[] | undefined {
  if (!step.needs) return undefined;
  const open = step.needs.filter((need) => (need === 'owner' ? step.owner === null : !filled(step.params[need])));
  return open.length > 0 ? open : undefined;
}

function withNeeds(step: PlanStep, needs: string[] | undefined): PlanStep {
  const { needs: _old, ...rest } = step;
  return needs === undefined ? rest : { ...rest, needs };
}

export function applyEdit(steps: readonly PlanStep[], edit: PlanEdit): EditApplied {
  switch (edit.kind) {
    case 'add_step':
      return { ok: true, steps: [...steps, edit.step] };
    case 'remove_step': {
      if (!steps.some((s) => s.id === edit.stepId)) return { ok: false, message: `There is no step “${edit.stepId}” in this plan.` };
      return { ok: true, steps: steps.filter((s) => s.id !== edit.stepId) };
    }
    case 'update_step': {
      const index = steps.findIndex((s) => s.id === edit.stepId);
      if (index < 0) return { ok: false, message: `There is no step “${edit.stepId}” in this plan.` };
      const before = steps[index]!;
      let after: PlanStep = { ...before, ...edit.changes };
      if (!('needs' in edit.changes)) after = withNeeds(after, openNeeds(after));
      const renamed = edit.changes.id !== undefined && edit.changes.id !== before.id ? edit.changes.id : undefined;
      return {
        ok: true,
        steps: steps.map((s, i) => {
          if (i === index) return after;
          if (renamed && s.depends_on.includes(before.id)) return { ...s, depends_on: s.depends_on.map((d) => (d === before.id ? renamed : d)) };
          return s;
        }),
      };
    }
  }
}
