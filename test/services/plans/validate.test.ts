import { describe, expect, it } from 'vitest';
import { formatProblem, type PlanStepInput } from '../../../src/services/plans/plan.ts';
import { stepsNeedingInput, validatePlan } from '../../../src/services/plans/validate.ts';
import { org } from './sample-org.ts';

const epic: PlanStepInput = { id: 'epic', title: 'Launch epic', action: 'jira.create_epic', params: { project: 'SUBS', summary: 'SUBS launch' }, depends_on: [], estimate_minutes: 1, owner: 'Grace Hopper' };
const qa: PlanStepInput = {
  id: 'qa',
  title: 'QA issue',
  action: 'jira.create_issue',
  params: { project: 'SUBS', summary: 'QA sign-off', parent: '{{steps.epic.key}}' },
  depends_on: ['epic'],
  estimate_minutes: 1,
  owner: 'Ada Lovelace',
};
const review: PlanStepInput = { id: 'review', title: 'Go/no-go', action: 'manual', params: { instructions: 'Decide' }, depends_on: ['qa'], estimate_minutes: 60, owner: 'Grace Hopper' };

/** The problems as a person reads them. */
function problemsOf(input: unknown, people = true): string[] {
  const result = validatePlan(input, people ? { people: org.people } : {});
  return result.ok ? [] : result.problems.map(formatProblem);
}

