// Jira's JSON shapes in the fake, as REST v3 answers them: issues and their fields, users, statuses, issue types,
// priorities, comments (ADF) and change histories, with Jira's timestamp format and the `fields` parameter.
import { textToAdf } from '../../integrations/adf.ts';
import type { JiraHistoryRecord, JiraIssueRecord } from '../agency-data.ts';
import type { JiraStore } from './jira-store.ts';

export const V3 = '/rest/api/3';

/** Jira's three status categories, as every status JSON carries them. */
const CATEGORY = {
  new: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
  indeterminate: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
  done: { id: 3, key: 'done', colorName: 'green', name: 'Done' },
} as const;
/** Issue types with their ids and hierarchy levels (Epic above Story/Task/Bug above Sub-task). */
export const ISSUE_TYPES = {
  Epic: { id: '10000', hierarchyLevel: 1 },
  Story: { id: '10001', hierarchyLevel: 0 },
  Task: { id: '10002', hierarchyLevel: 0 },
  Bug: { id: '10003', hierarchyLevel: 0 },
  'Sub-task': { id: '10004', hierarchyLevel: -1 },
} as const;
export type IssueTypeName = keyof typeof ISSUE_TYPES;
/** Priorities in rank order; a priority's id is its position, from 1. */
export const PRIORITIES = ['Highest', 'High', 'Medium', 'Low', 'Lowest'] as const;
/** Fields returned for `*all` / `*navigable` and the default of GET issue. */
export const ALL_FIELDS = [
  'summary', 'status', 'issuetype', 'parent', 'assignee', 'reporter', 'creator', 'priority', 'labels', 'created', 'updated',
  'resolutiondate', 'resolution', 'timeoriginalestimate', 'project', 'description', 'subtasks', 'customfield_10016', 'comment',
];

/** Jira's timestamp format: `2024-01-15T10:23:45.123+0000` (UTC, offset without a colon). */
export function formatJiraDate(iso: string): string {
  return new Date(iso).toISOString().replace('Z', '+0000');
}

/** `fields` as Jira reads it: repeated or comma-separated, `*all`, `*navigable`, `-name` to leave one out. */
export function selectFields(requested: string[] | undefined, fallback: string[]): Set<string> {
  const names = (requested ?? []).flatMap((f) => f.split(',')).map((f) => f.trim()).filter(Boolean);
  const chosen = new Set<string>(names.length === 0 ? fallback : []);
  for (const name of names) {
    if (name === '*all') ALL_FIELDS.forEach((f) => chosen.add(f));
    else if (name === '*navigable') ALL_FIELDS.filter((f) => f !== 'comment').forEach((f) => chosen.add(f));
    else if (!name.startsWith('-')) chosen.add(name);
  }
  for (const name of names) if (name.startsWith('-')) chosen.delete(name.slice(1));
  return chosen;
}

/** Builds Jira's JSON for the store's records; `baseUrl` is read per call (the server's address is known once started). */
export class JiraShapes {
  constructor(
    private readonly store: JiraStore,
    private readonly baseUrl: () => string,
  ) {}

  self(path: string): string {
    return `${this.baseUrl()}${V3}${path}`;
  }

  userJson(accountId: string | null): unknown {
    if (!accountId) return null;
    const user = this.store.data.users.find((u) => u.accountId === accountId) ?? (accountId === this.store.myself.accountId ? this.store.myself : undefined);
    return {
      self: `${this.baseUrl()}${V3}/user?accountId=${encodeURIComponent(accountId)}`,
      accountId,
      ...(user?.emailAddress ? { emailAddress: user.emailAddress } : {}),
      avatarUrls: { '48x48': `${this.baseUrl()}/avatar/${encodeURIComponent(accountId)}.png` },
      displayName: user?.displayName ?? accountId,
      active: user?.active ?? false,
      timeZone: 'UTC',
      accountType: 'atlassian',
    };
  }

  statusJson(name: string): unknown {
    const key = name.toLowerCase();
    const id = this.store.statusId(key) ?? '1';
    const category = CATEGORY[this.store.statusCategory(key) ?? 'new'];
    return {
      self: this.self(`/status/${id}`),
      description: '',
      iconUrl: `${this.baseUrl()}/images/icons/statuses/generic.png`,
      name: this.store.canonicalStatus(name),
      id,
      statusCategory: { self: this.self(`/statuscategory/${category.id}`), ...category },
    };
  }

  issueTypeJson(name: string): unknown {
    const type = ISSUE_TYPES[name as IssueTypeName] ?? ISSUE_TYPES.Task;
    return {
      self: this.self(`/issuetype/${type.id}`),
      id: type.id,
      description: '',
      iconUrl: `${this.baseUrl()}/images/icons/issuetypes/${name.toLowerCase()}.svg`,
      name,
      subtask: type.hierarchyLevel === -1,
      avatarId: Number(type.id),
      hierarchyLevel: type.hierarchyLevel,
    };
  }

