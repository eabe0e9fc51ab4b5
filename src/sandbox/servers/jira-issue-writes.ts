// Changing issues in the fake Jira: create, edit, delete and assign, with Jira's validation of every field written
// (errors per field in `errors`) and a changelog entry for each change.
import { adfToText, isAdfDocument } from '../../integrations/adf.ts';
import type { JiraChangeItem, JiraIssueRecord } from '../agency-data.ts';
import type { FakeRequest, FakeResponse } from './fake-server.ts';
import { jiraError } from './jira-errors.ts';
import { ISSUE_TYPES, PRIORITIES, type IssueTypeName, type JiraShapes } from './jira-shapes.ts';
import type { JiraStore } from './jira-store.ts';

function notSettable(field: string): string {
  return `Field '${field}' cannot be set. It is not on the appropriate screen, or unknown.`;
}

export class JiraIssueWrites {
  constructor(
    private readonly store: JiraStore,
    private readonly shapes: JiraShapes,
    /** Issues created through the API, in order of creation (the fake's `createdIssues`). */
    private readonly createdIssues: JiraIssueRecord[],
  ) {}

  createIssue(req: FakeRequest): FakeResponse {
    const body = req.json<{ fields?: Record<string, unknown>; update?: unknown; properties?: unknown }>();
    const f = body?.fields;
    // Issue properties set with the create (IssueUpdateDetails.properties: EntityProperty[]).
    const properties: Record<string, unknown> = {};
    if (body?.properties !== undefined) {
      if (!Array.isArray(body.properties)) throw jiraError(400, ['properties must be an array of {key, value}.']);
      for (const p of body.properties as { key?: unknown; value?: unknown }[]) {
        if (typeof p?.key !== 'string' || p.key === '' || p.value === undefined) throw jiraError(400, ['Each property needs a key and a value.']);
        properties[p.key] = p.value;
      }
    }
    if (!f || typeof f !== 'object') throw jiraError(400, ['Issue must have fields.']);
    const errors: Record<string, string> = {};
    const projectRef = f.project as { key?: string; id?: string } | undefined;
    const project = this.store.data.projects.find(
      (p) => (projectRef?.key !== undefined && p.key === projectRef.key.toUpperCase()) || (projectRef?.id !== undefined && p.id === String(projectRef.id)),
    );
    if (!project) errors.project = 'valid project is required';
    const typeRef = f.issuetype as { name?: string; id?: string } | undefined;
    const typeName = (Object.keys(ISSUE_TYPES) as IssueTypeName[]).find((t) => t.toLowerCase() === typeRef?.name?.toLowerCase() || ISSUE_TYPES[t].id === String(typeRef?.id));
    if (!typeName) errors.issuetype = 'Specify a valid issue type';
    const summary = this.checkSummary(f.summary, errors, true);
    const description = this.checkDescription(f, errors);
    const parent = this.checkParent(f, typeName, errors);
    if (typeName === 'Sub-task' && !parent && !errors.parent) errors.parent = 'A sub-task must have a parent issue.';
    const assignee = this.checkUser(f, 'assignee', errors);
    const labels = this.checkLabels(f, errors);
    const priority = this.checkPriority(f, errors);
    const creatable = ['project', 'issuetype', 'summary', 'description', 'parent', 'assignee', 'labels', 'priority', 'reporter'];
    for (const name of Object.keys(f)) if (!creatable.includes(name)) errors[name] = notSettable(name);
    if (Object.keys(errors).length > 0 || !project || !typeName || summary === undefined) throw jiraError(400, [], errors);

    const next = this.store.nextIssueRef(project.key);
    const now = this.store.clock.now().toISOString();
    const issue: JiraIssueRecord = {
      id: next.id,
      key: next.key,
      projectKey: project.key,
      issueType: typeName,
      summary,
      description: description ?? null,
      status: 'To Do',
      statusCategory: 'new',
      priority: priority ?? 'Medium',
      assigneeAccountId: assignee ?? null,
      reporterAccountId: this.store.myself.accountId,
      parentKey: parent?.key ?? null,
      labels: labels ?? [],
      originalEstimateSeconds: null,
      storyPoints: null,
      created: now,
      updated: now,
      resolutiondate: null,
      changelog: [],
      comments: [],
      properties,
    };
    this.store.add(issue);
    this.createdIssues.push(issue);
    return { status: 201, body: { id: issue.id, key: issue.key, self: this.shapes.self(`/issue/${issue.id}`) } };
  }

