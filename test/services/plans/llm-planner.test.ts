import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLlm, type Llm } from '../../../src/integrations/llm.ts';
import { OpenAiFake } from '../../../src/sandbox/servers/openai.ts';
import { LOCAL_PLANNER_LABEL } from '../../../src/services/plans/local-planner.ts';
import { planRequest, plannerPrompt } from '../../../src/services/plans/llm-planner.ts';
import { planningContext } from './sample-org.ts';

const API_KEY = 'test-key-planner';

/** A plan as the model writes it under strict structured output: every field present, unused ones null. */
function answer(steps: Record<string, unknown>[], goal = 'Launch ACME on Dec 12'): string {
  return JSON.stringify({ goal, steps: steps.map((s) => ({ on_failure: 'stop', owner: 'Grace Hopper', needs: null, estimate_minutes: 1, depends_on: [], ...s })) });
}

const epic = { id: 'epic', title: 'Launch epic', action: 'jira.create_epic', params: { project: 'ACME', summary: 'ACME launch', description: null, labels: null } };
const qa = { id: 'qa', title: 'QA issue', action: 'jira.create_issue', params: { project: 'ACME', summary: 'QA sign-off', parent: '{{steps.epic.key}}', issue_type: null, description: null, assignee_account_id: 'acc-ada', labels: null }, depends_on: ['epic'] };
const review = { id: 'review', title: 'Go/no-go review', action: 'manual', params: { instructions: 'Decide', due: '2025-12-11' }, depends_on: ['qa'], estimate_minutes: 60 };
const valid = answer([epic, qa, review]);
const request = 'plan a project launch for ACME on Dec 12';

