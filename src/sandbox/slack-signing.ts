// Signs requests the way Slack does (v0 HMAC-SHA256 of "v0:{timestamp}:{raw body}"), to send them into the real Bolt
// receiver: used by the demo's /plan scene and by tests.
import { createHmac } from 'node:crypto';

export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignedPostOptions {
  secret: string;
  /** Seconds since the epoch; default now. */
  timestamp?: number;
  /** Replace the signature (forgery tests). */
  signature?: string;
}

/** POST a form body to the Bolt receiver, signed. */
export async function postSigned(url: string, form: Record<string, string>, options: SignedPostOptions): Promise<Response> {
  const body = new URLSearchParams(form).toString();
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': options.signature ?? slackSignature(options.secret, timestamp, body),
    },
    body,
  });
}

export function slashCommandForm(command: string, text: string, user = 'U01ADA', channel = 'C0SUBS', responseUrl = 'https://hooks.slack.test/commands/T1/1/x'): Record<string, string> {
  return {
    token: 'legacy-verification-token',
    team_id: 'T0AGENCY',
    team_domain: 'agency',
    channel_id: channel,
    channel_name: 'subs',
    user_id: user,
    user_name: 'ada',
    command,
    text,
    api_app_id: 'A0PMAGENTS',
    response_url: responseUrl,
    trigger_id: '1337.42.abcd',
  };
}
