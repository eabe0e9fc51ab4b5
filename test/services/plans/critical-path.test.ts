import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  criticalPath,
  dependantsToSkip,
  findCycle,
  parallelWaves,
  readySteps,
  StepCycleError,
  topologicalOrder,
  type RunState,
  type StepNode,
} from '../../../src/services/plans/critical-path.ts';

const node = (id: string, minutes: number, ...depends_on: string[]): StepNode => ({ id, estimate_minutes: minutes, depends_on });
const state = (over: Partial<Record<keyof RunState, string[]>> = {}): RunState => ({
  completed: new Set(over.completed ?? []),
  failed: new Set(over.failed ?? []),
  skipped: new Set(over.skipped ?? []),
  running: new Set(over.running ?? []),
});

//      a(10)
//     /     \
//  b(30)   c(5)
//     \     /
//      d(15)
const diamond = [node('a', 10), node('b', 30, 'a'), node('c', 5, 'a'), node('d', 15, 'b', 'c')];
const chain = [node('one', 5), node('two', 10, 'one'), node('three', 20, 'two')];
const parallel = [node('x', 10), node('y', 40), node('z', 25)];

describe('order of steps', () => {
  it('puts every step after the steps it depends on, keeping plan order among free steps', () => {
    expect(topologicalOrder(diamond)).toEqual(['a', 'b', 'c', 'd']);
    expect(topologicalOrder([node('late', 1, 'early'), node('early', 1)])).toEqual(['early', 'late']);
    expect(topologicalOrder(parallel)).toEqual(['x', 'y', 'z']);
  });

  it('refuses a cycle, naming its path', () => {
    const cyclic = [node('a', 1, 'c'), node('b', 1, 'a'), node('c', 1, 'b'), node('free', 1)];
    expect(findCycle(cyclic)).toEqual(['a', 'c', 'b', 'a']);
    expect(() => topologicalOrder(cyclic)).toThrow(StepCycleError);
    expect(() => topologicalOrder(cyclic)).toThrow('a → c → b → a');
    expect(findCycle([node('self', 1, 'self')])).toEqual(['self', 'self']);
    expect(findCycle(diamond)).toBeUndefined();
  });

  it('ignores dependencies on steps that are not in the plan (validation reports those)', () => {
    expect(topologicalOrder([node('a', 1, 'ghost')])).toEqual(['a']);
  });
});

describe('critical path', () => {
  it('of a diamond goes through the longer branch', () => {
    expect(criticalPath(diamond)).toEqual({ minutes: 55, stepIds: ['a', 'b', 'd'], earliestStart: { a: 0, b: 10, c: 10, d: 40 } });
  });

  it('of a chain is the whole chain', () => {
    expect(criticalPath(chain)).toMatchObject({ minutes: 35, stepIds: ['one', 'two', 'three'] });
  });

  it('of independent steps is the longest one', () => {
    expect(criticalPath(parallel)).toMatchObject({ minutes: 40, stepIds: ['y'] });
  });

  it('keeps a zero-minute last step on the path', () => {
    expect(criticalPath([node('work', 30), node('announce', 0, 'work')])).toMatchObject({ minutes: 30, stepIds: ['work', 'announce'] });
  });

  it('of an empty plan is nothing', () => {
    expect(criticalPath([])).toEqual({ minutes: 0, stepIds: [], earliestStart: {} });
  });

  it('refuses a cycle', () => {
    expect(() => criticalPath([node('a', 1, 'b'), node('b', 1, 'a')])).toThrow(StepCycleError);
  });
});

describe('ready steps', () => {
  it('are the pending steps whose dependencies are all done', () => {
    expect(readySteps(diamond, state())).toEqual(['a']);
    expect(readySteps(diamond, state({ completed: ['a'] }))).toEqual(['b', 'c']);
    expect(readySteps(diamond, state({ completed: ['a', 'b'], running: ['c'] }))).toEqual([]);
    expect(readySteps(diamond, state({ completed: ['a', 'b', 'c'] }))).toEqual(['d']);
    expect(readySteps(diamond, state({ completed: ['a', 'b', 'c', 'd'] }))).toEqual([]);
  });

  it('count a skipped dependency as settled, but never start after a failed one', () => {
    expect(readySteps(diamond, state({ completed: ['a', 'b'], skipped: ['c'] }))).toEqual(['d']);
    expect(readySteps(diamond, state({ completed: ['a', 'b'], failed: ['c'] }))).toEqual([]);
  });

  it('start all independent steps at once', () => {
    expect(readySteps(parallel, state({ completed: ['y'] }))).toEqual(['x', 'z']);
  });
});

