// The fake Jira's records and how they change: issue lookup, the caller's account, the statuses of its one permissive
// workflow, and the changelog entry Jira writes for every change (timestamped by the clock).
import type { Clock } from '../../clock.ts';
import type { AgencyData, JiraChangeItem, JiraHistoryRecord, JiraIssueRecord, JiraStatusCategory, JiraUserRecord } from '../agency-data.ts';
import { ISSUE_MISSING, jiraError } from './jira-errors.ts';

const DEFAULT_STATUSES: [string, JiraStatusCategory][] = [['To Do', 'new'], ['In Progress', 'indeterminate'], ['In Review', 'indeterminate'], ['Done', 'done']];

export class JiraStore {
  private readonly statusIds = new Map<string, string>();
  private readonly statusCategories = new Map<string, JiraStatusCategory>();
  private readonly statusNames = new Map<string, string>();
  private historySeq = 0;
  private commentSeq = 0;

  constructor(
    readonly data: AgencyData['jira'],
    /** The caller's email (Basic auth): whose account `myself` is. */
    private readonly email: string,
    readonly clock: Clock,
  ) {
    for (const [name, category] of DEFAULT_STATUSES) this.learnStatus(name, category);
    for (const issue of data.issues) {
      this.learnStatus(issue.status, issue.statusCategory);
      for (const h of issue.changelog) this.historySeq = Math.max(this.historySeq, Number(h.id) || 0);
      for (const c of issue.comments) this.commentSeq = Math.max(this.commentSeq, Number(c.id) || 0);
    }
  }

  /**
   * Lookups by key and id, and the highest id and per-project number, over `data.issues` as it was when they were
   * built: rebuilt whenever the list's length changed (a test adding issues directly, a delete), so creating and
   * finding stay O(1) at 100,000 issues instead of a scan each.
   */
  private indexed: { length: number; byKey: Map<string, JiraIssueRecord>; byId: Map<string, JiraIssueRecord>; maxId: number; maxNumber: Map<string, number> } | undefined;

  private index() {
    const issues = this.data.issues;
    if (this.indexed?.length === issues.length) return this.indexed;
    const byKey = new Map<string, JiraIssueRecord>();
    const byId = new Map<string, JiraIssueRecord>();
    const maxNumber = new Map<string, number>();
    let maxId = 10000;
    for (const i of issues) {
      byKey.set(i.key, i);
      byId.set(i.id, i);
      maxId = Math.max(maxId, Number(i.id) || 0);
      maxNumber.set(i.projectKey, Math.max(maxNumber.get(i.projectKey) ?? 0, Number(i.key.split('-').pop()) || 0));
    }
    this.indexed = { length: issues.length, byKey, byId, maxId, maxNumber };
    return this.indexed;
  }

  /** An issue by key or id. */
  issue(keyOrId: string): JiraIssueRecord | undefined {
    const key = keyOrId.toUpperCase();
    const index = this.index();
    const hit = index.byKey.get(key) ?? index.byId.get(keyOrId);
    // An issue changed in place (moved to another project) is found by a scan, as before the index.
    if (hit && (hit.key === key || hit.id === keyOrId)) return hit;
    return this.data.issues.find((i) => i.key === key || i.id === keyOrId);
  }

  /** The id and key Jira gives the next issue created in the project. */
  nextIssueRef(projectKey: string): { id: string; key: string } {
    const index = this.index();
    return { id: String(index.maxId + 1), key: `${projectKey}-${(index.maxNumber.get(projectKey) ?? 0) + 1}` };
  }

  /** Issues were removed from the list: the lookups are rebuilt on next use. */
  removed(): void {
    this.indexed = undefined;
  }

  /** Adds a created issue (its id and key from nextIssueRef). */
  add(issue: JiraIssueRecord): void {
    const index = this.index();
    this.data.issues.push(issue);
    index.length = this.data.issues.length;
    index.byKey.set(issue.key, issue);
    index.byId.set(issue.id, issue);
    index.maxId = Math.max(index.maxId, Number(issue.id) || 0);
    index.maxNumber.set(issue.projectKey, Math.max(index.maxNumber.get(issue.projectKey) ?? 0, Number(issue.key.split('-').pop()) || 0));
  }