describe('LLM planner (fake OpenAI over HTTP)', () => {
  let fake: OpenAiFake;
  let llm: Llm;

  beforeEach(async () => {
    fake = await new OpenAiFake({ apiKey: API_KEY }).start();
    llm = createLlm({ OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: `${fake.url}/v1`, OPENAI_MODEL: 'gpt-test' }, { timeoutMs: 5_000, maxRetries: 0 });
  });
  afterEach(() => fake.stop());

  it('turns a valid answer into a plan, dropping the nulls strict output makes the model write', async () => {
    fake.answerWith(valid);
    const outcome = await planRequest(llm, request, planningContext());
    expect(outcome).toMatchObject({ ok: true, planner: llm.label, notes: [] });
    if (!outcome.ok) return;
    expect(outcome.plan.goal).toBe('Launch ACME on Dec 12');
    expect(outcome.plan.steps.map((s) => [s.id, s.action, s.depends_on])).toEqual([
      ['epic', 'jira.create_epic', []],
      ['qa', 'jira.create_issue', ['epic']],
      ['review', 'manual', ['qa']],
    ]);
    expect(outcome.plan.steps[1]!.params).toEqual({ project: 'ACME', summary: 'QA sign-off', parent: '{{steps.epic.key}}', assignee_account_id: 'acc-ada' });
    expect(fake.chatRequests()).toHaveLength(1);
  });

  it('asks with the actions and their parameter schemas, the projects, the people and today’s date in the org zone', async () => {
    fake.answerWith(valid);
    await planRequest(llm, request, planningContext());
    const [sent] = fake.chatRequests();
    const system = String(sent!.messages[0]!.content);
    const user = String(sent!.messages[1]!.content);
    for (const name of ['jira.create_epic', 'jira.create_issue', 'jira.assign_issue', 'slack.post_message', 'slack.schedule_reminder', 'manual']) {
      expect(system).toContain(`### ${name}\n`);
    }
    expect(system).toContain('"parent":{"type":"string","pattern"');
    expect(system).toContain('{{steps.<id>.<field>}}');
    expect(user).toContain('Today: Monday 2025-11-24, 10:00 (America/New_York).');
    expect(user).toContain('Requester: Grace Hopper (Slack U01GRACE, Jira acc-grace).');
    expect(user).toContain('SUBS "Subscriptions" (scope, PM Grace Hopper, channel C0SUBS) [default]');
    expect(user).toContain('Ada Lovelace: Jira acc-ada, Slack U01ADA, team platform');
    expect(user).toContain(`Request: ${request}`);
    expect(sent!.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'plan', strict: true } });
  });

  it('sends a plan with a cycle back once with the problem, and takes the repaired plan', async () => {
    fake.answerWith(answer([{ ...epic, depends_on: ['review'] }, qa, review]), valid);
    const outcome = await planRequest(llm, request, planningContext());
    expect(outcome.ok).toBe(true);
    const [, repair] = fake.chatRequests();
    const repairText = String(repair!.messages[1]!.content);
    expect(repairText).toContain('It cannot be used:\n- step "epic": its dependencies go round in a cycle: epic → review → qa → epic');
    expect(repairText).toContain('Your previous plan:');
  });

  it('refuses, naming every problem, when the repaired plan is still invalid', async () => {
    const unknown = { ...review, action: 'calendar.book_meeting' };
    fake.answerWith(answer([epic, qa, unknown]), answer([epic, { ...qa, depends_on: [] }, unknown]));
    const outcome = await planRequest(llm, request, planningContext());
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.message).toMatch(/could not make a valid plan for this request, even after being told what was wrong/);
    expect(outcome.problems).toEqual([
      'step "qa": params.parent uses {{steps.epic.key}}, but does not depend on step "epic" (add it to depends_on)',
      expect.stringMatching(/^step "review": unknown action "calendar.book_meeting" \(known actions: jira.create_epic, /),
    ]);
    expect(fake.chatRequests()).toHaveLength(2);
  });

  it('refuses a plan whose steps go round in a cycle twice', async () => {
    const cyclic = answer([{ ...epic, depends_on: ['qa'] }, qa]);
    fake.answerWith(cyclic, cyclic);
    const outcome = await planRequest(llm, request, planningContext());
    expect(outcome).toMatchObject({ ok: false, problems: ['step "epic": its dependencies go round in a cycle: epic → qa → epic (each waits for the next, so none can start)'] });
  });

  it('refuses people and projects the model made up', async () => {
    const invented = answer([{ ...epic, owner: 'Bob Builder', params: { project: 'acme', summary: 'x' } }]);
    fake.answerWith(invented, invented);
    const outcome = await planRequest(llm, request, planningContext());
    expect(outcome).toMatchObject({
      ok: false,
      problems: ['step "epic": params.project: expected a Jira project key such as SUBS', 'step "epic": owner "Bob Builder" is not a person in the org config (use a name from the people list)'],
    });
  });

  it('accepts a step that leaves out what it cannot infer and says so in needs', async () => {
    fake.answerWith(answer([{ ...epic, params: { project: null, summary: 'Launch', description: null, labels: null }, needs: ['project'] }]));
    const outcome = await planRequest(llm, 'plan a launch', planningContext({ channelId: undefined }));
    expect(outcome.ok && outcome.plan.steps[0]).toMatchObject({ params: { summary: 'Launch' }, needs: ['project'] });
  });

  it('says clearly when the model gives no usable answer even after the LLM layer’s own repair', async () => {
    fake.answerWith('not json', '{"goal": 1}');
    const outcome = await planRequest(llm, request, planningContext());
    expect(outcome).toMatchObject({ ok: false, message: `${llm.label} gave no usable plan for this request. What was wrong:` });
    if (!outcome.ok) expect(outcome.problems.join('\n')).toMatch(/goal/);
  });

  it('falls back to the local planner, saying why, when the LLM has no quota left', async () => {
    fake.runOutOfQuota();
    const outcome = await planRequest(llm, request, planningContext());
    expect(outcome).toMatchObject({ ok: true, planner: LOCAL_PLANNER_LABEL });
    if (outcome.ok) expect(outcome.notes[0]).toMatch(/^The LLM is unavailable \(.*no quota left.*\): planned with the local rules\.$/);
  });
});

describe('planner without an LLM', () => {
  it('uses the local planner when no LLM is configured', async () => {
    const outcome = await planRequest(createLlm({}), request, planningContext());
    expect(outcome).toMatchObject({ ok: true, planner: LOCAL_PLANNER_LABEL });
    if (outcome.ok) expect(outcome.plan.steps[0]).toMatchObject({ action: 'jira.create_epic', params: { project: 'ACME' } });
  });

  it('says it needs an LLM for a request the local planner cannot plan', async () => {
    const outcome = await planRequest(createLlm({}), 'write a haiku about Jira', planningContext());
    expect(outcome).toMatchObject({ ok: false, message: expect.stringMatching(/^I need an LLM for that/) });
  });

  it('builds the same prompt whatever the LLM (a pure function of request and context)', () => {
    expect(plannerPrompt(request, planningContext())).toEqual(plannerPrompt(request, planningContext()));
    expect(plannerPrompt(request, planningContext({ channelId: 'C0OTHER' })).user).toContain('(no project has this channel: no default project)');
  });
});