  priorityJson(name: string): unknown {
    const id = String(PRIORITIES.indexOf(name as (typeof PRIORITIES)[number]) + 1);
    return { self: this.self(`/priority/${id}`), iconUrl: `${this.baseUrl()}/images/icons/priorities/${name.toLowerCase()}.svg`, name, id };
  }

  historyJson(h: JiraHistoryRecord): unknown {
    return { id: h.id, author: this.userJson(h.authorAccountId), created: formatJiraDate(h.created), items: h.items.map((it) => ({ ...it })) };
  }

  commentJson(issue: JiraIssueRecord, c: JiraIssueRecord['comments'][number]): unknown {
    const author = this.userJson(c.authorAccountId);
    return {
      self: this.self(`/issue/${issue.id}/comment/${c.id}`),
      id: c.id,
      author,
      body: textToAdf(c.body),
      updateAuthor: author,
      created: formatJiraDate(c.created),
      updated: formatJiraDate(c.updated),
      jsdPublic: true,
    };
  }

  /** How Jira shows a related issue (parent, sub-task): key and a few fields. */
  private linkedIssueJson(issue: JiraIssueRecord): unknown {
    const fields = { summary: issue.summary, status: this.statusJson(issue.status), priority: this.priorityJson(issue.priority), issuetype: this.issueTypeJson(issue.issueType) };
    return { id: issue.id, key: issue.key, self: this.self(`/issue/${issue.id}`), fields };
  }

  private fieldJson(issue: JiraIssueRecord, name: string): { present: boolean; value?: unknown } {
    switch (name) {
      case 'summary': return { present: true, value: issue.summary };
      case 'status': return { present: true, value: this.statusJson(issue.status) };
      case 'issuetype': return { present: true, value: this.issueTypeJson(issue.issueType) };
      case 'parent': {
        const parent = issue.parentKey ? this.store.issue(issue.parentKey) : undefined;
        if (!parent) return { present: false };
        return { present: true, value: this.linkedIssueJson(parent) };
      }
      case 'assignee': return { present: true, value: this.userJson(issue.assigneeAccountId) };
      case 'reporter':
      case 'creator': return { present: true, value: this.userJson(issue.reporterAccountId) };
      case 'priority': return { present: true, value: this.priorityJson(issue.priority) };
      case 'labels': return { present: true, value: [...issue.labels] };
      case 'created': return { present: true, value: formatJiraDate(issue.created) };
      case 'updated': return { present: true, value: formatJiraDate(issue.updated) };
      case 'resolutiondate': return { present: true, value: issue.resolutiondate ? formatJiraDate(issue.resolutiondate) : null };
      case 'resolution': {
        const done = { self: this.self('/resolution/10000'), id: '10000', description: 'Work has been completed on this issue.', name: 'Done' };
        return { present: true, value: issue.resolutiondate ? done : null };
      }
      case 'timeoriginalestimate': return { present: true, value: issue.originalEstimateSeconds };
      case 'customfield_10016': return { present: true, value: issue.storyPoints };
      case 'description': return { present: true, value: issue.description === null ? null : textToAdf(issue.description) };
      case 'subtasks': {
        const subtasks = this.store.data.issues.filter((i) => i.parentKey === issue.key && i.issueType === 'Sub-task');
        return { present: true, value: subtasks.map((s) => this.linkedIssueJson(s)) };
      }
      case 'comment': {
        const comments = issue.comments.map((c) => this.commentJson(issue, c));
        return { present: true, value: { comments, self: this.self(`/issue/${issue.id}/comment`), maxResults: comments.length, total: comments.length, startAt: 0 } };
      }
      case 'project': {
        const p = this.store.data.projects.find((x) => x.key === issue.projectKey);
        const id = p?.id ?? '0';
        const avatarUrls = { '48x48': `${this.baseUrl()}/project-avatar/${issue.projectKey}.png` };
        const value = { self: this.self(`/project/${id}`), id, key: issue.projectKey, name: p?.name ?? issue.projectKey, projectTypeKey: 'software', simplified: false, avatarUrls };
        return { present: true, value };
      }
      default: return { present: false };
    }
  }

  issueJson(issue: JiraIssueRecord, fields: Set<string>, expand: string[], properties: string[]): unknown {
    const expandable = 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations';
    const out: Record<string, unknown> = { expand: expandable, id: issue.id, self: this.self(`/issue/${issue.id}`), key: issue.key };
    const f: Record<string, unknown> = {};
    for (const name of fields) {
      const field = this.fieldJson(issue, name);
      if (field.present) f[name] = field.value;
    }
    out.fields = f;
    if (properties.length > 0) out.properties = Object.fromEntries(properties.filter((p) => p in issue.properties).map((p) => [p, issue.properties[p]]));
    if (expand.includes('changelog')) {
      // Embedded changelogs come newest first and are cut at 100 entries: use bulkfetch for complete histories.
      const histories = this.store.oldestFirst(issue.changelog).reverse().slice(0, 100).map((h) => this.historyJson(h));
      out.changelog = { startAt: 0, maxResults: histories.length, total: issue.changelog.length, histories };
    }
    return out;
  }
}