  /** An issue by key or id, else Jira's 404. */
  mustFind(keyOrId: string): JiraIssueRecord {
    const issue = this.issue(keyOrId);
    if (!issue) throw jiraError(404, [ISSUE_MISSING]);
    return issue;
  }

  displayName(accountId: string): string {
    return this.data.users.find((u) => u.accountId === accountId)?.displayName ?? (accountId === this.myself.accountId ? this.myself.displayName : accountId);
  }

  /** The caller's account: the user with the configured email, else a service account. */
  get myself(): JiraUserRecord {
    return this.data.users.find((u) => u.emailAddress === this.email) ?? { accountId: '557058:pm-agents-bot', displayName: 'pm-agents', emailAddress: this.email, active: true };
  }

  /** Move an issue to a status as a person would through the board; appends the changelog entry Jira writes. */
  setStatus(keyOrId: string, status: string, byAccountId: string): void {
    const issue = this.mustFind(keyOrId);
    const category = this.statusCategories.get(status.toLowerCase());
    if (!category) throw new Error(`Jira fake: unknown status '${status}' (known: ${[...this.statusIds.keys()].join(', ')})`);
    this.change(issue, byAccountId, [this.statusItem(issue.status, status)], () => {
      issue.status = this.canonicalStatus(status);
      issue.statusCategory = category;
      issue.resolutiondate = category === 'done' ? (issue.resolutiondate ?? this.clock.now().toISOString()) : null;
    });
  }

  // --- the workflow's statuses ------------------------------------------------------------------------------

  private learnStatus(name: string, category: JiraStatusCategory): void {
    const key = name.toLowerCase();
    if (!this.statusIds.has(key)) {
      this.statusIds.set(key, String(10000 + this.statusIds.size));
      this.statusCategories.set(key, category);
      this.statusNames.set(key, name);
    }
  }

  canonicalStatus(name: string): string {
    return this.statusNames.get(name.toLowerCase()) ?? name;
  }

  /** Every known status as [lower-cased name, id], in the order they were learnt. */
  statuses(): [string, string][] {
    return [...this.statusIds.entries()];
  }

  statusId(name: string): string | undefined {
    return this.statusIds.get(name.toLowerCase());
  }

  statusCategory(name: string): JiraStatusCategory | undefined {
    return this.statusCategories.get(name.toLowerCase());
  }

  /** The id of a new comment: one more than any comment so far. */
  nextCommentId(): string {
    this.commentSeq += 1;
    return String(this.commentSeq);
  }

  // --- changes and the changelog -------------------------------------------------------------------------------

  change(issue: JiraIssueRecord, authorAccountId: string, items: JiraChangeItem[], apply: () => void): void {
    apply();
    if (items.length === 0) return;
    const now = this.clock.now().toISOString();
    this.historySeq += 1;
    issue.changelog.push({ id: String(this.historySeq), authorAccountId, created: now, items });
    issue.updated = now;
  }

  item(field: string, from: string | null, to: string | null): JiraChangeItem {
    return { field, fieldtype: 'jira', fieldId: field, from: null, fromString: from, to: null, toString: to };
  }

  statusItem(from: string, to: string): JiraChangeItem {
    const id = (name: string) => this.statusIds.get(name.toLowerCase()) ?? null;
    return { field: 'status', fieldtype: 'jira', fieldId: 'status', from: id(from), fromString: from, to: id(to), toString: this.canonicalStatus(to) };
  }

  assigneeItem(from: string | null, to: string | null): JiraChangeItem {
    return { field: 'assignee', fieldtype: 'jira', fieldId: 'assignee', from, fromString: from ? this.displayName(from) : null, to, toString: to ? this.displayName(to) : null };
  }

  /** Jira Cloud records a parent change as `IssueParentAssociation` with issue ids and keys. */
  parentItem(fromKey: string | null, toKey: string | null): JiraChangeItem {
    const id = (key: string | null) => (key ? (this.issue(key)?.id ?? null) : null);
    return { field: 'IssueParentAssociation', fieldtype: 'jira', fieldId: 'parent', from: id(fromKey), fromString: fromKey, to: id(toKey), toString: toKey };
  }

  oldestFirst(histories: JiraHistoryRecord[]): JiraHistoryRecord[] {
    return [...histories].sort((a, b) => Date.parse(a.created) - Date.parse(b.created) || Number(a.id) - Number(b.id));
  }
}
