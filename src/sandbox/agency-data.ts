// The data of a simulated agency, as the fake servers hold it. The sample-agency generator produces it; each fake
// server serves its part in the real API's shape (ids, pagination, timestamps formatted as that API formats them).
import type { OrgConfigInput } from '../config.ts';

// --- Tempo ---------------------------------------------------------------------------------------------------
export interface TempoWorklogRecord {
  tempoWorklogId: number;
  /** Jira issue id (numeric in Tempo v4). */
  issueId: number;
  /** Jira project id the issue belongs to (Tempo's `projectId` filter). */
  projectId: number;
  authorAccountId: string;
  timeSpentSeconds: number;
  billableSeconds: number;
  /** YYYY-MM-DD, the worker's local date. */
  startDate: string;
  /** HH:MM:SS */
  startTime: string;
  description: string;
  /** ISO-8601 UTC, e.g. 2024-01-15T14:00:00Z */
  createdAt: string;
  updatedAt: string;
  attributes?: { key: string; value: string }[];
}

// --- Jira ----------------------------------------------------------------------------------------------------
export interface JiraUserRecord {
  accountId: string;
  displayName: string;
  emailAddress?: string;
  active: boolean;
}

export interface JiraProjectRecord {
  /** Numeric id as a string, as Jira gives it ("10001"). */
  id: string;
  key: string;
  name: string;
}

export type JiraStatusCategory = 'new' | 'indeterminate' | 'done';

export interface JiraChangeItem {
  field: string;
  fieldtype: string;
  fieldId?: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
}

export interface JiraHistoryRecord {
  id: string;
  authorAccountId: string;
  /** ISO-8601 UTC; the fake formats it Jira-style (`2024-01-15T10:23:45.123+0000`). */
  created: string;
  items: JiraChangeItem[];
}

export interface JiraCommentRecord {
  id: string;
  authorAccountId: string;
  /** Plain text; served as ADF. */
  body: string;
  created: string;
  updated: string;
}

export interface JiraIssueRecord {
  /** Numeric id as a string ("10991"). */
  id: string;
  key: string;
  projectKey: string;
  issueType: 'Epic' | 'Story' | 'Task' | 'Bug' | 'Sub-task';
  summary: string;
  description: string | null;
  status: string;
  statusCategory: JiraStatusCategory;
  priority: 'Highest' | 'High' | 'Medium' | 'Low' | 'Lowest';
  assigneeAccountId: string | null;
  reporterAccountId: string | null;
  /** Parent key: the epic of a standard issue, the parent of a sub-task. */
  parentKey: string | null;
  labels: string[];
  /** Original estimate in seconds (Jira `timeoriginalestimate`). */
  originalEstimateSeconds: number | null;
  /** Story points, when the team estimates in points. */
  storyPoints: number | null;
  created: string;
  updated: string;
  resolutiondate: string | null;
  /** Oldest first. */
  changelog: JiraHistoryRecord[];
  comments: JiraCommentRecord[];
  /** Issue properties (`/issue/{key}/properties/{propertyKey}`): we keep idempotency keys there. */
  properties: Record<string, unknown>;
}

// --- GitHub --------------------------------------------------------------------------------------------------
export interface GithubUserRecord {
  login: string;
  id: number;
  type: 'User' | 'Bot';
}

export interface GithubReviewRecord {
  id: number;
  login: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';
  submittedAt: string;
  body: string;
}

/** Timeline events we model (see API-NOTES §3); `reviewed` events are derived from reviews by the fake. */
export type GithubTimelineRecord =
  | { event: 'review_requested' | 'review_request_removed'; actor: string; reviewer: string; createdAt: string }
  | { event: 'ready_for_review' | 'convert_to_draft'; actor: string; createdAt: string }
  | { event: 'committed'; sha: string; message: string; authorDate: string; committerDate: string };

export interface GithubPullRecord {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  merged: boolean;
  draft: boolean;
  authorLogin: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** Logins currently requested (GitHub drops a reviewer from this list once they review). */
  requestedReviewers: string[];
  labels: string[];
  headRef: string;
  headSha: string;
  baseRef: string;
  reviews: GithubReviewRecord[];
  timeline: GithubTimelineRecord[];
}

export interface GithubRepoRecord {
  owner: string;
  name: string;
  pulls: GithubPullRecord[];
}

// --- Slack ---------------------------------------------------------------------------------------------------
export interface SlackUserRecord {
  id: string;
  name: string;
  realName: string;
  email?: string;
  tz?: string;
  isBot?: boolean;
}

export interface SlackChannelRecord {
  id: string;
  name: string;
  isPrivate?: boolean;
  /** Member user ids; ephemeral posts to others answer `user_not_in_channel`. */
  members: string[];
}

// --- The whole agency ----------------------------------------------------------------------------------------
export interface AgencyData {
  /** The org config matching this data (written out as pm-agents.yaml). */
  orgConfig: OrgConfigInput;
  /** The moment the sample is built around (the demo's as-of), ISO-8601. */
  asOf: string;
  tempo: { worklogs: TempoWorklogRecord[] };
  jira: { users: JiraUserRecord[]; projects: JiraProjectRecord[]; issues: JiraIssueRecord[] };
  github: { users: GithubUserRecord[]; repos: GithubRepoRecord[] };
  slack: { users: SlackUserRecord[]; channels: SlackChannelRecord[] };
}

export function emptyAgency(orgConfig: OrgConfigInput, asOf: string): AgencyData {
  return {
    orgConfig,
    asOf,
    tempo: { worklogs: [] },
    jira: { users: [], projects: [], issues: [] },
    github: { users: [], repos: [] },
    slack: { users: [], channels: [] },
  };
}
