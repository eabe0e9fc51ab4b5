// Queries of the time-tracking compliance history.
import { sql } from 'kysely';
import type { Db } from './database.ts';

export interface ComplianceRow {
  accountId: string;
  weekStart: string;
  team: string | null;
  hours: number;
  expectedHours: number;
  compliantHours: number;
  status: 'compliant' | 'partial' | 'non_compliant';
  streak: number;
  byDay: { date: string; hours: number }[];
}

/** Verdicts of the weeks from `from` (inclusive) to `before` (exclusive): the history streaks and last week come from. */
export async function complianceHistory(db: Db, from: string, before: string) {
  const rows = await db
    .selectFrom('time_tracking_compliance')
    .select(['user_account_id', 'week_start_date', 'is_compliant', 'team'])
    .where('week_start_date', '>=', from)
    .where('week_start_date', '<', before)
    .execute();
  return rows.map((r) => ({ accountId: r.user_account_id, weekStart: String(r.week_start_date), isCompliant: r.is_compliant, team: r.team }));
}

/** Upsert one week's verdicts; a re-run updates the hours (late loggers) and keeps what was already sent. */
export async function saveComplianceWeek(db: Db, rows: ComplianceRow[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += 500) {
      await trx
        .insertInto('time_tracking_compliance')
        .values(
          rows.slice(i, i + 500).map((r) => ({
            user_account_id: r.accountId,
            week_start_date: r.weekStart,
            team: r.team,
            hours_logged: r.hours,
            expected_hours: r.expectedHours,
            compliant_hours: r.compliantHours,
            status: r.status,
            is_compliant: r.status === 'compliant',
            streak: r.streak,
            by_day: JSON.stringify(r.byDay),
            updated_at: now,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['user_account_id', 'week_start_date']).doUpdateSet((eb) => ({
            team: eb.ref('excluded.team'),
            hours_logged: eb.ref('excluded.hours_logged'),
            expected_hours: eb.ref('excluded.expected_hours'),
            compliant_hours: eb.ref('excluded.compliant_hours'),
            status: eb.ref('excluded.status'),
            is_compliant: eb.ref('excluded.is_compliant'),
            streak: eb.ref('excluded.streak'),
            by_day: eb.ref('excluded.by_day'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
  });
}

/** Record the outcome of each DM (sent, or why not). */
export async function markComplianceNotifications(
  db: Db,
  weekStart: string,
  outcomes: { accountId: string; sent: boolean; error: string | null }[],
): Promise<void> {
  if (outcomes.length === 0) return;
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < outcomes.length; i += 500) {
      const chunk = outcomes.slice(i, i + 500);
      await sql`update time_tracking_compliance as t
        set notification_sent = t.notification_sent or v.sent, notification_error = case when v.sent then null else v.error end
        from (values ${sql.join(chunk.map((o) => sql`(${o.accountId}::text, ${o.sent}::boolean, ${o.error}::text)`))}) as v(account_id, sent, error)
        where t.user_account_id = v.account_id and t.week_start_date = ${weekStart}::date`.execute(trx);
    }
  });
}

export async function complianceWeek(db: Db, weekStart: string) {
  return db.selectFrom('time_tracking_compliance').selectAll().where('week_start_date', '=', weekStart).orderBy('user_account_id').execute();
}
