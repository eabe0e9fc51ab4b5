// The notification ledger: a send that must not repeat is claimed under its dedupe key before it goes to Slack and
// marked sent after. A claim left unsent past `staleAfterMs` (a crashed sender) may be taken over; a failed one retried.
import { sql } from 'kysely';
import type { Db } from './database.ts';
import type { NotificationRow } from './schema.ts';

export type ClaimResult = { claimed: true; id: string } | { claimed: false; existing: NotificationRow };

export async function claimNotification(
  db: Db,
  claim: { dedupeKey: string; job: string | null; target: string; claimedBy: string; text: string; staleAfterMs: number },
): Promise<ClaimResult> {
  const inserted = await db
    .insertInto('notifications')
    .values({ dedupe_key: claim.dedupeKey, job: claim.job, target: claim.target, status: 'claimed', claimed_by: claim.claimedBy, text: claim.text })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { claimed: true, id: String(inserted.id) };

  // Someone claimed it before: take it over only if it failed, or its claim went stale without a send.
  const retaken = await db
    .updateTable('notifications')
    .set((eb) => ({
      status: 'claimed',
      claimed_by: claim.claimedBy,
      claimed_at: sql<Date>`now()`,
      attempts: eb('attempts', '+', 1),
      error: null,
    }))
    .where('dedupe_key', '=', claim.dedupeKey)
    .where((eb) =>
      eb.or([
        eb('status', '=', 'failed'),
        eb.and([eb('status', '=', 'claimed'), eb('claimed_at', '<', sql<Date>`now() - make_interval(secs => ${claim.staleAfterMs / 1000})`)]),
      ]),
    )
    .returning('id')
    .executeTakeFirst();
  if (retaken) return { claimed: true, id: String(retaken.id) };
  const existing = await db.selectFrom('notifications').selectAll().where('dedupe_key', '=', claim.dedupeKey).executeTakeFirstOrThrow();
  return { claimed: false, existing };
}

export async function markNotificationSent(db: Db, id: string, sent: { channel: string; ts: string }): Promise<void> {
  await db
    .updateTable('notifications')
    .set({ status: 'sent', sent_at: sql<Date>`now()`, slack_channel: sent.channel, slack_ts: sent.ts, error: null })
    .where('id', '=', id)
    .execute();
}

export async function markNotificationFailed(db: Db, id: string, error: string): Promise<void> {
  await db.updateTable('notifications').set({ status: 'failed', error }).where('id', '=', id).execute();
}

export async function findNotification(db: Db, dedupeKey: string): Promise<NotificationRow | undefined> {
  return db.selectFrom('notifications').selectAll().where('dedupe_key', '=', dedupeKey).executeTakeFirst();
}
