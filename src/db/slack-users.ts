// Cache of users.lookupByEmail answers (found and not found), so each run does not ask Slack again for everyone.
import { sql } from 'kysely';
import type { Db } from './database.ts';

export interface CachedSlackUser {
  slackUserId: string | null;
  lookedUpAt: Date;
}

export async function cachedSlackUser(db: Db, email: string): Promise<CachedSlackUser | undefined> {
  const row = await db.selectFrom('slack_user_cache').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
  return row ? { slackUserId: row.slack_user_id, lookedUpAt: row.looked_up_at } : undefined;
}

export async function cacheSlackUser(db: Db, email: string, slackUserId: string | null): Promise<void> {
  await db
    .insertInto('slack_user_cache')
    .values({ email: email.toLowerCase(), slack_user_id: slackUserId })
    .onConflict((oc) => oc.column('email').doUpdateSet({ slack_user_id: slackUserId, looked_up_at: sql<Date>`now()` }))
    .execute();
}