  editIssue(req: FakeRequest): FakeResponse {
    const issue = this.store.mustFind(req.params.key!);
    const body = req.json<{ fields?: Record<string, unknown>; update?: Record<string, unknown> }>() ?? {};
    const f = body.fields ?? {};
    const errors: Record<string, string> = {};
    const editable = ['summary', 'description', 'parent', 'assignee', 'labels', 'priority'];
    for (const name of Object.keys(f)) if (!editable.includes(name)) errors[name] = notSettable(name);
    const summary = 'summary' in f ? this.checkSummary(f.summary, errors, true) : undefined;
    const description = this.checkDescription(f, errors);
    const parent = 'parent' in f ? this.checkParent(f, issue.issueType as IssueTypeName, errors, issue) : undefined;
    const assignee = this.checkUser(f, 'assignee', errors);
    let labels = this.checkLabels(f, errors);
    const priority = this.checkPriority(f, errors);
    for (const [name, ops] of Object.entries(body.update ?? {})) {
      if (name !== 'labels' || !Array.isArray(ops)) {
        errors[name] = notSettable(name);
        continue;
      }
      const next = new Set(labels ?? issue.labels);
      for (const op of ops as Record<string, unknown>[]) {
        if (typeof op.add === 'string') next.add(op.add);
        else if (typeof op.remove === 'string') next.delete(op.remove);
        else if (Array.isArray(op.set)) { next.clear(); op.set.forEach((l) => next.add(String(l))); }
        else errors.labels = 'Each labels operation is one of add, remove or set.';
      }
      labels = [...next];
    }
    if (Object.keys(errors).length > 0) throw jiraError(400, [], errors);

    const items: JiraChangeItem[] = [];
    if (summary !== undefined && summary !== issue.summary) items.push(this.store.item('summary', issue.summary, summary));
    if (description !== undefined && description !== issue.description) items.push(this.store.item('description', issue.description, description));
    if (parent !== undefined && (parent?.key ?? null) !== issue.parentKey) items.push(this.store.parentItem(issue.parentKey, parent?.key ?? null));
    if (assignee !== undefined && assignee !== issue.assigneeAccountId) items.push(this.store.assigneeItem(issue.assigneeAccountId, assignee));
    if (labels !== undefined && labels.join(' ') !== issue.labels.join(' ')) items.push(this.store.item('labels', issue.labels.join(' ') || null, labels.join(' ') || null));
    if (priority !== undefined && priority !== issue.priority) {
      const id = (name: string) => String(PRIORITIES.indexOf(name as (typeof PRIORITIES)[number]) + 1);
      items.push({ field: 'priority', fieldtype: 'jira', fieldId: 'priority', from: id(issue.priority), fromString: issue.priority, to: id(priority), toString: priority });
    }
    this.store.change(issue, this.store.myself.accountId, items, () => {
      if (summary !== undefined) issue.summary = summary;
      if (description !== undefined) issue.description = description;
      if (parent !== undefined) issue.parentKey = parent?.key ?? null;
      if (assignee !== undefined) issue.assigneeAccountId = assignee;
      if (labels !== undefined) issue.labels = labels;
      if (priority !== undefined) issue.priority = priority;
    });
    return { status: 204 };
  }

  deleteIssue(req: FakeRequest): FakeResponse {
    const issue = this.store.mustFind(req.params.key!);
    const subtasks = this.store.data.issues.filter((i) => i.parentKey === issue.key && i.issueType === 'Sub-task');
    if (subtasks.length > 0 && req.query.get('deleteSubtasks') !== 'true') {
      throw jiraError(400, [`The issue '${issue.key}' has subtasks. Set the parameter 'deleteSubtasks' to true to delete them too.`]);
    }
    const doomed = new Set([issue.key, ...subtasks.map((s) => s.key)]);
    for (const child of this.store.data.issues) {
      if (child.parentKey && doomed.has(child.parentKey) && !doomed.has(child.key)) {
        this.store.change(child, this.store.myself.accountId, [this.store.parentItem(child.parentKey, null)], () => { child.parentKey = null; });
      }
    }
    for (let i = this.store.data.issues.length - 1; i >= 0; i -= 1) if (doomed.has(this.store.data.issues[i]!.key)) this.store.data.issues.splice(i, 1);
    this.store.removed();
    return { status: 204 };
  }

