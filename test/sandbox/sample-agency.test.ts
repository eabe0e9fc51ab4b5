import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrgConfig, parseOrgConfig, type OrgConfig } from '../../src/config.ts';
import type { AgencyData, GithubTimelineRecord, JiraIssueRecord } from '../../src/sandbox/agency-data.ts';
import { Random } from '../../src/sandbox/random.ts';
import { DEMO_AS_OF, generateSampleAgency, orgConfigYaml, SAMPLE_CAST, writeSampleConfig } from '../../src/sandbox/sample-agency.ts';
import { previousCompleteWeek, weekBefore, workingDaysBetween, type Week } from '../../src/services/calendar.ts';
import { tokenize } from '../../src/services/text-similarity.ts';

type ReviewRequest = Extract<GithubTimelineRecord, { event: 'review_requested' | 'review_request_removed' }>;

const ZONE = 'America/New_York';
const DAY_MS = 86_400_000;
const demo = generateSampleAgency();
const config: OrgConfig = parseOrgConfig(demo.orgConfig);
const asOfMs = Date.parse(demo.asOf);
const lastWeek = previousCompleteWeek(new Date(DEMO_AS_OF), ZONE);
const personNamed = (name: string) => config.people.find((p) => p.name === name)!;
const issueById = new Map(demo.jira.issues.map((i) => [i.id, i]));

/** Seconds logged per author account over a week (by the worklogs' start dates, as Tempo reports them). */
function secondsByAuthor(data: AgencyData, week: Week): Map<string, number> {
  const totals = new Map<string, number>();
  for (const w of data.tempo.worklogs) {
    if (w.startDate >= week.start && w.startDate <= week.end) totals.set(w.authorAccountId, (totals.get(w.authorAccountId) ?? 0) + w.timeSpentSeconds);
  }
  return totals;
}

function hoursIn(week: Week, name: string): number {
  return (secondsByAuthor(demo, week).get(personNamed(name).jira_account_id) ?? 0) / 3600;
}

/** The moment a ticket entered its current status, from its changelog. */
function enteredCurrentStatus(issue: JiraIssueRecord): number {
  const last = issue.changelog[issue.changelog.length - 1];
  return Date.parse(last ? last.created : issue.created);
}

