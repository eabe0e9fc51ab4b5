// `jira.assign_issue`: give an issue (existing, or made by an earlier step) to a person. Assigning is idempotent by
// nature; undo gives the issue back to whoever had it before.
import { z } from 'zod';
import { describeParam } from '../templating.ts';
import type { PlanAction } from './index.ts';
import { jiraAccountIdSchema, jiraIssueRefSchema, personName } from './jira-create-issue.ts';

const params = z.strictObject({
  issue: jiraIssueRefSchema,
  assignee_account_id: jiraAccountIdSchema,
});
export type AssignIssueParams = z.output<typeof params>;

export interface AssignedIssue {
  issue: string;
  account_id: string;
  /** Who had it before (null: nobody), for undo. */
  previous_account_id: string | null;
}

export const assignIssueAction: PlanAction<AssignIssueParams, AssignedIssue> = {
  name: 'jira.assign_issue',
  description:
    'Assign a Jira issue to a person (their Jira account id from the people list). `issue` is a key such as SUBS-12 ' +
    'or `{{steps.<id>.key}}` of an earlier create step. Result: issue, account_id.',
  params,
  resultFields: ['issue', 'account_id'],

  summary(p, people) {
    const who = personName(p.assignee_account_id, people) ?? 'someone still to choose';
    return `Assign ${p.issue ? describeParam(p.issue) : 'an issue'} to ${who} in Jira`;
  },

  async execute(p, ctx) {
    const jira = ctx.jira();
    const issue = await jira.getIssue(p.issue);
    if (!issue) throw new Error(`Jira issue ${p.issue} does not exist (or pm-agents may not see it)`);
    if (issue.assigneeAccountId !== p.assignee_account_id) await jira.assignIssue(p.issue, p.assignee_account_id);
    return { issue: issue.key, account_id: p.assignee_account_id, previous_account_id: issue.assigneeAccountId };
  },

  async undo(result, ctx) {
    await ctx.jira().assignIssue(result.issue, result.previous_account_id);
  },
};
