// `jira.assign_issue`: give an issue (existing, or made by an earlier step) to a person. Assigning is idempotent by
// nature; undo gives the issue back to whoever had it before, which is saved before assigning: a retry after an attempt
// that assigned would otherwise read the new assignee as the one before.
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

/** The assignee an earlier attempt saved before assigning (null: nobody had it); undefined when none was saved. */
function savedPrevious(saved: Readonly<Record<string, unknown>> | null): string | null | undefined {
  if (!saved || !('previous_account_id' in saved)) return undefined;
  const previous = saved.previous_account_id;
  return typeof previous === 'string' || previous === null ? previous : undefined;
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
    // Nothing saved means no earlier attempt got as far as assigning: the issue's assignee now is the one before.
    const saved = savedPrevious(ctx.step.saved);
    const previous = saved === undefined ? issue.assigneeAccountId : saved;
    if (issue.assigneeAccountId !== p.assignee_account_id) {
      if (saved === undefined) await ctx.step.save({ previous_account_id: previous });
      await jira.assignIssue(p.issue, p.assignee_account_id);
    }
    return { issue: issue.key, account_id: p.assignee_account_id, previous_account_id: previous };
  },

  async undo(result, ctx) {
    await ctx.jira().assignIssue(result.issue, result.previous_account_id);
  },
};
