// `jira.create_issue`: a Jira issue, optionally under an epic made by an earlier step (`parent: {{steps.<id>.key}}`).
// Created once per step whatever the retries: the step's idempotency key is looked up before creating. Also holds the
// Jira param shapes and the create-once routine the epic action shares.
import { z } from 'zod';
import type { CreateIssueInput } from '../../../integrations/jira.ts';
import { describeParam, quote } from '../templating.ts';
import type { ActionContext, PeopleDirectory, PlanAction } from './index.ts';

/** The issue property (and, through the client, the label) that carries a step's idempotency key. */
export const IDEMPOTENCY_PROPERTY = 'pm-agents-plan-step';

const REFERENCE_TO_KEY = String.raw`\{\{\s*steps\.[A-Za-z][A-Za-z0-9_-]*\.key\s*\}\}`;

export const jiraProjectKeySchema = z
  .string({ error: 'expected a Jira project key such as SUBS' })
  .regex(/^[A-Z][A-Z0-9_]{1,9}$/, { error: 'expected a Jira project key such as SUBS' });

/** An issue key, or the key an earlier step will give (`{{steps.epic.key}}`). */
export const jiraIssueRefSchema = z
  .string({ error: 'expected an issue key such as SUBS-12 or {{steps.<id>.key}}' })
  .regex(new RegExp(`^(?:[A-Z][A-Z0-9_]{1,9}-[1-9][0-9]*|${REFERENCE_TO_KEY})$`), { error: 'expected an issue key such as SUBS-12 or {{steps.<id>.key}}' });

export const jiraAccountIdSchema = z
  .string({ error: 'expected a Jira account id' })
  .regex(/^[A-Za-z0-9:_-]{1,128}$/, { error: 'expected a Jira account id (from the people list)' });

const labelSchema = z.string().regex(/^\S{1,255}$/, { error: 'expected a label without spaces' });

/** What a Jira create step gives later steps. */
export interface CreatedIssue {
  id: string;
  key: string;
  project: string;
  /** false when an earlier attempt of the same step had created it and it was found instead. */
  created: boolean;
}

/**
 * Creates the issue unless one carrying this idempotency key exists in the project already (an earlier attempt that
 * failed after Jira had created it, or a resumed plan), in which case that one is returned. On a step's first try
 * nothing can carry its key yet, so the lookup is skipped: one Jira call instead of two.
 */
export async function createIssueOnce(input: Omit<CreateIssueInput, 'idempotency'>, ctx: Pick<ActionContext, 'jira' | 'idempotencyKey' | 'step'>): Promise<CreatedIssue> {
  const jira = ctx.jira();
  if (ctx.step.mayHaveRunBefore) {
    const existing = await jira.findIssueByProperty(input.projectKey, IDEMPOTENCY_PROPERTY, ctx.idempotencyKey);
    if (existing) return { id: existing.id, key: existing.key, project: input.projectKey, created: false };
  }
  const made = await jira.createIssue({ ...input, idempotency: { property: IDEMPOTENCY_PROPERTY, value: ctx.idempotencyKey } });
  return { id: made.id, key: made.key, project: input.projectKey, created: true };
}

/** Deletes an issue a step created; one that is already gone is fine. */
export async function deleteCreatedIssue(result: CreatedIssue, ctx: ActionContext): Promise<void> {
  try {
    await ctx.jira().deleteIssue(result.key);
  } catch (err) {
    if ((err as { status?: unknown }).status !== 404) throw err;
    ctx.logger.info({ issue: result.key }, 'undo: the Jira issue was already deleted');
  }
}

export function personName(id: string | undefined, people: PeopleDirectory | undefined): string | undefined {
  if (id === undefined) return undefined;
  return people?.nameOf(id) ?? `account ${id}`;
}

const params = z.strictObject({
  project: jiraProjectKeySchema,
  summary: z.string({ error: 'expected a summary' }).trim().min(1, { error: 'expected a summary' }).max(255, { error: 'expected a summary of at most 255 characters' }),
  issue_type: z.string().trim().min(1).max(60).default('Task'),
  description: z.string().max(10_000).optional(),
  parent: jiraIssueRefSchema.optional(),
  assignee_account_id: jiraAccountIdSchema.optional(),
  labels: z.array(labelSchema).max(10).optional(),
});
export type CreateIssueParams = z.output<typeof params>;

export const createIssueAction: PlanAction<CreateIssueParams, CreatedIssue> = {
  name: 'jira.create_issue',
  description:
    'Create a Jira issue (issue_type Task by default; Story, Bug or Sub-task also exist). Put it under an epic with ' +
    '`parent`: an existing key, or `{{steps.<id>.key}}` of an earlier jira.create_epic step (then depend on that step). ' +
    'Result: key, id, project.',
  params,
  resultFields: ['key', 'id', 'project'],

  summary(p, people) {
    const type = p.issue_type && p.issue_type !== 'Task' ? p.issue_type.toLowerCase() : 'issue';
    let line = `Create Jira ${type} ${quote(p.summary ?? '(no summary)')} in ${p.project ?? 'a project still to choose'}`;
    if (p.parent) line += ` under ${describeParam(p.parent)}`;
    const assignee = personName(p.assignee_account_id, people);
    if (assignee) line += `, assigned to ${assignee}`;
    return line;
  },

  async execute(p, ctx) {
    return createIssueOnce(
      {
        projectKey: p.project,
        issueType: p.issue_type,
        summary: p.summary,
        ...(p.description !== undefined ? { description: p.description } : {}),
        ...(p.parent !== undefined ? { parentKey: p.parent } : {}),
        ...(p.assignee_account_id !== undefined ? { assigneeAccountId: p.assignee_account_id } : {}),
        ...(p.labels !== undefined ? { labels: p.labels } : {}),
      },
      ctx,
    );
  },

  undo: deleteCreatedIssue,
};
