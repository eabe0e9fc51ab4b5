// Every agent the scheduler and `pm-agents run` know. A job is added here when it lands.
import type { JobDefinition } from './job.ts';

export const jobs: readonly JobDefinition[] = [];

export function findJob(name: string): JobDefinition | undefined {
  return jobs.find((j) => j.name === name);
}
