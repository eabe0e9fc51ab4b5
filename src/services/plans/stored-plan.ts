// A plan as it is kept and shown once it has been stored: the planner's plan plus who asked, where, its status and
// version, the Slack message that shows it, and where each step stands. Pure types, shared by the plan service, the
// executor and the Slack surface (the review and progress messages are built from a StoredPlan).
import type { PlanStep } from './plan.ts';

export const PLAN_STATUSES = ['draft', 'approved', 'executing', 'paused', 'completed', 'failed', 'cancelled'] as const;
/**
 * draft: being reviewed and edited; approved: waiting for the executor's first claim; executing: steps running or
 * waiting (a manual step waits for its Done); paused: no new step starts; completed | failed | cancelled: finished.
 */
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/** The statuses a plan never leaves. */
export const FINISHED_PLAN_STATUSES: readonly PlanStatus[] = ['completed', 'failed', 'cancelled'];

export const STEP_STATUSES = ['pending', 'running', 'completed', 'failed', 'skipped'] as const;
/** running also covers a manual step waiting for its owner's Done. */
export type StepStatus = (typeof STEP_STATUSES)[number];

export interface StoredStep extends PlanStep {
  /** 0-based place in the plan, as the person sees the steps numbered (position + 1). */
  position: number;
  status: StepStatus;
  /** How many times the executor has started it (retries included). */
  attempts: number;
  /** What its action gave back (`{ key, id, project }` for a Jira create), once completed. */
  result: Record<string, unknown> | null;
  /** Why it failed (or why it was skipped), in words. */
  error: string | null;
  /** true once a cancel with rollback undid what it did (it stays `completed`: it did run). */
  undone?: boolean;
}

export interface StoredPlan {
  id: string;
  /** What the person typed after /plan. */
  request: string;
  goal: string;
  status: PlanStatus;
  /** Bumped by every edit and transition; a click carries the version it saw, and a stale one is refused. */
  version: number;
  requester: { slackUserId: string; accountId: string | null };
  /** Where /plan was typed. */
  channelId: string;
  /** The message that shows the plan (review, then progress), once posted. */
  message: { channel: string; ts: string } | null;
  /** Who made the plan, as shown to people ("local planner (no LLM)", the LLM's label). */
  planner: string;
  /** What the planner wants the person to know (assumptions, fallbacks). */
  notes: string[];
  createdAt: Date;
  /** In plan order. */
  steps: StoredStep[];
}

/** One change a person makes to a draft; the whole plan is validated again after it. */
export type PlanEdit =
  | { kind: 'update_step'; stepId: string; changes: Partial<PlanStep> }
  | { kind: 'add_step'; step: PlanStep }
  | { kind: 'remove_step'; stepId: string };
