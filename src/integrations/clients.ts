// The API clients a command may use, built from the environment on first use: a missing variable is an error only
// for the part that needs it, and the error names the variable and what it is for.
import type { WebClient } from '@slack/web-api';
import { requireEnv, type Env } from '../config.ts';
import type { Logger } from '../logger.ts';
import { createGithubClient, type GithubClient } from './github.ts';
import type { HttpPolicy } from './http.ts';
import { createJiraClient, type JiraClient } from './jira.ts';
import { createLlm, type Llm } from './llm.ts';
import { createSlackWebClient } from './slack.ts';
import { createTempoClient, type TempoClient } from './tempo.ts';

export interface Clients {
  tempo(): TempoClient;
  jira(): JiraClient;
  github(): GithubClient;
  /** null when SLACK_BOT_TOKEN is absent (dry runs can still render). */
  slack(): WebClient | null;
  llm(): Llm;
}

export interface ClientOptions {
  logger: Logger;
  /** Overrides for tests and benchmarks (shorter backoff); production uses the defaults. */
  policy?: Partial<HttpPolicy>;
  /** Replaces the waits between retries (tests shrink them; the decisions stay the production ones). */
  sleep?: (ms: number) => Promise<void>;
  slackRetries?: number;
}

function lazy<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

export function createClients(env: Env, options: ClientOptions): Clients {
  const { logger, policy, sleep } = options;
  return {
    tempo: lazy(() => {
      const { TEMPO_API_TOKEN } = requireEnv(env, 'Reading Tempo worklogs', ['TEMPO_API_TOKEN']);
      return createTempoClient({ baseUrl: env.TEMPO_BASE_URL || undefined, token: TEMPO_API_TOKEN, policy, logger, sleep });
    }),
    jira: lazy(() => {
      const v = requireEnv(env, 'Reading and updating Jira', ['JIRA_BASE_URL', 'JIRA_EMAIL', 'JIRA_API_TOKEN']);
      return createJiraClient({ baseUrl: v.JIRA_BASE_URL, email: v.JIRA_EMAIL, apiToken: v.JIRA_API_TOKEN, policy, logger, sleep });
    }),
    github: lazy(() => {
      const { GITHUB_TOKEN } = requireEnv(env, 'Reading GitHub pull requests', ['GITHUB_TOKEN']);
      return createGithubClient({ baseUrl: env.GITHUB_API_URL || undefined, token: GITHUB_TOKEN, policy, logger, sleep });
    }),
    slack: lazy(() => {
      const token = env.SLACK_BOT_TOKEN?.trim();
      return token ? createSlackWebClient({ token, apiUrl: env.SLACK_API_URL || undefined, logger, retries: options.slackRetries }) : null;
    }),
    llm: lazy(() => createLlm(env, { logger })),
  };
}
