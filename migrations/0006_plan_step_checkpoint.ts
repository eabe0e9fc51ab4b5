// A plan step's checkpoint: what an attempt saved before a side effect that a retry could not read back afterwards
// (the assignee an issue had before a step reassigned it; the moment "in 2 business days" meant when first tried).
// Written only by the runner holding the step, kept for undo.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('plan_steps').addColumn('checkpoint', 'jsonb').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('plan_steps').dropColumn('checkpoint').execute();
}
