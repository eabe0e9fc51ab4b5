import { describe, expect, it } from 'vitest';
import { optimizePlan } from '../../../src/services/plans/optimizer.ts';
import type { Plan, PlanStep } from '../../../src/services/plans/plan.ts';

function step(id: string, title: string, minutes: number, depends_on: string[] = [], over: Partial<PlanStep> = {}): PlanStep {
  return { id, title, action: 'manual', params: {}, depends_on, on_failure: 'stop', estimate_minutes: minutes, owner: 'Grace Hopper', ...over };
}

const plan: Plan = {
  goal: 'Launch',
  steps: [
    step('epic', 'Create the epic', 1, [], { action: 'jira.create_epic', params: { project: 'SUBS', summary: 'Launch' } }),
    step('qa', 'QA sign-off', 120, ['epic'], { owner: 'Ada Lovelace' }),
    step('notes', 'Release notes', 60, ['epic'], { owner: 'Ada Lovelace' }),
    // "epic" is implied by qa and notes: a redundant dependency.
    step('review', 'Go/no-go review', 60, ['qa', 'notes', 'epic'], { owner: null }),
  ],
};

describe('plan optimizer', () => {
  it('drops dependencies already implied by others, saying through which step, and leaves the input alone', () => {
    const review = optimizePlan(plan);
    expect(review.removedDependencies).toEqual([{ stepId: 'review', dependsOn: 'epic', through: 'qa' }]);
    expect(review.plan.steps.find((s) => s.id === 'review')!.depends_on).toEqual(['qa', 'notes']);
    expect(plan.steps[3]!.depends_on).toEqual(['qa', 'notes', 'epic']);
    expect(review.suggestions).toContain('“Go/no-go review” no longer lists “Create the epic” as a dependency: it already waits for it through “QA sign-off”.');
  });

  it('flags steps nobody owns', () => {
    const review = optimizePlan(plan);
    expect(review.unowned).toEqual(['review']);
    expect(review.suggestions).toContain('Nobody owns “Go/no-go review”: name an owner.');
  });

  it('points out steps that can run at the same time, and one person holding two tasks at once', () => {
    const review = optimizePlan(plan);
    expect(review.parallel).toEqual([['qa', 'notes']]);
    expect(review.sameOwnerAtOnce).toEqual([{ owner: 'Ada Lovelace', stepIds: ['qa', 'notes'] }]);
    expect(review.suggestions).toContain('“QA sign-off”, “Release notes” can run at the same time.');
    expect(review.suggestions).toContain('Ada Lovelace has “QA sign-off” and “Release notes” at the same time: one will wait for the other unless someone else takes one.');
  });

  it('reports the critical path before and after, unchanged by dropping implied dependencies', () => {
    const review = optimizePlan(plan);
    const expected = { minutes: 181, stepIds: ['epic', 'qa', 'review'] };
    expect(review.criticalPath).toEqual({ before: expected, after: expected });
    expect(review.suggestions.at(-1)).toBe('Critical path: 3h 01m (“Create the epic” → “QA sign-off” → “Go/no-go review”).');
  });

  it('has nothing to suggest for a simple owned chain but its critical path', () => {
    const chain: Plan = { goal: 'g', steps: [step('a', 'First', 30), step('b', 'Second', 15, ['a'])] };
    const review = optimizePlan(chain);
    expect(review.plan).toEqual(chain);
    expect(review.suggestions).toEqual(['Critical path: 0h 45m (“First” → “Second”).']);
  });
});
