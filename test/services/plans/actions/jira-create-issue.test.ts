import { afterEach, describe, expect, it } from 'vitest';
import { createEpicAction } from '../../../../src/services/plans/actions/jira-create-epic.ts';
import { createIssueAction } from '../../../../src/services/plans/actions/jira-create-issue.ts';
import { peopleDirectory } from '../../../../src/services/plans/actions/index.ts';
import type { JiraFake } from '../../../../src/sandbox/servers/jira.ts';
import { actionContext, org, startJira } from '../sample-org.ts';

const fakes: JiraFake[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.stop()));
});

async function setup() {
  const { fake, jira } = await startJira();
  fakes.push(fake);
  return { fake, jira };
}

describe('jira.create_issue', () => {
  it('says in one line what it will create, naming the parent step and the assignee', () => {
    const people = peopleDirectory(org.people);
    expect(createIssueAction.summary({ project: 'SUBS', summary: 'QA sign-off', parent: '{{steps.epic.key}}', assignee_account_id: 'acc-ada' }, people)).toBe(
      'Create Jira issue “QA sign-off” in SUBS under the key of step “epic”, assigned to Ada Lovelace',
    );
    expect(createIssueAction.summary({ project: 'SUBS', summary: 'Login fails', issue_type: 'Bug', parent: 'SUBS-3' })).toBe('Create Jira bug “Login fails” in SUBS under SUBS-3');
  });

  it('accepts a parent that is a key or a reference to an earlier step’s key, and nothing else', () => {
    const parse = (parent: string) => createIssueAction.params.safeParse({ project: 'SUBS', summary: 'x', parent }).success;
    expect([parse('SUBS-12'), parse('{{steps.epic.key}}'), parse('{{steps.epic.id}}'), parse('the epic')]).toEqual([true, true, false, false]);
  });

  it('creates the epic first, then the issue with its parent set', async () => {
    const { fake, jira } = await setup();
    const epic = await createEpicAction.execute(createEpicAction.params.parse({ project: 'SUBS', summary: 'ACME launch' }), actionContext({ jira }, { idempotencyKey: 'plan-1:epic' }));
    const issue = await createIssueAction.execute(
      createIssueAction.params.parse({ project: 'SUBS', summary: 'QA sign-off', parent: epic.key, assignee_account_id: 'acc-ada', labels: ['launch'] }),
      actionContext({ jira }, { idempotencyKey: 'plan-1:qa' }),
    );
    expect(fake.createdIssues.map((i) => [i.key, i.issueType, i.parentKey])).toEqual([
      ['SUBS-1', 'Epic', null],
      ['SUBS-2', 'Task', 'SUBS-1'],
    ]);
    expect(issue).toMatchObject({ key: 'SUBS-2', created: true });
    expect(fake.issue('SUBS-2')).toMatchObject({ assigneeAccountId: 'acc-ada', labels: expect.arrayContaining(['launch']) });
  });

  it('creates nothing new when the same step runs again, but a different step creates its own issue', async () => {
    const { fake, jira } = await setup();
    const params = createIssueAction.params.parse({ project: 'SUBS', summary: 'Release notes' });
    const first = await createIssueAction.execute(params, actionContext({ jira }, { idempotencyKey: 'plan-1:notes' }));
    const retried = await createIssueAction.execute(params, actionContext({ jira }, { idempotencyKey: 'plan-1:notes' }));
    const other = await createIssueAction.execute(params, actionContext({ jira }, { idempotencyKey: 'plan-2:notes' }));
    expect(retried).toEqual({ ...first, created: false });
    expect(other.key).not.toBe(first.key);
    expect(fake.createdIssues).toHaveLength(2);
  });

  it('is undone by deleting the issue', async () => {
    const { fake, jira } = await setup();
    const ctx = actionContext({ jira });
    const result = await createIssueAction.execute(createIssueAction.params.parse({ project: 'ACME', summary: 'Go-live checklist' }), ctx);
    expect(fake.issue(result.key)).toBeDefined();
    await createIssueAction.undo!(result, ctx);
    expect(fake.issue(result.key)).toBeUndefined();
  });
});
