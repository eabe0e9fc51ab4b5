// Time tracking compliance at scale: 2,000 people and ~60,000 worklogs in the week, every fake API answering in 20 ms.
// Targets (issue 4): under 15 s, peak RSS under 300 MB, the fewest Tempo pages, no Slack rate limit turned into a failure.
import { TEMPO_PAGE_SIZE } from '../src/integrations/tempo.ts';
import { previousCompleteWeek } from '../src/services/calendar.ts';
import { DEMO_AS_OF, generateSampleAgency } from '../src/sandbox/sample-agency.ts';
import { benchEnvironment } from './environment.ts';

export async function benchTimeTracking(): Promise<Record<string, unknown>> {
  const data = generateSampleAgency({ size: { people: 2000, issues: 2000, worklogsPerPersonWeek: 30 } });
  const week = previousCompleteWeek(new Date(DEMO_AS_OF), 'America/New_York');
  const inWeek = data.tempo.worklogs.filter((w) => w.startDate >= week.start && w.startDate <= week.end).length;
  const bench = await benchEnvironment(data, 20);
  try {
    const result = await bench.runJob('time-tracking-compliance', DEMO_AS_OF);
    const tempoRequests = bench.sandbox.tempo.requests.length;
    const slack = bench.sandbox.slack;
    // Every chat.postMessage the fake did not turn into a message was answered `ratelimited` (and retried by the client).
    const postsRefused = slack.requestsTo('/api/chat.postMessage').length - slack.messages.filter((m) => m.kind === 'message').length;
    const stats = result.stats as { dms?: { sent: number; failed: number }; people?: number; pmSummaries?: { sent: number } };
    return {
      bench: 'time-tracking-compliance',
      database: bench.database,
      people: data.orgConfig.people.length,
      worklogsInWeek: inWeek,
      fakeLatencyMs: 20,
      outcome: result.outcome,
      durationMs: result.durationMs,
      targetDurationMs: 15_000,
      peakRssMb: result.peakRssMb,
      rssBeforeJobMb: result.rssBeforeJobMb,
      targetPeakRssMb: 300,
      tempoRequests,
      tempoMinimumRequests: Math.max(1, Math.ceil(inWeek / TEMPO_PAGE_SIZE)),
      dmsSent: stats.dms?.sent ?? 0,
      dmsFailed: stats.dms?.failed ?? 0,
      pmSummariesSent: stats.pmSummaries?.sent ?? 0,
      slackPostsAnsweredRatelimited: postsRefused,
      slackCalls: slack.requests.length,
    };
  } finally {
    await bench.close();
  }
}