describe('plan validation', () => {
  it('accepts a valid plan and fills in the defaults', () => {
    const result = validatePlan({ goal: 'Launch SUBS', steps: [epic, qa, review] }, { people: org.people });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.plan.steps.map((s) => s.on_failure)).toEqual(['stop', 'stop', 'stop']);
    expect(result.plan.steps[1]!.params).toEqual({ project: 'SUBS', summary: 'QA sign-off', parent: '{{steps.epic.key}}' });
  });

  it('refuses what is not a plan at all', () => {
    expect(problemsOf('launch it')).toEqual(['expected a plan: an object with a goal and steps']);
    expect(problemsOf({ goal: 'x', steps: 'many' })).toEqual(['steps: expected a list of steps']);
  });

  it('names a missing goal, unknown plan fields and an empty plan', () => {
    expect(problemsOf({ goal: ' ', steps: [], owner: 'me' })).toEqual(['goal: expected a goal', 'unknown field "owner" in the plan', 'a plan needs at least one step']);
  });

  it('refuses more than 25 steps', () => {
    const steps = Array.from({ length: 26 }, (_, i) => ({ ...review, id: `s${i}`, depends_on: [] }));
    expect(problemsOf({ goal: 'Too much', steps })).toEqual(['a plan has at most 25 steps; this one has 26']);
  });

  it('names each step whose own fields are wrong, with the field', () => {
    expect(
      problemsOf({
        goal: 'g',
        steps: [
          { ...epic, id: '1st' },
          { ...qa, title: '', estimate_minutes: -5, on_failure: 'retry', colour: 'red' },
        ],
      }),
    ).toEqual([
      'step "1st": id: expected a step id: a letter, then up to 39 letters, digits, "_" or "-" (e.g. "epic", "qa_review")',
      'step "qa": title: expected a title',
      'step "qa": on_failure: expected on_failure to be "stop" or "continue"',
      'step "qa": estimate_minutes: expected estimate_minutes of 0 or more',
      'step "qa": unknown field "colour"',
      'step "qa": depends on "epic", which is not a step of this plan',
    ]);
  });

  it('refuses two steps with the same id', () => {
    expect(problemsOf({ goal: 'g', steps: [epic, { ...review, id: 'epic', depends_on: [] }] })).toEqual(['step "epic": 2 steps have the id "epic"; each step needs its own id']);
  });

  it('refuses an action that is not registered, listing the known ones', () => {
    expect(problemsOf({ goal: 'g', steps: [{ ...review, action: 'jira.create_sprint', depends_on: [] }] })).toEqual([
      'step "review": unknown action "jira.create_sprint" (known actions: jira.create_epic, jira.create_issue, jira.assign_issue, slack.post_message, slack.schedule_reminder, manual)',
    ]);
  });

  it('checks params against the action’s own schema, naming each bad param', () => {
    const bad = { ...qa, params: { project: 'subs', summary: 'QA', parent: 'the epic', colour: 'red' } };
    expect(problemsOf({ goal: 'g', steps: [epic, bad] })).toEqual([
      'step "qa": params.project: expected a Jira project key such as SUBS',
      'step "qa": params.parent: expected an issue key such as SUBS-12 or {{steps.<id>.key}}',
      'step "qa": params: unknown param "colour"',
    ]);
    const reminder = { id: 'remind', title: 'Remind', action: 'slack.schedule_reminder', params: { channel: '#general', text: 'Hi', when: 'soonish' }, estimate_minutes: 1 };
    expect(problemsOf({ goal: 'g', steps: [reminder] })).toEqual([
      'step "remind": params.channel: expected a Slack channel id (C…) or user id (U…) for a DM',
      expect.stringMatching(/^step "remind": params\.when: expected "N business days"/),
    ]);
  });

  it('refuses dependencies on steps that do not exist, or on the step itself', () => {
    expect(problemsOf({ goal: 'g', steps: [epic, { ...qa, depends_on: ['epic', 'design', 'qa'] }] })).toEqual([
      'step "qa": depends on "design", which is not a step of this plan',
      'step "qa": depends on itself',
    ]);
  });

  it('refuses a cycle, naming its path', () => {
    const steps = [
      { ...epic, depends_on: ['review'] },
      qa,
      review,
    ];
    expect(problemsOf({ goal: 'g', steps })).toEqual([
      'step "epic": its dependencies go round in a cycle: epic → review → qa → epic (each waits for the next, so none can start)',
    ]);
  });

  it('reports every cycle, not just the first', () => {
    const m = (id: string, dep: string) => ({ ...review, id, depends_on: [dep] });
    const problems = problemsOf({ goal: 'g', steps: [m('a', 'b'), m('b', 'a'), m('c', 'd'), m('d', 'c')] });
    expect(problems).toEqual([
      'step "a": its dependencies go round in a cycle: a → b → a (each waits for the next, so none can start)',
      'step "c": its dependencies go round in a cycle: c → d → c (each waits for the next, so none can start)',
    ]);
  });

  it('lets a step use results only of steps it waits for, directly or through others', () => {
    const announce = { id: 'announce', title: 'Announce', action: 'slack.post_message', params: { channel: 'C0SUBS', text: 'Epic {{steps.epic.key}}, QA {{steps.qa.key}}' }, depends_on: ['review'], estimate_minutes: 1 };
    expect(problemsOf({ goal: 'g', steps: [epic, qa, review, announce] })).toEqual([]);
    const early = { ...announce, depends_on: ['epic'] };
    expect(problemsOf({ goal: 'g', steps: [epic, qa, review, early] })).toEqual([
      'step "announce": params.text uses {{steps.qa.key}}, but does not depend on step "qa" (add it to depends_on)',
    ]);
  });

  it('names references to fields a step does not give, to the step itself, and malformed placeholders', () => {
    const post = { id: 'post', title: 'Post', action: 'slack.post_message', params: { channel: 'C0SUBS', text: '{{steps.epic.url}} {{steps.post.ts}} {{step.epic}}' }, depends_on: ['epic'], estimate_minutes: 1 };
    expect(problemsOf({ goal: 'g', steps: [epic, post] })).toEqual([
      'step "post": params.text: "{{step.epic}}" is not a step reference (expected {{steps.<id>.<field>}})',
      'step "post": params.text uses {{steps.epic.url}}, but step "epic" (jira.create_epic) gives key, id, project, not "url"',
      'step "post": params.text uses {{steps.post.ts}}: a step cannot use its own result',
    ]);
  });

  it('refuses owners who are not in the org config, but takes Slack user ids and nobody', () => {
    const steps = [epic, { ...qa, owner: 'Bob Builder' }, { ...review, owner: 'U09NEW' }, { ...review, id: 'open', owner: null, depends_on: [] }];
    expect(problemsOf({ goal: 'g', steps })).toEqual(['step "qa": owner "Bob Builder" is not a person in the org config (use a name from the people list)']);
    expect(problemsOf({ goal: 'g', steps }, false)).toEqual([]);
  });

  it('spells owners as the org config does', () => {
    const result = validatePlan({ goal: 'g', steps: [{ ...epic, owner: 'grace HOPPER' }] }, { people: org.people });
    expect(result.ok && result.plan.steps[0]!.owner).toBe('Grace Hopper');
  });

  it('lets a step leave out the params it says it needs, and names needs that mean nothing', () => {
    const open = { ...epic, params: { summary: 'Launch' }, needs: ['project'] };
    const result = validatePlan({ goal: 'g', steps: [open] });
    expect(result.ok).toBe(true);
    if (result.ok) expect(stepsNeedingInput(result.plan)).toEqual([{ stepId: 'epic', needs: ['project'] }]);
    expect(problemsOf({ goal: 'g', steps: [{ ...epic, params: { summary: 'Launch' }, needs: ['colour'] }] })).toEqual([
      'step "epic": needs "colour", which is neither "owner" nor a param of jira.create_epic (project, summary, description, labels)',
      'step "epic": params.project: expected a Jira project key such as SUBS',
    ]);
  });

  it('reports every problem of a plan at once, each with its step', () => {
    const steps = [
      { ...epic, action: 'jira.make_epic' },
      { ...qa, depends_on: ['epik'] },
      { ...review, estimate_minutes: 'an hour' },
    ];
    expect(problemsOf({ goal: 'g', steps })).toEqual([
      expect.stringMatching(/^step "epic": unknown action "jira.make_epic"/),
      'step "qa": depends on "epik", which is not a step of this plan',
      'step "qa": params.parent uses {{steps.epic.key}}, but does not depend on step "epic" (add it to depends_on)',
      'step "review": estimate_minutes: expected estimate_minutes as a number of minutes',
    ]);
  });
});
