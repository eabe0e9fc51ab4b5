// Time tracking compliance at scale: 2,000 people and ~60,000 worklogs in the week, every fake API answering in 20 ms.
// Targets (issue 4): under 15 s, peak RSS under 300 MB, the fewest Tempo pages, no Slack rate limit turned into a failure.
// Two weeks are measured: a typical one (the sample agency: a handful of DMs) and a bad one (a third of the agency
// forgot two days: ~670 DMs), where Slack's own limit (600 chat.postMessage a minute here) sets the floor.
import { TEMPO_PAGE_SIZE } from '../src/integrations/tempo.ts';
import type { AgencyData } from '../src/sandbox/agency-data.ts';
import { previousCompleteWeek, type Week } from '../src/services/calendar.ts';
import { DEMO_AS_OF, generateSampleAgency } from '../src/sandbox/sample-agency.ts';
import { benchEnvironment, SLACK_LIMITS } from './environment.ts';

function forgetTwoDays(data: AgencyData, week: Week): void {
  const forgetful = new Set(data.orgConfig.people.filter((_, i) => i % 3 === 1).map((p) => p.jira_account_id));
  const forgotten = new Set([week.days[3], week.days[4]]);
  data.tempo.worklogs = data.tempo.worklogs.filter((w) => !(forgetful.has(w.authorAccountId) && forgotten.has(w.startDate)));
}

async function measure(scenario: 'typical-week' | 'bad-week'): Promise<Record<string, unknown>> {
  const data = generateSampleAgency({ size: { people: 2000, issues: 2000, worklogsPerPersonWeek: 30 } });
  const week = previousCompleteWeek(new Date(DEMO_AS_OF), 'America/New_York');
  if (scenario === 'bad-week') forgetTwoDays(data, week);
  const inWeek = data.tempo.worklogs.filter((w) => w.startDate >= week.start && w.startDate <= week.end).length;
  const bench = await benchEnvironment(data, 20);
  try {
    const result = await bench.runJob('time-tracking-compliance', DEMO_AS_OF);
    const slack = bench.sandbox.slack;
    // Every chat.postMessage the fake did not turn into a message was answered `ratelimited` (and retried by the client).
    const postsRefused = slack.requestsTo('/api/chat.postMessage').length - slack.messages.filter((m) => m.kind === 'message').length;
    const stats = result.stats as { dms?: { sent: number; failed: number }; pmSummaries?: { sent: number } };
    const sends = (stats.dms?.sent ?? 0) + (stats.pmSummaries?.sent ?? 0);
    return {
      bench: `time-tracking-compliance:${scenario}`,
      database: bench.database,
      people: data.orgConfig.people.length,
      worklogsInWeek: inWeek,
      fakeLatencyMs: 20,
      outcome: result.outcome,
      durationMs: result.durationMs,
      targetDurationMs: 15_000,
      slackFloorMs: Math.max(0, Math.ceil(sends / SLACK_LIMITS['chat.postMessage']) - 1) * 60_000,
      peakRssMb: result.peakRssMb,
      rssBeforeJobMb: result.rssBeforeJobMb,
      targetPeakRssMb: 300,
      tempoRequests: bench.sandbox.tempo.requests.length,
      tempoMinimumRequests: Math.max(1, Math.ceil(inWeek / TEMPO_PAGE_SIZE)),
      dmsSent: stats.dms?.sent ?? 0,
      dmsUnreachableOrFailed: stats.dms?.failed ?? 0,
      pmSummariesSent: stats.pmSummaries?.sent ?? 0,
      slackPostsAnsweredRatelimited: postsRefused,
      slackCalls: slack.requests.length,
    };
  } finally {
    await bench.close();
  }
}

export async function benchTimeTracking(): Promise<Record<string, unknown>[]> {
  return [await measure('typical-week'), await measure('bad-week')];
}
