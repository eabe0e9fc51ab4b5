// Every agent the scheduler and `pm-agents run` know. A job is added here when it lands.
import type { JobDefinition } from './job.ts';
import { planExecutorJob } from './plan-executor.ts';
import { retainerBudgetMonitorJob } from './retainer-budget-monitor.ts';
import { timeTrackingComplianceJob } from './time-tracking-compliance.ts';

export const jobs: readonly JobDefinition[] = [timeTrackingComplianceJob, retainerBudgetMonitorJob, planExecutorJob];

export function findJob(name: string): JobDefinition | undefined {
  return jobs.find((j) => j.name === name);
}
