// The fields JQL can name in the fake Jira: what each reads on an issue, and how a value written in a query is checked
// against the known projects, issues, statuses and users (unknown ones are errors, as in real Jira).
import type { JiraIssueRecord, JiraStatusCategory } from '../agency-data.ts';
import type { JqlContext } from './jql-evaluator.ts';
import { JqlError } from './jql-parser.ts';

const ISSUE_TYPES = new Map([['epic', 'Epic'], ['story', 'Story'], ['task', 'Task'], ['bug', 'Bug'], ['sub-task', 'Sub-task'], ['subtask', 'Sub-task']]);
/** Jira's priorities, highest first (their rank when sorting). */
export const PRIORITIES = ['Highest', 'High', 'Medium', 'Low', 'Lowest'];
const STATUS_CATEGORIES: Record<string, JiraStatusCategory> = {
  'to do': 'new', new: 'new', '2': 'new',
  'in progress': 'indeterminate', indeterminate: 'indeterminate', '4': 'indeterminate',
  done: 'done', complete: 'done', '3': 'done',
};
/** Statuses every fake workflow knows, besides those found on issues. */
const DEFAULT_STATUSES = ['To Do', 'Backlog', 'Selected for Development', 'In Progress', 'In Review', 'Code Review', 'QA', 'Blocked', 'Done', 'Closed'];

type Getter = (issue: JiraIssueRecord) => string[];
type Normalise = (operand: { text: string; quoted: boolean }) => string;

/** What a JQL field reads on an issue and how a value written in a query is checked and normalised. */
export type FieldSpec =
  | { kind: 'values'; name: string; get: Getter; normalise: Normalise }
  | { kind: 'date' | 'text'; name: string; get: (issue: JiraIssueRecord) => string | null };

function noSuchValue(value: string, field: string): JqlError {
  return new JqlError(`The value '${value}' does not exist for the field '${field}'.`);
}

function propertyValue(value: unknown, path: string[]): string | null {
  let cur = value;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return null;
    cur = (cur as Record<string, unknown>)[seg];
  }
  if (cur === null || cur === undefined) return null;
  return typeof cur === 'object' ? JSON.stringify(cur) : String(cur);
}