describe('dependants to skip when a step fails and the plan continues', () => {
  it('are every step that waits for it, directly or not, and nothing else', () => {
    expect(dependantsToSkip(diamond, 'b')).toEqual(['d']);
    expect(dependantsToSkip(diamond, 'a')).toEqual(['b', 'c', 'd']);
    expect(dependantsToSkip(chain, 'one')).toEqual(['two', 'three']);
    expect(dependantsToSkip(parallel, 'x')).toEqual([]);
  });

  it('leave out steps already finished', () => {
    expect(dependantsToSkip(diamond, 'a', state({ completed: ['c'] }))).toEqual(['b', 'd']);
  });
});

describe('parallel waves', () => {
  it('group steps that can run at the same time', () => {
    expect(parallelWaves(diamond)).toEqual([['a'], ['b', 'c'], ['d']]);
    expect(parallelWaves(parallel)).toEqual([['x', 'y', 'z']]);
  });
});

/** Random DAGs: each step depends only on steps before it in a random order, so there is never a cycle. */
const randomDag = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 120 }), fc.array(fc.nat(), { maxLength: 4 })), { minLength: 1, maxLength: 25 })
  .chain((specs) => fc.shuffledSubarray(specs.map((_, i) => i), { minLength: specs.length, maxLength: specs.length }).map((order) => ({ specs, order })))
  .map(({ specs, order }) =>
    order.map((index, position) => {
      const [minutes, picks] = specs[index]!;
      const before = order.slice(0, position);
      const deps = before.length === 0 ? [] : [...new Set(picks.map((p) => `s${before[p % before.length]}`))];
      return node(`s${index}`, minutes, ...deps);
    }),
  )
  // Show the steps in a shuffled plan order, so order in the plan never gives the answer away.
  .chain((steps) => fc.shuffledSubarray(steps, { minLength: steps.length, maxLength: steps.length }));

describe('random plans (property)', () => {
  it('run every step once, each after its dependencies, when the executor takes ready steps until none are left', () => {
    fc.assert(
      fc.property(randomDag, fc.integer({ min: 1, max: 4 }), (steps, hands) => {
        const done: string[] = [];
        const completed = new Set<string>();
        for (let round = 0; round <= steps.length; round++) {
          const ready = readySteps(steps, { completed, failed: new Set(), skipped: new Set() }).slice(0, hands);
          if (ready.length === 0) break;
          for (const id of ready) {
            done.push(id);
            completed.add(id);
          }
        }
        expect(done.length).toBe(steps.length);
        expect(new Set(done).size).toBe(steps.length);
        const at = new Map(done.map((id, i) => [id, i]));
        for (const s of steps) for (const d of s.depends_on) expect(at.get(d)!).toBeLessThan(at.get(s.id)!);
      }),
    );
  });

  it('have a critical path no shorter than any step and no longer than all steps together', () => {
    fc.assert(
      fc.property(randomDag, (steps) => {
        const path = criticalPath(steps);
        const byId = new Map(steps.map((s) => [s.id, s]));
        expect(path.minutes).toBe(path.stepIds.reduce((sum, id) => sum + byId.get(id)!.estimate_minutes, 0));
        expect(path.minutes).toBeGreaterThanOrEqual(Math.max(...steps.map((s) => s.estimate_minutes)));
        expect(path.minutes).toBeLessThanOrEqual(steps.reduce((sum, s) => sum + s.estimate_minutes, 0));
        for (const s of steps) for (const d of s.depends_on) expect(path.earliestStart[s.id]!).toBeGreaterThanOrEqual(path.earliestStart[d]! + byId.get(d)!.estimate_minutes);
      }),
    );
  });
});
