// The one way a job talks to Slack: every message carries a dedupe key and goes through the ledger (claim, send,
// mark sent), so a re-run or a second replica never sends it twice. In a dry run it is rendered, never sent.
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { renderMessageText } from '../bot/blocks/render-text.ts';
import type { Db } from '../db/database.ts';
import { claimNotification, markNotificationFailed, markNotificationSent } from '../db/notifications.ts';
import { cacheSlackUser, cachedSlackUser } from '../db/slack-users.ts';
import { lookupUserIdByEmail, slackErrorCode, uploadFile } from '../integrations/slack.ts';
import type { Logger } from '../logger.ts';

/** Who a DM is for: enough to find their Slack id and to name them in a report. */
export interface PersonAddress {
  name: string;
  accountId: string;
  slackUserId?: string | null;
  email?: string | null;
}

export type Recipient = { channel: string } | { person: PersonAddress };

export interface OutgoingFile {
  filename: string;
  title: string;
  content: Buffer;
}

export interface OutgoingMessage {
  /** Unique per thing-to-say, e.g. `retainer:SUBS:2025-11:90` or `tt-dm:2025-W45:<account>`. */
  dedupeKey: string;
  to: Recipient;
  text: string;
  blocks?: KnownBlock[];
  /** Files posted in the message's thread after it (charts, full lists). */
  files?: OutgoingFile[];
}

export type SendOutcome =
  | { status: 'sent'; channel: string; ts: string }
  | { status: 'already_sent'; channel: string | null; ts: string | null }
  | { status: 'in_progress' }
  | { status: 'unreachable'; reason: string }
  | { status: 'failed'; error: string }
  | { status: 'dry_run'; target: string; rendered: string };

/** What a dry run (or the demo) shows instead of sending. */
export type RenderSink = (rendered: { target: string; dedupeKey: string; text: string }) => void;

export interface NotifierOptions {
  db: Db;
  slack: WebClient | null;
  logger: Logger;
  job?: string | null;
  dryRun?: boolean;
  /** Identifies this process in the ledger (host:pid). */
  runner: string;
  /** A claim older than this without a send is considered abandoned (default 10 minutes). */
  staleAfterMs?: number;
  /** How long a users.lookupByEmail answer is trusted (default 7 days; "not found" for 1 day). */
  lookupCacheMs?: number;
  render?: RenderSink;
  /** Display names for mentions when rendering. */
  names?: Record<string, string>;
}

const DAY = 86_400_000;

export class Notifier {
  constructor(private readonly options: NotifierOptions) {}

  get dryRun(): boolean {
    return this.options.dryRun ?? false;
  }

  /** A copy for another job (the ledger records which job sent what). */
  forJob(job: string, overrides: Partial<NotifierOptions> = {}): Notifier {
    return new Notifier({ ...this.options, job, ...overrides });
  }

  /**
   * The person's Slack id: `slack_user_id` from the config, else users.lookupByEmail (cached). A person who cannot be
   * reached is returned with the reason, never thrown: callers report them to a PM.
   */
  async resolvePerson(person: PersonAddress): Promise<{ slackUserId: string } | { reason: string }> {
    if (person.slackUserId) return { slackUserId: person.slackUserId };
    if (!person.email) return { reason: 'no slack_user_id or email in the config' };
    const { db, slack } = this.options;
    const cached = await cachedSlackUser(db, person.email);
    // Real time, not the job's as-of: the cache row was stamped by the database's now().
    const age = cached ? Date.now() - cached.lookedUpAt.getTime() : Infinity;
    const trustFor = cached?.slackUserId ? (this.options.lookupCacheMs ?? 7 * DAY) : DAY;
    if (cached && age < trustFor) {
      return cached.slackUserId ? { slackUserId: cached.slackUserId } : { reason: `no Slack account found for ${person.email}` };
    }
    if (!slack) return { reason: `cannot look up ${person.email}: Slack is not configured` };
    try {
      const id = await lookupUserIdByEmail(slack, person.email);
      if (!this.dryRun) await cacheSlackUser(db, person.email, id);
      return id ? { slackUserId: id } : { reason: `no Slack account found for ${person.email}` };
    } catch (err) {
      const code = slackErrorCode(err);
      return { reason: `Slack lookup of ${person.email} failed${code ? ` (${code})` : ''}` };
    }
  }

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    const { db, logger } = this.options;
    let target: string;
    if ('channel' in message.to) target = message.to.channel;
    else {
      const resolved = await this.resolvePerson(message.to.person);
      if ('reason' in resolved) return { status: 'unreachable', reason: resolved.reason };
      target = resolved.slackUserId;
    }

    if (this.dryRun) {
      const rendered = renderMessageText({ text: message.text, blocks: message.blocks }, { names: this.options.names });
      const filesNote = message.files?.length ? `\n[files: ${message.files.map((f) => f.filename).join(', ')}]` : '';
      this.options.render?.({ target, dedupeKey: message.dedupeKey, text: rendered + filesNote });
      return { status: 'dry_run', target, rendered: rendered + filesNote };
    }

    const claim = await claimNotification(db, {
      dedupeKey: message.dedupeKey,
      job: this.options.job ?? null,
      target,
      claimedBy: this.options.runner,
      text: message.text.slice(0, 2000),
      staleAfterMs: this.options.staleAfterMs ?? 10 * 60_000,
    });
    if (!claim.claimed) {
      const row = claim.existing;
      return row.status === 'sent' ? { status: 'already_sent', channel: row.slack_channel, ts: row.slack_ts } : { status: 'in_progress' };
    }

    const slack = this.options.slack;
    if (!slack) {
      const error = 'Slack is not configured (SLACK_BOT_TOKEN)';
      await markNotificationFailed(db, claim.id, error);
      return { status: 'failed', error };
    }
    try {
      const posted = await slack.chat.postMessage({ channel: target, text: message.text, blocks: message.blocks, unfurl_links: false });
      const channel = posted.channel ?? target;
      const ts = posted.ts ?? '';
      // Marked sent before the files: a failed upload must not cause the message itself to be sent again.
      await markNotificationSent(db, claim.id, { channel, ts });
      for (const file of message.files ?? []) {
        try {
          await uploadFile(slack, { channelId: channel, threadTs: ts, filename: file.filename, title: file.title, content: file.content });
        } catch (err) {
          logger.warn({ err, dedupeKey: message.dedupeKey, file: file.filename }, 'file upload failed; the message was sent without it');
        }
      }
      return { status: 'sent', channel, ts };
    } catch (err) {
      const code = slackErrorCode(err);
      const error = code ? `Slack answered ${code}` : (err as Error).message;
      await markNotificationFailed(db, claim.id, error);
      logger.warn({ dedupeKey: message.dedupeKey, target, error }, 'Slack send failed');
      return { status: 'failed', error };
    }
  }
}
