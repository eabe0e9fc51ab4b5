// Retainer budget monitor at scale (issue 5): 300 retainer projects with a month of worklogs, every fake API answering
// in 20 ms. Targets: under 15 s, peak RSS under 300 MB. Two runs are measured: the first of the day, when dozens of
// projects cross thresholds at once (its floor is Slack's upload limit: 3 calls per chart, ~100 a minute per method),
// and a routine one (the same figures re-examined, nothing new to send): the cost of reading Tempo and computing.
import { monthContaining } from '../src/services/calendar.ts';
import { generateSampleAgency } from '../src/sandbox/sample-agency.ts';
import { benchEnvironment } from './environment.ts';

/** Monday Nov 24 2025, 17:00 in New York: the run that also posts the daily summary. */
const AS_OF = '2025-11-24T22:00:00.000Z';

export async function benchRetainer(): Promise<Record<string, unknown>> {
  const data = generateSampleAgency({ size: { people: 2000, issues: 2000, worklogsPerPersonWeek: 30 } });
  const retainers = (data.orgConfig.projects ?? []).filter((p) => p.type === 'retainer');
  const retainerIds = new Set(retainers.map((p) => p.tempo_project_id));
  const month = monthContaining('2025-11-24');
  const monthWorklogs = data.tempo.worklogs.filter((w) => retainerIds.has(w.projectId) && w.startDate >= month.start && w.startDate <= '2025-11-24').length;
  const bench = await benchEnvironment(data, 20);
  try {
    const first = await bench.runJob('retainer-budget-monitor', AS_OF);
    const tempoRequestsFirst = bench.sandbox.tempo.requests.length;
    const uploads = bench.sandbox.slack.files.length;
    const routine = await bench.runJob('retainer-budget-monitor', AS_OF);
    const stats = first.stats as { alerts?: { sent: number }; summary?: { status: string } };
    const result = first;
    return {
      bench: 'retainer-budget-monitor',
      database: bench.database,
      retainerProjects: retainers.length,
      retainerWorklogsThisMonth: monthWorklogs,
      fakeLatencyMs: 20,
      outcome: result.outcome,
      durationMs: result.durationMs,
      targetDurationMs: 15_000,
      peakRssMb: result.peakRssMb,
      rssBeforeJobMb: result.rssBeforeJobMb,
      targetPeakRssMb: 300,
      tempoRequests: tempoRequestsFirst,
      alertsSent: stats.alerts?.sent ?? 0,
      summary: stats.summary?.status ?? null,
      chartUploads: uploads,
      routineRun: { outcome: routine.outcome, durationMs: routine.durationMs, peakRssMb: routine.peakRssMb, rssBeforeJobMb: routine.rssBeforeJobMb },
    };
  } finally {
    await bench.close();
  }
}
