import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  actionRegistry,
  executeStep,
  planActions,
  StepInputError,
  summariseStep,
  undoStep,
  type PlanAction,
} from '../../../../src/services/plans/actions/index.ts';
import type { JiraFake } from '../../../../src/sandbox/servers/jira.ts';
import { actionContext, startJira } from '../sample-org.ts';

const fakes: JiraFake[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.stop()));
});

describe('the action registry', () => {
  it('holds the six actions a plan may use, each described for the planner', () => {
    expect([...planActions.keys()]).toEqual(['jira.create_epic', 'jira.create_issue', 'jira.assign_issue', 'slack.post_message', 'slack.schedule_reminder', 'manual']);
    for (const action of planActions.values()) expect(action.description.length).toBeGreaterThan(40);
  });

  it('refuses two actions with one name', () => {
    const twin: PlanAction = { ...planActions.get('manual')! };
    expect(() => actionRegistry([planActions.get('manual')!, twin])).toThrow('two plan actions are named "manual"');
  });

  it('summarises a step through its action, and an unknown action by its title', () => {
    expect(summariseStep({ action: 'jira.create_epic', params: { project: 'SUBS', summary: 'Launch' }, title: 'Epic' })).toBe('Create Jira epic “Launch” in SUBS');
    expect(summariseStep({ action: 'jira.create_sprint', params: {}, title: 'Make the sprint' })).toBe('Make the sprint');
  });
});

describe('running a step', () => {
  it('fills the parent from the epic step’s result, so the epic comes first and the issue lands under it', async () => {
    const { fake, jira } = await startJira();
    fakes.push(fake);
    const epic = await executeStep({ id: 'epic', action: 'jira.create_epic', params: { project: 'SUBS', summary: 'ACME launch' } }, {}, actionContext({ jira }, { idempotencyKey: 'p1:epic' }));
    const qa = await executeStep(
      { id: 'qa', action: 'jira.create_issue', params: { project: 'SUBS', summary: 'QA sign-off', parent: '{{steps.epic.key}}' } },
      { epic },
      actionContext({ jira }, { idempotencyKey: 'p1:qa' }),
    );
    expect(qa).toMatchObject({ key: 'SUBS-2' });
    expect(fake.issue('SUBS-2')!.parentKey).toBe('SUBS-1');
    const bodies = fake.requestsTo('/rest/api/3/issue', 'POST').map((r) => JSON.parse(r.body).fields);
    expect(bodies.map((f) => [f.issuetype.name, f.parent?.key])).toEqual([['Epic', undefined], ['Task', 'SUBS-1']]);
  });

  it('refuses to run a step whose reference has no value yet, naming it', async () => {
    const step = { id: 'qa', action: 'jira.create_issue', params: { project: 'SUBS', summary: 'QA', parent: '{{steps.epic.key}}' } };
    await expect(executeStep(step, {}, actionContext({}))).rejects.toThrow(new StepInputError('qa', ['step "epic" has no result (it has not run, or it was skipped)']));
  });

  it('checks the params again once references are filled in', async () => {
    const step = { id: 'qa', action: 'jira.create_issue', params: { project: 'SUBS', summary: 'QA', parent: '{{steps.epic.key}}' } };
    await expect(executeStep(step, { epic: { key: 'not a key' } }, actionContext({}))).rejects.toThrow(
      'step "qa" cannot run: params.parent: expected an issue key such as SUBS-12 or {{steps.<id>.key}}',
    );
  });

  it('refuses an action that is not registered', async () => {
    await expect(executeStep({ id: 'x', action: 'jira.create_sprint', params: {} }, {}, actionContext({}))).rejects.toThrow('step "x" cannot run: unknown action "jira.create_sprint"');
  });

  it('runs an action of another registry (the executor’s tests can bring their own)', async () => {
    const echo: PlanAction<{ word: string }, { said: string }> = {
      name: 'test.echo',
      description: 'Says a word back.',
      params: z.object({ word: z.string() }),
      resultFields: ['said'],
      summary: (p) => `Say ${p.word}`,
      execute: async (p) => ({ said: p.word }),
    };
    const registry = actionRegistry([echo]);
    await expect(executeStep({ id: 'a', action: 'test.echo', params: { word: '{{steps.b.said}}' } }, { b: { said: 'hi' } }, actionContext({}), registry)).resolves.toEqual({ said: 'hi' });
    await expect(undoStep({ id: 'a', action: 'test.echo' }, { said: 'hi' }, actionContext({}), registry)).resolves.toBe(false);
  });

  it('undoes a step through its action, and says when an action cannot be undone', async () => {
    const { fake, jira } = await startJira();
    fakes.push(fake);
    const ctx = actionContext({ jira });
    const result = await executeStep({ id: 'epic', action: 'jira.create_epic', params: { project: 'SUBS', summary: 'Launch' } }, {}, ctx);
    await expect(undoStep({ id: 'epic', action: 'jira.create_epic' }, result, ctx)).resolves.toBe(true);
    expect(fake.issue('SUBS-1')).toBeUndefined();
    await expect(undoStep({ id: 'call', action: 'manual' }, { waiting: true }, ctx)).resolves.toBe(false);
  });
});
