// Who may do what to a plan: the requester and the org's PMs control it (approve, edit, pause, skip, cancel); a manual
// step is marked done by its owner or the requester. Pure: the caller passes the org config and, for people the
// config names only by email, the Slack ids it has looked up.
import type { OrgConfig, Person } from '../../config.ts';
import type { PlanStep } from './plan.ts';
import type { StoredPlan } from './stored-plan.ts';

export interface PermissionOptions {
  /** Slack ids of config people without `slack_user_id`, by person name (from the users.lookupByEmail cache). */
  slackIdsByName?: ReadonlyMap<string, string>;
}

type Org = Pick<OrgConfig, 'people' | 'teams' | 'projects'>;

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

function slackIdOf(person: Person, options: PermissionOptions): string | undefined {
  return person.slack_user_id ?? options.slackIdsByName?.get(person.name);
}

/** The PMs of the org: people marked `pm: true`, and everyone named as a team's or a project's PM. */
export function orgPms(org: Org): Person[] {
  const names = new Set<string>([...org.teams.map((t) => t.pm), ...org.projects.flatMap((p) => (p.pm ? [p.pm] : []))]);
  return org.people.filter((p) => p.pm || names.has(p.name));
}

/** Whether the Slack user is a PM of the org (see orgPms). */
export function isPm(actorSlackId: string, org: Org, options: PermissionOptions = {}): boolean {
  return orgPms(org).some((p) => slackIdOf(p, options) === actorSlackId);
}

/** Approve, edit, pause, resume, skip, cancel: the requester or any PM in the config. */
export function canControlPlan(plan: Pick<StoredPlan, 'requester'>, actorSlackId: string, org: Org, options: PermissionOptions = {}): boolean {
  return plan.requester.slackUserId === actorSlackId || isPm(actorSlackId, org, options);
}

/**
 * Whether the Slack user owns the step: its owner is their Slack id, or the name of a config person with that Slack
 * id. A step nobody owns belongs to the requester.
 */
export function ownsStep(plan: Pick<StoredPlan, 'requester'>, step: Pick<PlanStep, 'owner'>, actorSlackId: string, org: Pick<OrgConfig, 'people'>, options: PermissionOptions = {}): boolean {
  if (step.owner === null) return plan.requester.slackUserId === actorSlackId;
  if (SLACK_USER_ID.test(step.owner)) return step.owner === actorSlackId;
  const name = step.owner.toLowerCase();
  const person = org.people.find((p) => p.name.toLowerCase() === name);
  return person !== undefined && slackIdOf(person, options) === actorSlackId;
}

/** Mark a manual step done: its owner, or the requester. */
export function canCompleteManualStep(plan: Pick<StoredPlan, 'requester'>, step: Pick<PlanStep, 'owner'>, actorSlackId: string, org: Pick<OrgConfig, 'people'>, options: PermissionOptions = {}): boolean {
  return plan.requester.slackUserId === actorSlackId || ownsStep(plan, step, actorSlackId, org, options);
}
