// A simulated agency online: the fake Tempo, Jira, GitHub, Slack and OpenAI servers started on 127.0.0.1 with an
// agency's data, and the environment variables that point pm-agents at them. Used by the demo, tests and benchmarks.
import type { Clock } from '../clock.ts';
import type { Env } from '../config.ts';
import type { AgencyData } from './agency-data.ts';
import { GithubFake } from './servers/github.ts';
import { JiraFake } from './servers/jira.ts';
import { OpenAiFake } from './servers/openai.ts';
import { SANDBOX_SLACK_BOT_TOKEN, SlackFake } from './servers/slack.ts';
import { TempoFake } from './servers/tempo.ts';

export const SANDBOX_TOKENS = {
  tempo: 'tempo-sandbox-token',
  jiraEmail: 'pm-agents@agency.test',
  jiraToken: 'jira-sandbox-token',
  github: 'ghp_sandboxtoken000000000000000000000000',
  slack: SANDBOX_SLACK_BOT_TOKEN,
  slackSigningSecret: 'sandbox-signing-secret',
} as const;

export interface SandboxOptions {
  /** Delay before every fake answer (ms): benchmarks use 20. */
  latencyMs?: number;
  /** "Now" of the fakes (relative JQL dates, change timestamps, Slack's scheduleMessage checks). */
  clock?: Clock;
  /** Start the fake OpenAI server and point OPENAI_* at it (default: no LLM, the local fallback). */
  withOpenAi?: boolean;
  /** Slack's per-method limits to enforce (calls per minute), e.g. `{ 'chat.postMessage': 600 }`. */
  slackRateLimits?: Partial<Record<string, number>>;
}

export interface Sandbox {
  tempo: TempoFake;
  jira: JiraFake;
  github: GithubFake;
  slack: SlackFake;
  openai: OpenAiFake | null;
  /** Environment pointing every client at the fakes. */
  env: Env;
  stop(): Promise<void>;
}

export async function startSandbox(data: AgencyData, options: SandboxOptions = {}): Promise<Sandbox> {
  const latencyMs = options.latencyMs ?? 0;
  const tempo = new TempoFake(data.tempo, { token: SANDBOX_TOKENS.tempo, latencyMs });
  const jira = new JiraFake(data.jira, { email: SANDBOX_TOKENS.jiraEmail, apiToken: SANDBOX_TOKENS.jiraToken, latencyMs, clock: options.clock });
  const github = new GithubFake(data.github, { token: SANDBOX_TOKENS.github, latencyMs });
  const slack = new SlackFake(data.slack, { botToken: SANDBOX_TOKENS.slack, latencyMs, clock: options.clock, rateLimits: options.slackRateLimits });
  const openai = options.withOpenAi ? new OpenAiFake({ latencyMs }) : null;
  const servers = [tempo, jira, github, slack, ...(openai ? [openai] : [])];
  await Promise.all(servers.map((s) => s.start()));
  const env: Env = {
    TEMPO_BASE_URL: `${tempo.url}/4`,
    TEMPO_API_TOKEN: SANDBOX_TOKENS.tempo,
    JIRA_BASE_URL: jira.url,
    JIRA_EMAIL: SANDBOX_TOKENS.jiraEmail,
    JIRA_API_TOKEN: SANDBOX_TOKENS.jiraToken,
    GITHUB_API_URL: github.url,
    GITHUB_TOKEN: SANDBOX_TOKENS.github,
    SLACK_API_URL: slack.apiUrl,
    SLACK_BOT_TOKEN: SANDBOX_TOKENS.slack,
    SLACK_SIGNING_SECRET: SANDBOX_TOKENS.slackSigningSecret,
    ...(openai ? { OPENAI_API_KEY: openai.apiKey, OPENAI_BASE_URL: `${openai.url}/v1` } : {}),
  };
  return {
    tempo,
    jira,
    github,
    slack,
    openai,
    env,
    stop: async () => {
      await Promise.all(servers.map((s) => s.stop()));
    },
  };
}
