// `jira.create_epic`: the epic a plan's issues hang under. Created once per step (idempotency key looked up first);
// undo deletes it.
import { z } from 'zod';
import { quote } from '../templating.ts';
import type { PlanAction } from './index.ts';
import { createIssueOnce, deleteCreatedIssue, jiraProjectKeySchema, type CreatedIssue } from './jira-create-issue.ts';

const params = z.strictObject({
  project: jiraProjectKeySchema,
  summary: z.string({ error: 'expected a summary' }).trim().min(1, { error: 'expected a summary' }).max(255, { error: 'expected a summary of at most 255 characters' }),
  description: z.string().max(10_000).optional(),
  labels: z.array(z.string().regex(/^\S{1,255}$/, { error: 'expected a label without spaces' })).max(10).optional(),
});
export type CreateEpicParams = z.output<typeof params>;

export const createEpicAction: PlanAction<CreateEpicParams, CreatedIssue> = {
  name: 'jira.create_epic',
  description:
    'Create a Jira epic in a project, to group the issues of a piece of work. Later jira.create_issue steps put ' +
    'their issues under it with parent `{{steps.<id>.key}}`. Result: key, id, project.',
  params,
  resultFields: ['key', 'id', 'project'],

  summary(p) {
    return `Create Jira epic ${quote(p.summary ?? '(no summary)')} in ${p.project ?? 'a project still to choose'}`;
  },

  async execute(p, ctx) {
    return createIssueOnce(
      {
        projectKey: p.project,
        issueType: 'Epic',
        summary: p.summary,
        ...(p.description !== undefined ? { description: p.description } : {}),
        ...(p.labels !== undefined ? { labels: p.labels } : {}),
      },
      ctx,
    );
  },

  undo: deleteCreatedIssue,
};
