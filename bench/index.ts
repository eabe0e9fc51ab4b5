// `npm run bench`: each benchmark's figures as one JSON object per line. Benchmarks are measurements, not tests.
import { benchPlanCommandAck } from './plan-command.ts';
import { benchPlanExecution } from './plans.ts';
import { benchRetainer } from './retainer.ts';
import { benchTimeTracking } from './time-tracking.ts';

const BENCHES: Record<string, () => Promise<Record<string, unknown> | Record<string, unknown>[]>> = {
  'time-tracking-compliance': benchTimeTracking,
  'retainer-budget-monitor': benchRetainer,
  'plan-command-ack': benchPlanCommandAck,
  'plan-execution': benchPlanExecution,
};

export async function benchCommand(args: string[]): Promise<number> {
  const names = args.length > 0 ? args : Object.keys(BENCHES);
  const unknown = names.filter((n) => !BENCHES[n]);
  if (unknown.length > 0) {
    console.error(`Unknown benchmark ${unknown.join(', ')}. Benchmarks: ${Object.keys(BENCHES).join(', ')}`);
    return 1;
  }
  for (const name of names) {
    const figures = await BENCHES[name]!();
    for (const line of Array.isArray(figures) ? figures : [figures]) console.log(JSON.stringify(line));
  }
  return 0;
}
