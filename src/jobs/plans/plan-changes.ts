// How every change a person makes to a plan goes: read the plan under its row lock, check who asks and what they saw,
// change it and record the event in the same transaction, and answer with the plan as it now is or with the one
// sentence the clicker is told. Shared by plan-service.ts and plan-controls.ts.
import { cachedSlackUser } from '../../db/slack-users.ts';
import type { Db } from '../../db/database.ts';
import { getPlan, lockPlan } from '../../db/plans.ts';
import { orgPms, type PermissionOptions } from '../../services/plans/permissions.ts';
import type { PlanStatus, StoredPlan } from '../../services/plans/stored-plan.ts';
import type { JobContext } from '../job.ts';

/** What a person's click is answered with: the plan as it now is, or what to tell them (nothing changed). */
export type PlanAnswer = { ok: true; plan: StoredPlan } | { ok: false; message: string };
/** The same, with the validation problems when an edit would make the plan invalid. */
export type EditAnswer = { ok: true; plan: StoredPlan } | { ok: false; message: string; problems?: string[] };

export type Refusal = { ok: false; message: string; problems?: string[] };

export function refuse(message: string, problems?: string[]): Refusal {
  return problems === undefined ? { ok: false, message } : { ok: false, message, problems };
}

/** A plan's status as people say it. */
export function statusWords(status: PlanStatus): string {
  switch (status) {
    case 'draft':
      return 'a draft, not approved yet';
    case 'approved':
      return 'approved and about to start';
    case 'executing':
      return 'running';
    case 'completed':
      return 'done';
    default:
      return status;
  }
}

/** "step 2 (“Create the epic”)" */
export function stepName(plan: Pick<StoredPlan, 'steps'>, stepId: string): string {
  const index = plan.steps.findIndex((s) => s.id === stepId);
  return index < 0 ? `step “${stepId}”` : `step ${index + 1} (“${plan.steps[index]!.title}”)`;
}

export const noSuchPlan = (planId: string): string => `There is no plan ${planId}. Try \`/plan list\` to see yours.`;

export const notAllowed = (what: string): string => `Only the person who asked for this plan or a PM can ${what}.`;

export const STALE_VERSION = 'This plan changed since you looked at it (someone else edited it or moved it on). Look at the updated plan and try again.';

/**
 * Slack ids of the PMs (and of `alsoNamed`, e.g. a step's owner) known only by email, from the users.lookupByEmail
 * cache: a PM without `slack_user_id` is still recognised when they click. PMs are few; the rest are not looked up.
 */
export async function permissionOptions(ctx: JobContext, alsoNamed: readonly (string | null)[] = []): Promise<PermissionOptions> {
  const slackIdsByName = new Map<string, string>();
  const names = new Set(alsoNamed.filter((n): n is string => n !== null).map((n) => n.toLowerCase()));
  const people = [...orgPms(ctx.config.org), ...ctx.config.org.people.filter((p) => names.has(p.name.toLowerCase()))];
  for (const person of new Set(people)) {
    if (person.slack_user_id || !person.email) continue;
    const cached = await cachedSlackUser(ctx.db, person.email);
    if (cached?.slackUserId) slackIdsByName.set(person.name, cached.slackUserId);
  }
  return { slackIdsByName };
}

/**
 * Runs `decide` on the plan under its row lock in one transaction; it changes the plan through `trx` and returns
 * nothing, or refuses (and must not have written anything). Answers with the plan read again after the commit.
 */
export async function changePlan(db: Db, planId: string, decide: (trx: Db, plan: StoredPlan) => Promise<Refusal | void>): Promise<EditAnswer> {
  const refusal = await db.transaction().execute(async (trx) => {
    const plan = await lockPlan(trx, planId);
    if (!plan) return refuse(noSuchPlan(planId));
    return decide(trx, plan);
  });
  if (refusal) return refusal;
  const plan = await getPlan(db, planId);
  return plan ? { ok: true, plan } : refuse(noSuchPlan(planId));
}
