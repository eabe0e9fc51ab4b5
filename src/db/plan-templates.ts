// Plans saved for reuse under a name (`plan_templates`): a goal and its steps, as a person approved them once.
import type { PlanStep } from '../services/plans/plan.ts';
import type { Db } from './database.ts';
import { json } from './plan-rows.ts';
import type { PlanTemplateRow } from './schema.ts';

export interface PlanTemplate {
  name: string;
  goal: string;
  steps: PlanStep[];
  createdBy: string;
  createdAt: Date;
}

function toTemplate(row: PlanTemplateRow): PlanTemplate {
  return { name: row.name, goal: row.goal, steps: (row.steps ?? []) as PlanStep[], createdBy: row.created_by, createdAt: row.created_at };
}

/** Saves a plan's goal and steps under a name; a name already taken is replaced. */
export async function savePlanTemplate(db: Db, template: { name: string; goal: string; steps: readonly PlanStep[]; createdBy: string }): Promise<void> {
  await db
    .insertInto('plan_templates')
    .values({ name: template.name, goal: template.goal, steps: json(template.steps), created_by: template.createdBy })
    .onConflict((oc) => oc.column('name').doUpdateSet({ goal: template.goal, steps: json(template.steps), created_by: template.createdBy }))
    .execute();
}

export async function planTemplate(db: Db, name: string): Promise<PlanTemplate | undefined> {
  const row = await db.selectFrom('plan_templates').selectAll().where('name', '=', name).executeTakeFirst();
  return row ? toTemplate(row) : undefined;
}

export async function planTemplates(db: Db): Promise<PlanTemplate[]> {
  const rows = await db.selectFrom('plan_templates').selectAll().orderBy('name').execute();
  return rows.map(toTemplate);
}