/** The field a clause names (case-insensitive; `issue.property[key].path` for indexed properties). */
export function fieldSpec(rawField: string, ctx: JqlContext): FieldSpec {
  const field = rawField.toLowerCase();
  const projects = ctx.projects;
  const issues = ctx.issues;
  const byId = new Map(issues?.map((i) => [i.id, i.key]));
  const keys = new Set(issues?.map((i) => i.key));
  const issueRef = (fieldName: string) => (o: { text: string }): string => {
    const text = o.text.trim();
    if (/^\d+$/.test(text) && issues) {
      const key = byId.get(text);
      if (!key) throw new JqlError(`An issue with id '${text}' does not exist for field '${fieldName}'.`);
      return key;
    }
    const key = text.toUpperCase();
    if (issues && !keys.has(key)) {
      if (fieldName === 'key') throw new JqlError(`An issue with key '${text}' does not exist for field 'key'.`);
      throw noSuchValue(text, fieldName);
    }
    return key;
  };
  const user = (fieldName: string) => (o: { text: string }): string => {
    if (ctx.accountIds && !ctx.accountIds.includes(o.text)) throw noSuchValue(o.text, fieldName);
    return o.text;
  };

  const property = /^issue\.property\[([^\]]+)\]((?:\.[\w-]+)*)$/i.exec(rawField);
  if (property) {
    const key = property[1]!;
    if (!(ctx.indexedProperties ?? []).includes(key)) {
      throw new JqlError(`Field '${rawField}' does not exist or you do not have permission to view it. (Issue properties are searchable only when an app indexes them.)`);
    }
    const path = property[2]!.split('.').filter(Boolean);
    return { name: rawField, kind: 'values', get: (i) => { const v = propertyValue(i.properties[key], path); return v === null ? [] : [v]; }, normalise: (o) => o.text };
  }

  switch (field) {
    case 'project':
      return {
        name: 'project',
        kind: 'values',
        get: (i) => [i.projectKey.toUpperCase()],
        normalise: (o) => {
          if (!projects) return o.text.toUpperCase();
          const p = projects.find((x) => x.key.toLowerCase() === o.text.toLowerCase() || x.id === o.text || x.name.toLowerCase() === o.text.toLowerCase());
          if (!p) throw noSuchValue(o.text, 'project');
          return p.key.toUpperCase();
        },
      };
    case 'key':
    case 'issuekey':
    case 'issue':
    case 'id':
      return { name: 'key', kind: 'values', get: (i) => [i.key], normalise: issueRef('key') };
    case 'issuetype':
    case 'type':
      return {
        name: 'issuetype',
        kind: 'values',
        get: (i) => [i.issueType.toLowerCase()],
        normalise: (o) => {
          const t = ISSUE_TYPES.get(o.text.toLowerCase());
          if (!t) throw noSuchValue(o.text, 'issuetype');
          return t.toLowerCase();
        },
      };
    case 'parent':
    case 'epic link':
    case 'cf[10014]':
    {
      // "Epic Link" is deprecated in REST; both it and parent read the one parent link.
      const name = field === 'parent' ? 'parent' : 'Epic Link';
      return { name, kind: 'values', get: (i) => (i.parentKey ? [i.parentKey] : []), normalise: issueRef(name) };
    }
    case 'status': {
      const known = new Set([...DEFAULT_STATUSES, ...(issues ?? []).map((i) => i.status)].map((s) => s.toLowerCase()));
      return {
        name: 'status',
        kind: 'values',
        get: (i) => [i.status.toLowerCase()],
        normalise: (o) => {
          if (issues && !known.has(o.text.toLowerCase())) throw noSuchValue(o.text, 'status');
          return o.text.toLowerCase();
        },
      };
    }
    case 'statuscategory':
      return {
        name: 'statusCategory',
        kind: 'values',
        get: (i) => [i.statusCategory],
        normalise: (o) => {
          const c = STATUS_CATEGORIES[o.text.toLowerCase()];
          if (!c) throw noSuchValue(o.text, 'statusCategory');
          return c;
        },
      };
    case 'assignee':
      return { name: 'assignee', kind: 'values', get: (i) => (i.assigneeAccountId ? [i.assigneeAccountId] : []), normalise: user('assignee') };
    case 'reporter':
      return { name: 'reporter', kind: 'values', get: (i) => (i.reporterAccountId ? [i.reporterAccountId] : []), normalise: user('reporter') };
    case 'priority':
      return {
        name: 'priority',
        kind: 'values',
        get: (i) => [i.priority.toLowerCase()],
        normalise: (o) => {
          if (!PRIORITIES.some((p) => p.toLowerCase() === o.text.toLowerCase())) throw noSuchValue(o.text, 'priority');
          return o.text.toLowerCase();
        },
      };
    case 'labels':
    case 'label':
      return { name: 'labels', kind: 'values', get: (i) => i.labels, normalise: (o) => o.text };
    case 'created':
    case 'createddate':
      return { name: 'created', kind: 'date', get: (i) => i.created };
    case 'updated':
    case 'updateddate':
      return { name: 'updated', kind: 'date', get: (i) => i.updated };
    case 'resolved':
    case 'resolutiondate':
      return { name: 'resolved', kind: 'date', get: (i) => i.resolutiondate };
    case 'summary':
      return { name: 'summary', kind: 'text', get: (i) => i.summary };
    default:
      throw new JqlError(
        `Field '${rawField}' does not exist or you do not have permission to view it. (The pm-agents Jira fake supports ` +
          'project, key, issuetype, parent, "Epic Link", status, statusCategory, assignee, reporter, priority, labels, created, updated, resolved, summary.)',
      );
  }
}