  assign(req: FakeRequest): FakeResponse {
    const issue = this.store.mustFind(req.params.key!);
    const body = req.json<{ accountId?: string | null }>();
    if (!body || !('accountId' in body)) throw jiraError(400, [], { accountId: 'accountId is required (null to unassign).' });
    const errors: Record<string, string> = {};
    const to = body.accountId === null || body.accountId === '-1' ? null : this.checkUser({ assignee: { accountId: body.accountId } }, 'assignee', errors) ?? null;
    if (errors.assignee) throw jiraError(400, [], { accountId: errors.assignee });
    if (to !== issue.assigneeAccountId) {
      this.store.change(issue, this.store.myself.accountId, [this.store.assigneeItem(issue.assigneeAccountId, to)], () => { issue.assigneeAccountId = to; });
    }
    return { status: 204 };
  }

  // --- validation of writes ------------------------------------------------------------------------------------

  private checkSummary(value: unknown, errors: Record<string, string>, required: boolean): string | undefined {
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || value.trim() === '') {
      errors.summary = 'You must specify a summary of the issue.';
      return undefined;
    }
    if (value.length > 255) errors.summary = 'Summary must be less than 255 characters.';
    if (/[\r\n]/.test(value)) errors.summary = 'The summary is invalid because it contains newline characters.';
    return value;
  }

  /** undefined: not given; null: cleared; else the text we store (served back as ADF). */
  private checkDescription(f: Record<string, unknown>, errors: Record<string, string>): string | null | undefined {
    if (!('description' in f)) return undefined;
    if (f.description === null) return null;
    if (!isAdfDocument(f.description)) {
      errors.description = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
      return undefined;
    }
    return adfToText(f.description);
  }

  private checkParent(f: Record<string, unknown>, typeName: IssueTypeName | undefined, errors: Record<string, string>, self?: JiraIssueRecord): JiraIssueRecord | null | undefined {
    if (!('parent' in f)) return undefined;
    if (f.parent === null) {
      if (typeName === 'Sub-task') errors.parent = 'A sub-task must have a parent issue.';
      return null;
    }
    const ref = f.parent as { key?: string; id?: string };
    if (typeof ref !== 'object') {
      errors.parent = 'data was not an object';
      return undefined;
    }
    const parent = this.store.issue(String(ref.key ?? ref.id ?? ''));
    if (!parent) {
      errors.parent = 'Could not find issue by id or key.';
      return undefined;
    }
    const level = typeName ? ISSUE_TYPES[typeName].hierarchyLevel : 0;
    const parentLevel = ISSUE_TYPES[parent.issueType as IssueTypeName]?.hierarchyLevel ?? 0;
    if (parentLevel !== level + 1 || parent.key === self?.key) errors.parent = 'Given parent work item does not belong to appropriate hierarchy.';
    return parent;
  }

  private checkUser(f: Record<string, unknown>, field: 'assignee', errors: Record<string, string>): string | null | undefined {
    if (!(field in f)) return undefined;
    const ref = f[field] as { accountId?: unknown } | null;
    if (ref === null || ref?.accountId === null) return null;
    const id = ref?.accountId;
    if (typeof id !== 'string' || !this.store.data.users.some((u) => u.accountId === id && u.active)) {
      errors[field] = `User '${String(id)}' does not exist or cannot be assigned.`;
      return undefined;
    }
    return id;
  }

  private checkLabels(f: Record<string, unknown>, errors: Record<string, string>): string[] | undefined {
    if (!('labels' in f)) return undefined;
    const labels = f.labels;
    if (!Array.isArray(labels) || labels.some((l) => typeof l !== 'string' || l === '' || /\s/.test(l) || l.length > 255)) {
      errors.labels = 'Labels are a list of words without spaces, at most 255 characters each.';
      return undefined;
    }
    return [...new Set(labels as string[])];
  }

  private checkPriority(f: Record<string, unknown>, errors: Record<string, string>): JiraIssueRecord['priority'] | undefined {
    if (!('priority' in f)) return undefined;
    const ref = f.priority as { name?: string; id?: string } | null;
    const found = PRIORITIES.find((p, i) => p === ref?.name || String(i + 1) === String(ref?.id));
    if (!found) errors.priority = 'Specify a valid priority.';
    return found;
  }
}
