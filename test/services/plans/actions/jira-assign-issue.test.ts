import { afterEach, describe, expect, it } from 'vitest';
import { peopleDirectory, stepMemory } from '../../../../src/services/plans/actions/index.ts';
import { assignIssueAction } from '../../../../src/services/plans/actions/jira-assign-issue.ts';
import type { JiraFake } from '../../../../src/sandbox/servers/jira.ts';
import { actionContext, jiraIssue, org, startJira } from '../sample-org.ts';

const fakes: JiraFake[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.stop()));
});

describe('jira.assign_issue', () => {
  it('says who gets which issue, by name', () => {
    const people = peopleDirectory(org.people);
    expect(assignIssueAction.summary({ issue: 'SUBS-4', assignee_account_id: 'acc-linus' }, people)).toBe('Assign SUBS-4 to Linus Pauling in Jira');
    expect(assignIssueAction.summary({ issue: '{{steps.qa.key}}', assignee_account_id: 'acc-unknown' }, people)).toBe('Assign the key of step “qa” to account acc-unknown in Jira');
  });

  it('assigns the issue, and undo gives it back to whoever had it', async () => {
    const { fake, jira } = await startJira([jiraIssue('SUBS-4', { assigneeAccountId: 'acc-ada' })]);
    fakes.push(fake);
    const ctx = actionContext({ jira });
    const result = await assignIssueAction.execute({ issue: 'SUBS-4', assignee_account_id: 'acc-linus' }, ctx);
    expect(result).toEqual({ issue: 'SUBS-4', account_id: 'acc-linus', previous_account_id: 'acc-ada' });
    expect(fake.issue('SUBS-4')!.assigneeAccountId).toBe('acc-linus');
    await assignIssueAction.undo!(result, ctx);
    expect(fake.issue('SUBS-4')!.assigneeAccountId).toBe('acc-ada');
  });

  it('saves who had the issue before assigning it, on a first try', async () => {
    const { fake, jira } = await startJira([jiraIssue('SUBS-4', { assigneeAccountId: 'acc-ada' })]);
    fakes.push(fake);
    const memory = stepMemory({ mayHaveRunBefore: false });
    await assignIssueAction.execute({ issue: 'SUBS-4', assignee_account_id: 'acc-linus' }, actionContext({ jira }, { step: memory }));
    expect(memory.saved).toEqual({ previous_account_id: 'acc-ada' });
  });

  it('after an attempt that assigned but was not recorded, a retry still knows the assignee from before, for undo', async () => {
    const { fake, jira } = await startJira([jiraIssue('SUBS-4', { assigneeAccountId: 'acc-ada' })]);
    fakes.push(fake);
    const first = stepMemory({ mayHaveRunBefore: false });
    await assignIssueAction.execute({ issue: 'SUBS-4', assignee_account_id: 'acc-linus' }, actionContext({ jira }, { step: first }));
    // That attempt's result was lost (the executor died); the retry gets only what it saved.
    const ctx = actionContext({ jira }, { step: stepMemory({ mayHaveRunBefore: true, saved: first.saved }) });

    const result = await assignIssueAction.execute({ issue: 'SUBS-4', assignee_account_id: 'acc-linus' }, ctx);
    expect(result).toEqual({ issue: 'SUBS-4', account_id: 'acc-linus', previous_account_id: 'acc-ada' });
    await assignIssueAction.undo!(result, ctx);
    expect(fake.issue('SUBS-4')!.assigneeAccountId).toBe('acc-ada');
  });

  it('remembers an issue nobody had, so undo leaves it unassigned again', async () => {
    const { fake, jira } = await startJira([jiraIssue('SUBS-4')]);
    fakes.push(fake);
    const first = stepMemory({ mayHaveRunBefore: false });
    await assignIssueAction.execute({ issue: 'SUBS-4', assignee_account_id: 'acc-linus' }, actionContext({ jira }, { step: first }));
    const ctx = actionContext({ jira }, { step: stepMemory({ mayHaveRunBefore: true, saved: first.saved }) });

    const result = await assignIssueAction.execute({ issue: 'SUBS-4', assignee_account_id: 'acc-linus' }, ctx);
    expect(result.previous_account_id).toBeNull();
    await assignIssueAction.undo!(result, ctx);
    expect(fake.issue('SUBS-4')!.assigneeAccountId).toBeNull();
  });

  it('changes nothing when the issue is already theirs', async () => {
    const { fake, jira } = await startJira([jiraIssue('SUBS-4', { assigneeAccountId: 'acc-linus' })]);
    fakes.push(fake);
    await assignIssueAction.execute({ issue: 'SUBS-4', assignee_account_id: 'acc-linus' }, actionContext({ jira }));
    expect(fake.requestsTo('/rest/api/3/issue/SUBS-4/assignee', 'PUT')).toHaveLength(0);
  });

  it('fails clearly for an issue that does not exist', async () => {
    const { fake, jira } = await startJira();
    fakes.push(fake);
    await expect(assignIssueAction.execute({ issue: 'SUBS-99', assignee_account_id: 'acc-ada' }, actionContext({ jira }))).rejects.toThrow('Jira issue SUBS-99 does not exist');
  });
});
