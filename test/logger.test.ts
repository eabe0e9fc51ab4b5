import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrubSecrets } from '../src/logger.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

describe('logging', () => {
  it('writes JSON lines and redacts secret fields at any depth', () => {
    const { logger, lines } = capture();
    logger.info({ token: 'xoxb-1-2-abc', config: { SLACK_SIGNING_SECRET: 's3cr3t', apiKey: 'sk-live-abcdefgh' }, headers: { authorization: 'Bearer abc.def' } }, 'starting');
    const entry = JSON.parse(lines[0]!);
    expect(entry.msg).toBe('starting');
    expect(entry.token).toBe('[redacted]');
    expect(entry.config).toEqual({ SLACK_SIGNING_SECRET: '[redacted]', apiKey: '[redacted]' });
    expect(entry.headers.authorization).toBe('[redacted]');
    expect(lines.join('')).not.toMatch(/xoxb-1-2-abc|s3cr3t|sk-live|abc\.def/);
  });

  it('scrubs token-shaped strings from messages and error messages', () => {
    const { logger, lines } = capture();
    logger.warn('retrying with Bearer eyJhbGciOi.payload.sig for xoxb-123-456-abcdef');
    logger.error({ err: new Error('GitHub said no to ghp_abcdefghijklmnop1234') }, 'failed');
    const text = lines.join('');
    expect(text).not.toMatch(/eyJhbGciOi|xoxb-123|ghp_abcdef/);
    expect(text).toContain('Bearer [redacted]');
  });

  it('leaves ordinary text alone', () => {
    expect(scrubSecrets('SUBS is at 91 % of 120 h')).toBe('SUBS is at 91 % of 120 h');
  });
});
