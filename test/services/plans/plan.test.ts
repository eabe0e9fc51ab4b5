import { describe, expect, it } from 'vitest';
import { formatProblem, planStepSchema } from '../../../src/services/plans/plan.ts';

describe('a plan step', () => {
  it('takes the defaults a person would expect: no dependencies, stop on failure, nobody owning it yet', () => {
    expect(planStepSchema.parse({ id: 'call', title: 'Call the client', action: 'manual', estimate_minutes: 30 })).toEqual({
      id: 'call',
      title: 'Call the client',
      action: 'manual',
      params: {},
      depends_on: [],
      on_failure: 'stop',
      estimate_minutes: 30,
      owner: null,
    });
  });

  it('drops a dependency listed twice', () => {
    expect(planStepSchema.parse({ id: 'b', title: 'B', action: 'manual', estimate_minutes: 1, depends_on: ['a', 'a'] }).depends_on).toEqual(['a']);
  });

  it('takes ids a template can name, and nothing else', () => {
    const ok = (id: string) => planStepSchema.safeParse({ id, title: 'x', action: 'manual', estimate_minutes: 1 }).success;
    expect([ok('epic'), ok('qa_review-2'), ok('2nd'), ok('with space'), ok('x'.repeat(41))]).toEqual([true, true, false, false, false]);
  });
});

describe('a plan problem as people read it', () => {
  it('names its step, or stands alone for the whole plan', () => {
    expect(formatProblem({ stepId: 'epic', message: 'depends on itself' })).toBe('step "epic": depends on itself');
    expect(formatProblem({ message: 'a plan needs at least one step' })).toBe('a plan needs at least one step');
  });
});
