// Table types: one interface per table, as the migrations create them. Nullable columns are `| null`, never optional.
import type { ColumnType, Generated, Insertable, JSONColumnType, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedTimestamp = ColumnType<Date, Date | string | undefined, never>;

export interface PeopleTable {
  account_id: string;
  name: string;
  email: string | null;
  slack_user_id: string | null;
  github_login: string | null;
  team: string | null;
  is_pm: boolean;
  weekly_hours: number;
  active: boolean;
  created_at: CreatedTimestamp;
  updated_at: Timestamp;
}

export interface TeamsTable {
  name: string;
  pm_account_id: string | null;
  active: boolean;
  updated_at: Timestamp;
}

export interface ProjectsTable {
  key: string;
  name: string;
  type: 'retainer' | 'scope' | 'internal';
  monthly_retainer_hours: number | null;
  pm_account_id: string | null;
  slack_channel: string | null;
  tempo_project_id: number | null;
  github_repos: JSONColumnType<string[], string, string>;
  active: boolean;
  updated_at: Timestamp;
}

export type JobTrigger = 'schedule' | 'catch-up' | 'manual';
export type JobRunStatus = 'running' | 'succeeded' | 'failed';

export interface JobRunsTable {
  id: Generated<string>;
  job: string;
  slot: Date | null;
  trigger: JobTrigger;
  as_of: ColumnType<Date, Date | string, Date | string>;
  dry_run: Generated<boolean>;
  status: JobRunStatus;
  runner: string;
  started_at: Generated<Date>;
  finished_at: Date | null;
  duration_ms: number | null;
  error: string | null;
  stats: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
}

export type NotificationStatus = 'claimed' | 'sent' | 'failed';

export interface NotificationsTable {
  id: Generated<string>;
  dedupe_key: string;
  job: string | null;
  target: string;
  status: NotificationStatus;
  claimed_by: string;
  claimed_at: Generated<Date>;
  attempts: Generated<number>;
  sent_at: Date | null;
  slack_channel: string | null;
  slack_ts: string | null;
  error: string | null;
  text: string | null;
}

export interface SlackUserCacheTable {
  email: string;
  slack_user_id: string | null;
  looked_up_at: Generated<Date>;
}

export interface TimeTrackingComplianceTable {
  user_account_id: string;
  /** Monday of the reviewed week, YYYY-MM-DD (date columns are read as strings, never as JS Dates). */
  week_start_date: string;
  team: string | null;
  hours_logged: number;
  expected_hours: number;
  compliant_hours: number;
  status: 'compliant' | 'partial' | 'non_compliant';
  is_compliant: boolean;
  streak: number;
  by_day: JSONColumnType<{ date: string; hours: number }[], string, string>;
  notification_sent: Generated<boolean>;
  notification_error: string | null;
  created_at: CreatedTimestamp;
  updated_at: Timestamp;
}

export type PlanStatusColumn = 'draft' | 'approved' | 'executing' | 'paused' | 'completed' | 'failed' | 'cancelled';
export type PlanStepStatusColumn = 'pending' | 'running' | 'completed' | 'failed' | 'skipped';
type PlanJson<T extends object | null> = JSONColumnType<T, string, string>;

export interface PlansTable {
  id: Generated<string>;
  request: string;
  goal: string;
  status: PlanStatusColumn;
  version: Generated<number>;
  requester_slack_id: string;
  requester_account_id: string | null;
  channel_id: string;
  message_channel: string | null;
  message_ts: string | null;
  message_refreshed_at: Date | null;
  planner: string;
  notes: PlanJson<string[]>;
  rollback_requested: Generated<boolean>;
  created_at: CreatedTimestamp;
  updated_at: Timestamp;
  finished_at: Date | null;
}

export interface PlanStepsTable {
  plan_id: string;
  step_id: string;
  position: number;
  title: string;
  action: string;
  params: PlanJson<Record<string, unknown>>;
  depends_on: PlanJson<string[]>;
  on_failure: 'stop' | 'continue';
  estimate_minutes: number;
  owner: string | null;
  needs: JSONColumnType<string[] | null, string | null, string | null>;
  status: PlanStepStatusColumn;
  attempts: Generated<number>;
  result: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
  error: string | null;
  idempotency_key: string;
  claimed_by: string | null;
  claimed_at: Date | null;
  waiting_on: string | null;
  started_at: Date | null;
  finished_at: Date | null;
  undone_at: Date | null;
  /** Dependencies not yet completed or skipped (kept by a trigger): a pending step with none is ready. */
  waiting_for: Generated<number>;
  /** What the running attempt saved for a retry (see StepMemory). */
  checkpoint: JSONColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
}

export interface PlanEventsTable {
  id: Generated<string>;
  plan_id: string;
  step_id: string | null;
  actor: string;
  kind: string;
  detail: PlanJson<Record<string, unknown>>;
  at: Generated<Date>;
}

export interface PlanTemplatesTable {
  id: Generated<string>;
  name: string;
  goal: string;
  steps: PlanJson<unknown[]>;
  created_by: string;
  created_at: CreatedTimestamp;
}

export type RetainerAlertLevelColumn = 'warning' | 'critical' | 'exceeded';
export type RetainerRiskColumn = 'exceeded' | 'critical' | 'warning' | 'on_track';

export interface RetainerBudgetAlertsTable {
  project_key: string;
  /** YYYY-MM, the calendar month in the org zone. */
  month: string;
  threshold: number;
  level: RetainerAlertLevelColumn;
  /** The higher threshold alerted instead, for a threshold skipped over between two runs; null when alerted itself. */
  covered_by: number | null;
  consumed_hours: number;
  monthly_hours: number;
  percent: number;
  burn_rate_per_working_day: number | null;
  projected_month_end_hours: number | null;
  exhaustion_date: string | null;
  as_of: ColumnType<Date, Date | string, Date | string>;
  alerted_at: Timestamp;
  notification_keys: JSONColumnType<string[], string | undefined, string>;
  notified_at: Date | null;
  notification_error: string | null;
}

export interface RetainerBudgetSnapshotsTable {
  project_key: string;
  month: string;
  as_of: ColumnType<Date, Date | string, Date | string>;
  as_of_date: string;
  monthly_hours: number;
  consumed_hours: number;
  percent: number;
  burn_rate_per_working_day: number | null;
  projected_month_end_hours: number | null;
  exhaustion_date: string | null;
  risk: RetainerRiskColumn;
  recorded_at: Timestamp;
}

export interface Database {
  time_tracking_compliance: TimeTrackingComplianceTable;
  people: PeopleTable;
  teams: TeamsTable;
  projects: ProjectsTable;
  job_runs: JobRunsTable;
  notifications: NotificationsTable;
  slack_user_cache: SlackUserCacheTable;
  retainer_budget_alerts: RetainerBudgetAlertsTable;
  retainer_budget_snapshots: RetainerBudgetSnapshotsTable;
  plans: PlansTable;
  plan_steps: PlanStepsTable;
  plan_events: PlanEventsTable;
  plan_templates: PlanTemplatesTable;
}

export type PersonRow = Selectable<PeopleTable>;
export type NewPerson = Insertable<PeopleTable>;
export type TeamRow = Selectable<TeamsTable>;
export type ProjectRow = Selectable<ProjectsTable>;
export type JobRunRow = Selectable<JobRunsTable>;
export type JobRunUpdate = Updateable<JobRunsTable>;
export type NotificationRow = Selectable<NotificationsTable>;
export type PlanRow = Selectable<PlansTable>;
export type PlanStepRow = Selectable<PlanStepsTable>;
export type PlanEventRow = Selectable<PlanEventsTable>;
export type PlanTemplateRow = Selectable<PlanTemplatesTable>;
export type RetainerBudgetAlertRow = Selectable<RetainerBudgetAlertsTable>;
export type NewRetainerBudgetAlert = Insertable<RetainerBudgetAlertsTable>;
export type RetainerBudgetSnapshotRow = Selectable<RetainerBudgetSnapshotsTable>;
export type NewRetainerBudgetSnapshot = Insertable<RetainerBudgetSnapshotsTable>;
