// Logging: pino, JSON in production, readable lines in a terminal; tokens and secrets are redacted wherever they appear.
import { pino, type Logger } from 'pino';

export type { Logger };

/** Field paths that may carry a secret, at any of the depths our log objects use. */
const SECRET_KEYS = [
  'token', 'apiKey', 'api_key', 'apiToken', 'password', 'secret', 'signingSecret', 'authorization', 'Authorization',
  'cookie', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'TEMPO_API_TOKEN', 'JIRA_API_TOKEN',
  'GITHUB_TOKEN', 'OPENAI_API_KEY', 'DATABASE_URL',
];
const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `headers.${k}`, `*.headers.${k}`]);

/** Token shapes we know (Slack xox*, Bearer/Basic credentials, GitHub ghp_, OpenAI sk-), scrubbed from free text too. */
const TOKEN_PATTERN = /\b(xox[abpre]-[\w-]+|xapp-[\w-]+|gh[pousr]_\w+|github_pat_\w+|sk-[\w-]{8,})|((?:Bearer|Basic)\s+)[\w.=+/-]+/g;

export function scrubSecrets(text: string): string {
  return text.replace(TOKEN_PATTERN, (_m, token: string | undefined, scheme: string | undefined) =>
    token ? '[redacted]' : `${scheme ?? ''}[redacted]`,
  );
}

export interface LoggerOptions {
  level?: string;
  /** Readable output for a person at a terminal; default: when stdout is a TTY and not in production. */
  pretty?: boolean;
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  const pretty = options.pretty ?? (process.stdout.isTTY === true && process.env.NODE_ENV !== 'production');
  const base = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    hooks: {
      logMethod(this: Logger, args: unknown[], method: (...a: unknown[]) => void) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? scrubSecrets(a) : a)));
      },
    },
    formatters: {
      log(object: Record<string, unknown>) {
        const err = object.err as { message?: unknown } | undefined;
        if (err && typeof err.message === 'string') err.message = scrubSecrets(err.message);
        return object;
      },
    },
  };
  if (options.destination) return pino(base, options.destination as pino.DestinationStream);
  if (pretty) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname' } } });
  }
  return pino(base);
}

/** A logger that drops everything (tests that do not assert on logs). */
export const silentLogger: Logger = pino({ level: 'silent' });
