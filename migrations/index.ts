// Every migration, in order. Listed in code (not read from the folder) so the CLI, tsx and vitest see the same list.
import type { Migration } from 'kysely';
import * as m0001 from './0001_people_and_projects.ts';
import * as m0002 from './0002_jobs_and_notifications.ts';
import * as m0003 from './0003_time_tracking_compliance.ts';
import * as m0004 from './0004_retainer_budget_alerts.ts';
import * as m0005 from './0005_plans.ts';
import * as m0006 from './0006_plan_step_checkpoint.ts';
import * as m0007 from './0007_plan_queue_functions.ts';

export const migrations: Record<string, Migration> = {
  '0001_people_and_projects': m0001,
  '0002_jobs_and_notifications': m0002,
  '0003_time_tracking_compliance': m0003,
  '0004_retainer_budget_alerts': m0004,
  '0005_plans': m0005,
  '0006_plan_step_checkpoint': m0006,
  '0007_plan_queue_functions': m0007,
};