describe('sample agency: the org', () => {
  const dir = mkdtemp(join(tmpdir(), 'sample-agency-'));
  afterAll(async () => rm(await dir, { recursive: true, force: true }));

  it('comes with an org config that passes validation, also once written as pm-agents.yaml and read back', async () => {
    const path = join(await dir, 'config', 'pm-agents.yaml');
    await writeSampleConfig(demo, path);
    const loaded = await loadOrgConfig(path);
    expect(loaded).toEqual(config);
    expect(orgConfigYaml(demo)).toMatch(/^# pm-agents org config for the sample agency/);
    expect(config.timezone).toBe(ZONE);
    expect(config.holidays).toEqual(expect.arrayContaining(['2025-11-27', '2025-11-28']));
    expect(config.channels.pm_alerts).toMatch(/^C[A-Z0-9]{8,}$/);
    expect(config.channels.leadership).toMatch(/^C[A-Z0-9]{8,}$/);
  });

  it('is the same agency for the same seed, and a different one for another seed', () => {
    expect(generateSampleAgency({ seed: 42 })).toEqual(demo);
    const other = generateSampleAgency({ seed: 7 });
    expect(other.orgConfig.people[0]!.jira_account_id).not.toBe(demo.orgConfig.people[0]!.jira_account_id);
    expect(other.tempo.worklogs.length).not.toBe(demo.tempo.worklogs.length);
  });

  it('has about forty people in four teams, each led by a PM who is one of the team', () => {
    expect(config.people).toHaveLength(40);
    expect(config.teams.map((t) => t.name)).toEqual(['platform', 'mobile', 'design', 'data']);
    for (const team of config.teams) expect(personNamed(team.pm)).toMatchObject({ pm: true, team: team.name });
    for (const p of config.people) expect(p.email).toMatch(/^[a-z]+\.[a-z]+@agency\.test$/);
    expect(config.people.filter((p) => p.weekly_hours === 20).map((p) => p.name)).toEqual([SAMPLE_CAST.partTimer]);
    expect(config.people.filter((p) => !p.active).map((p) => p.name)).toEqual([SAMPLE_CAST.inactive]);
    expect(config.people.filter((p) => p.github_login).length).toBeGreaterThan(15);
  });

  it('knows people by Atlassian account ids in both formats', () => {
    const ids = config.people.map((p) => p.jira_account_id);
    expect(ids.every((id) => /^[0-9a-f]{24}$/.test(id) || /^712020:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id))).toBe(true);
    expect(ids.some((id) => id.startsWith('712020:'))).toBe(true);
    expect(ids.some((id) => !id.startsWith('712020:'))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const jiraUsers = new Set(demo.jira.users.map((u) => u.accountId));
    for (const id of ids) expect(jiraUsers.has(id)).toBe(true);
  });

  it('has 3 retainer, 3 scope and 2 internal projects; retainers carry their hours, Jira project id, channel and repos', () => {
    const count = (type: string) => config.projects.filter((p) => p.type === type).length;
    expect([count('retainer'), count('scope'), count('internal')]).toEqual([3, 3, 2]);
    const jiraIdOf = new Map(demo.jira.projects.map((p) => [p.key, Number(p.id)]));
    for (const p of config.projects.filter((pr) => pr.type === 'retainer')) {
      expect(p.monthly_retainer_hours).toBeGreaterThan(0);
      expect(p.tempo_project_id).toBe(jiraIdOf.get(p.key));
      expect(p.slack_channel).toMatch(/^C[A-Z0-9]{8,}$/);
      expect(p.github_repos.length).toBeGreaterThan(0);
    }
    const repos = demo.github.repos.map((r) => `${r.owner}/${r.name}`).sort();
    expect(repos).toEqual(config.projects.flatMap((p) => p.github_repos).sort());
  });

  it('finds most people in Slack by id, the email-only people by email, except one nobody can DM', () => {
    const slackById = new Map(demo.slack.users.map((u) => [u.id, u]));
    const slackEmails = new Set(demo.slack.users.map((u) => u.email));
    const withId = config.people.filter((p) => p.slack_user_id);
    expect(withId.length).toBeGreaterThan(30);
    for (const p of withId) expect(slackById.get(p.slack_user_id!)?.realName).toBe(p.name);
    const emailOnly = config.people.filter((p) => !p.slack_user_id);
    expect(emailOnly.map((p) => p.name).sort()).toEqual([...SAMPLE_CAST.emailOnly].sort());
    expect(emailOnly.filter((p) => !slackEmails.has(p.email)).map((p) => p.name)).toEqual([SAMPLE_CAST.unknownToSlack]);
    expect(demo.slack.users.every((u) => /^U[A-Z0-9]{8,}$/.test(u.id))).toBe(true);
  });

  it('has the channels the config names, with their members', () => {
    const channels = new Map(demo.slack.channels.map((c) => [c.id, c]));
    const named = [config.channels.pm_alerts!, config.channels.leadership!, ...config.projects.flatMap((p) => (p.slack_channel ? [p.slack_channel] : []))];
    const slackIds = new Set(demo.slack.users.map((u) => u.id));
    for (const id of named) {
      expect(channels.get(id)?.members.length).toBeGreaterThan(0);
      for (const member of channels.get(id)!.members) expect(slackIds.has(member)).toBe(true);
    }
    const pmIds = config.teams.map((t) => personNamed(t.pm).slack_user_id);
    expect(channels.get(config.channels.pm_alerts!)!.members).toEqual(expect.arrayContaining(pmIds));
  });
});

describe('sample agency: Tempo worklogs', () => {
  it('ties every worklog to a real issue of its project, by someone in the config or the one contractor', () => {
    const projectIdOf = new Map(demo.jira.projects.map((p) => [p.key, Number(p.id)]));
    const inConfig = new Set(config.people.map((p) => p.jira_account_id));
    const outsiders = new Set<string>();
    for (const w of demo.tempo.worklogs) {
      const issue = issueById.get(String(w.issueId));
      expect(issue).toBeDefined();
      expect(w.projectId).toBe(projectIdOf.get(issue!.projectKey));
      if (!inConfig.has(w.authorAccountId)) outsiders.add(w.authorAccountId);
    }
    expect(outsiders.size).toBe(1);
    const contractor = demo.jira.users.find((u) => outsiders.has(u.accountId));
    expect(contractor?.displayName).toBe(SAMPLE_CAST.contractor);
    expect(new Set(demo.tempo.worklogs.map((w) => w.tempoWorklogId)).size).toBe(demo.tempo.worklogs.length);
  });

  it('covers September to the as-of on working days and in working hours, all logged before the as-of', () => {
    const dates = demo.tempo.worklogs.map((w) => w.startDate).sort();
    expect(dates[0]! >= '2025-09-01').toBe(true);
    expect(dates[0]! <= '2025-09-03').toBe(true);
    expect(dates[dates.length - 1]).toBe('2025-11-24');
    const weekdays = new Set(workingDaysBetween('2025-09-01', '2025-11-24', config.holidays));
    const onWorkingDays = demo.tempo.worklogs.filter((w) => weekdays.has(w.startDate)).length;
    expect(onWorkingDays / demo.tempo.worklogs.length).toBeGreaterThan(0.98);
    expect(demo.tempo.worklogs.some((w) => w.startDate === '2025-09-01')).toBe(false); // Labor Day
    for (const w of demo.tempo.worklogs) {
      expect(w.startTime >= '07:00:00' && w.startTime < '18:30:00').toBe(true);
      expect(Date.parse(w.createdAt)).toBeLessThanOrEqual(asOfMs);
      expect(w.updatedAt >= w.createdAt).toBe(true);
    }
    // 1 to 4 worklogs a person a working day.
    const perDay = new Map<string, number>();
    for (const w of demo.tempo.worklogs) perDay.set(`${w.authorAccountId} ${w.startDate}`, (perDay.get(`${w.authorAccountId} ${w.startDate}`) ?? 0) + 1);
    expect(Math.max(...perDay.values())).toBeLessThanOrEqual(4);
  });

  it("plants the last complete week's cases: 32 h, 31 h 59 m, nothing, the part-timer at 17 h, low loggers, a contractor", () => {
    expect([lastWeek.start, lastWeek.end]).toEqual(['2025-11-17', '2025-11-23']);
    const totals = secondsByAuthor(demo, lastWeek);
    const seconds = (name: string) => totals.get(personNamed(name).jira_account_id) ?? 0;
    expect(seconds(SAMPLE_CAST.exactly32)).toBe(32 * 3600);
    expect(seconds(SAMPLE_CAST.justUnder32)).toBe(32 * 3600 - 60);
    expect((seconds(SAMPLE_CAST.justUnder32) / 3600).toFixed(2)).toBe('31.98');
    expect(seconds(SAMPLE_CAST.nothingLogged)).toBe(0);
    expect(demo.tempo.worklogs.some((w) => w.authorAccountId === personNamed(SAMPLE_CAST.nothingLogged).jira_account_id && w.startDate >= lastWeek.start && w.startDate <= lastWeek.end)).toBe(false);
    expect(seconds(SAMPLE_CAST.partTimer)).toBe(17 * 3600);
    expect(SAMPLE_CAST.lowLoggers.map((n) => seconds(n) / 3600)).toEqual([20, 26.5, 12]);

    // Everyone else who is active logged at least 32 hours.
    const cast = new Set<string>(Object.keys(SAMPLE_CAST.lastWeekMinutes));
    for (const p of config.people.filter((x) => x.active && !cast.has(x.name))) expect(seconds(p.name)).toBeGreaterThanOrEqual(32 * 3600);

    const inConfig = new Set(config.people.map((p) => p.jira_account_id));
    const contractorHours = [...totals].filter(([account]) => !inConfig.has(account)).map(([, s]) => s / 3600);
    expect(contractorHours).toEqual([6.5]);
  });

  it('has a repeat offender short of 32 h three weeks running, after a compliant week', () => {
    const weeks = [weekBefore(weekBefore(weekBefore(lastWeek))), weekBefore(weekBefore(lastWeek)), weekBefore(lastWeek), lastWeek];
    expect(weeks.map((w) => hoursIn(w, SAMPLE_CAST.repeatOffender))).toEqual([expect.any(Number), 18.5, 22, 20]);
    expect(hoursIn(weeks[0]!, SAMPLE_CAST.repeatOffender)).toBeGreaterThanOrEqual(32);
    // Nobody else was short the week before: the streak is theirs alone.
    for (const p of config.people.filter((x) => x.active && x.weekly_hours === 40 && x.name !== SAMPLE_CAST.repeatOffender)) {
      expect(hoursIn(weeks[2]!, p.name)).toBeGreaterThanOrEqual(32);
    }
  });

  it('keeps the worklogs of the person who left, all from before they left', () => {
    const gone = personNamed(SAMPLE_CAST.inactive);
    const theirs = demo.tempo.worklogs.filter((w) => w.authorAccountId === gone.jira_account_id);
    expect(theirs.length).toBeGreaterThan(20);
    expect(theirs.every((w) => w.startDate < '2025-10-20')).toBe(true);
  });

  it('runs the hot retainer over 90 % of its month by the as-of, on pace to run out; another over 75 %; one healthy', () => {
    const burn = (key: string) => {
      const project = config.projects.find((p) => p.key === key)!;
      const seconds = demo.tempo.worklogs
        .filter((w) => w.projectId === project.tempo_project_id && w.startDate >= '2025-11-01' && Date.parse(w.createdAt) <= asOfMs)
        .reduce((sum, w) => sum + w.timeSpentSeconds, 0);
      return { used: seconds / 3600, budget: project.monthly_retainer_hours! };
    };
    const hot = burn(SAMPLE_CAST.hotRetainer);
    expect(hot.used / hot.budget).toBeGreaterThan(0.9);
    expect(hot.used / hot.budget).toBeLessThan(1);
    // At the pace of the working days so far (Nov 3–21 and this morning), the 3 working days left overrun it.
    const elapsed = workingDaysBetween('2025-11-01', '2025-11-21', config.holidays).length;
    const left = workingDaysBetween('2025-11-24', '2025-11-30', config.holidays).length;
    expect(left).toBe(3);
    expect(hot.used + (hot.used / elapsed) * left).toBeGreaterThan(hot.budget);
    // …and at the calendar pace too.
    const monthElapsed = (asOfMs - Date.parse('2025-11-01T04:00:00Z')) / (30 * DAY_MS);
    expect(hot.used / monthElapsed).toBeGreaterThan(hot.budget);

    const warm = burn(SAMPLE_CAST.warmRetainer);
    expect(warm.used / warm.budget).toBeGreaterThan(0.75);
    expect(warm.used / warm.budget).toBeLessThan(0.9);
    const healthy = burn(SAMPLE_CAST.healthyRetainer);
    expect(healthy.used / healthy.budget).toBeLessThan(0.6);
  });
});

describe('sample agency: Jira', () => {
  const epics = demo.jira.issues.filter((i) => i.issueType === 'Epic');
  const tickets = demo.jira.issues.filter((i) => i.issueType !== 'Epic');

  it('has issue ids unique across projects and keys in creation order', () => {
    expect(new Set(demo.jira.issues.map((i) => i.id)).size).toBe(demo.jira.issues.length);
    expect(demo.jira.issues.every((i) => /^\d+$/.test(i.id))).toBe(true);
    for (const project of demo.jira.projects) {
      const mine = demo.jira.issues.filter((i) => i.projectKey === project.key);
      const byNumber = [...mine].sort((a, b) => Number(a.key.split('-')[1]) - Number(b.key.split('-')[1]));
      expect(byNumber.map((i) => i.created)).toEqual(mine.map((i) => i.created).sort());
    }
  });

  it('gives every project 2–5 epics with estimates and 15–40 tickets under them', () => {
    for (const project of demo.jira.projects) {
      const mine = epics.filter((e) => e.projectKey === project.key);
      expect(mine.length).toBeGreaterThanOrEqual(2);
      expect(mine.length).toBeLessThanOrEqual(5);
      for (const e of mine) expect(e.originalEstimateSeconds).toBeGreaterThan(0);
      const theirs = tickets.filter((t) => t.projectKey === project.key);
      expect(theirs.length).toBeGreaterThanOrEqual(15);
      expect(theirs.length).toBeLessThanOrEqual(40);
      const epicKeys = new Set(mine.map((e) => e.key));
      for (const t of theirs) if (t.parentKey) expect(epicKeys.has(t.parentKey)).toBe(true);
    }
  });

  it("has tickets without an epic whose words clearly point at one of their project's epics", () => {
    const orphans = tickets.filter((t) => t.parentKey === null);
    expect(orphans.length).toBeGreaterThanOrEqual(3);
    for (const orphan of orphans) {
      expect(orphan.statusCategory).not.toBe('done');
      const words = tokenize(orphan.summary);
      const overlaps = epics
        .filter((e) => e.projectKey === orphan.projectKey)
        .map((e) => tokenize(e.summary).filter((w) => words.includes(w)).length)
        .sort((a, b) => b - a);
      expect(overlaps[0]).toBeGreaterThan(0);
      expect(overlaps[0]).toBeGreaterThan(overlaps[1] ?? 0);
    }
  });

  it('has statuses across the workflow, each reached through a status-change history that ends in it', () => {
    expect(new Set(tickets.map((t) => t.status))).toEqual(new Set(['To Do', 'In Progress', 'In Review', 'QA', 'Done']));
    for (const issue of demo.jira.issues) {
      let previous = 'To Do';
      let at = Date.parse(issue.created);
      for (const history of issue.changelog) {
        expect(typeof history.id).toBe('string');
        const item = history.items[0]!;
        expect(item).toMatchObject({ field: 'status', fromString: previous });
        expect(Date.parse(history.created)).toBeGreaterThan(at);
        previous = item.toString!;
        at = Date.parse(history.created);
      }
      expect(previous).toBe(issue.status);
      expect(at).toBeLessThanOrEqual(asOfMs);
      expect(issue.resolutiondate !== null).toBe(issue.status === 'Done');
    }
    expect(tickets.filter((t) => t.comments.length > 0).length).toBeGreaterThan(10);
  });

  it('has tickets stuck in review or QA for 6 to 14 days, and no other ticket waiting there 5 days or more', () => {
    const waiting = tickets.filter((t) => t.status === 'In Review' || t.status === 'QA').map((t) => ({ t, days: (asOfMs - enteredCurrentStatus(t)) / DAY_MS }));
    const stuck = waiting.filter((w) => w.days >= 6);
    expect(stuck.filter((w) => w.t.status === 'In Review').length).toBeGreaterThanOrEqual(2);
    expect(stuck.filter((w) => w.t.status === 'QA').length).toBeGreaterThanOrEqual(1);
    for (const w of stuck) expect(w.days).toBeLessThanOrEqual(14);
    expect(waiting.filter((w) => w.days >= 5 && w.days < 6)).toEqual([]);
    expect(waiting.length - stuck.length).toBeGreaterThan(5);
  });

  it('has epics whose logged hours exceed their estimate by 20–60 %, the others within it', () => {
    const logged = new Map<string, number>();
    for (const w of demo.tempo.worklogs) {
      const issue = issueById.get(String(w.issueId))!;
      const epic = issue.issueType === 'Epic' ? issue.key : issue.parentKey;
      if (epic) logged.set(epic, (logged.get(epic) ?? 0) + w.timeSpentSeconds);
    }
    const ratios = epics.map((e) => (logged.get(e.key) ?? 0) / e.originalEstimateSeconds!);
    const over = ratios.filter((r) => r > 1.2);
    expect(over).toHaveLength(3);
    for (const r of over) expect(r).toBeLessThanOrEqual(1.6);
    expect(ratios.filter((r) => r > 1.12 && r <= 1.2)).toEqual([]);
  });
});

describe('sample agency: GitHub', () => {
  const people = new Set(config.people.filter((p) => p.github_login).map((p) => p.github_login));
  const open = demo.github.repos.flatMap((r) => r.pulls.filter((p) => p.state === 'open'));

  it('has open pull requests by people with a GitHub login, asking people with one to review', () => {
    expect(open.length).toBeGreaterThanOrEqual(10);
    for (const pull of open) {
      expect(people.has(pull.authorLogin)).toBe(true);
      for (const r of pull.requestedReviewers) expect(people.has(r)).toBe(true);
      expect(pull.timeline.some((e) => e.event === 'committed')).toBe(true);
    }
    expect(new Set(open.flatMap((p) => p.reviews.map((r) => r.state)))).toEqual(new Set(['APPROVED', 'CHANGES_REQUESTED', 'COMMENTED']));
    expect(open.filter((p) => p.draft).length).toBeGreaterThanOrEqual(1);
    expect(demo.github.repos.flatMap((r) => r.pulls).filter((p) => p.merged).length).toBeGreaterThan(0);
  });

  it('has reviews requested 3 to 9 days ago that the reviewer has not given', () => {
    const stuck = open.filter((pull) =>
      pull.requestedReviewers.some((reviewer) => {
        const asked = pull.timeline.filter((e): e is ReviewRequest => e.event === 'review_requested' && e.reviewer === reviewer).at(-1);
        if (!asked || pull.reviews.some((r) => r.login === reviewer && r.submittedAt >= asked.createdAt)) return false;
        const days = (asOfMs - Date.parse(asked.createdAt)) / DAY_MS;
        return days >= 3 && days <= 9;
      }),
    );
    expect(stuck.length).toBeGreaterThanOrEqual(3);
  });
});

describe('sample agency at scale', () => {
  it('generates 2,000 people and about 60,000 worklogs in the last complete week, quickly', { timeout: 120_000 }, () => {
    const started = performance.now();
    const large = generateSampleAgency({ size: { people: 2000, issues: 100_000 } });
    const seconds = (performance.now() - started) / 1000;
    const cfg = parseOrgConfig(large.orgConfig);
    expect(cfg.people).toHaveLength(2000);
    expect(cfg.teams).toHaveLength(50);
    expect(cfg.projects.filter((p) => p.type === 'retainer')).toHaveLength(300);
    expect(large.jira.issues).toHaveLength(100_000);
    const inLastWeek = large.tempo.worklogs.filter((w) => w.startDate >= lastWeek.start && w.startDate <= lastWeek.end).length;
    expect(inLastWeek).toBeGreaterThan(58_000);
    expect(inLastWeek).toBeLessThan(61_000);
    // The same cast plays the same parts.
    const totals = secondsByAuthor(large, lastWeek);
    const account = (name: string) => cfg.people.find((p) => p.name === name)!.jira_account_id;
    expect(totals.get(account(SAMPLE_CAST.exactly32))).toBe(32 * 3600);
    expect(totals.get(account(SAMPLE_CAST.partTimer))).toBe(17 * 3600);
    expect(seconds).toBeLessThan(30); // < 10 s on a quiet machine; generous under a loaded test run
  });
});

describe('seeded random', () => {
  it('repeats its sequence for a seed, and draws integers within both bounds', () => {
    const a = new Random(5);
    const b = new Random(5);
    const draws = Array.from({ length: 1000 }, () => a.int(1, 4));
    expect(draws).toEqual(Array.from({ length: 1000 }, () => b.int(1, 4)));
    expect(new Set(draws)).toEqual(new Set([1, 2, 3, 4]));
  });

  it('draws normals around their mean and chances at their rate', () => {
    const r = new Random(9);
    const normals = Array.from({ length: 20_000 }, () => r.normal(10, 2));
    const mean = normals.reduce((s, x) => s + x, 0) / normals.length;
    expect(mean).toBeCloseTo(10, 1);
    const hits = Array.from({ length: 20_000 }, () => r.chance(0.3)).filter(Boolean).length;
    expect(hits / 20_000).toBeCloseTo(0.3, 1);
  });
});
