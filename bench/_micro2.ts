import { readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { claimReadySteps, finishStep, insertPlan } from '../src/db/plans.ts';
const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
await admin.connect(); await admin.query('drop database if exists explain_x'); await admin.query('create database explain_x'); await admin.end();
const h = await openDatabase({ databaseUrl: 'postgres://postgres@127.0.0.1:5432/explain_x', maxConnections: 1 });
await migrateToLatest(h.db);
for (const stmt of (process.env.PATCH ?? '').split(';;').filter((x) => x.trim())) await sql.raw(stmt).execute(h.db);
const base = { on_failure: 'stop' as const, estimate_minutes: 1, owner: null };
for (let n = 1; n <= 130; n++) {
  const steps = [{ ...base, id: 'epic', title: 'E', action: 'jira.create_epic', params: { project: 'BENCH', summary: 'e' }, depends_on: [] as string[] },
    ...Array.from({ length: 9 }, (_, i) => ({ ...base, id: `issue${i + 1}`, title: 'I', action: 'jira.create_issue', params: { project: 'BENCH', summary: 'i', parent: '{{steps.epic.key}}' }, depends_on: ['epic'] }))];
  await h.db.transaction().execute((trx) => insertPlan(trx, { request: 'r', goal: 'g', status: 'approved', requesterSlackId: 'U1', requesterAccountId: 'a', channelId: 'C1', planner: 'bench', notes: [], steps }));
}
const pid = (await sql<{ p: number }>`select pg_backend_pid() as p`.execute(h.db)).rows[0]!.p;
const cpu = async () => { const st = await readFile(`/proc/${pid}/stat`, 'utf8'); const f = st.slice(st.lastIndexOf(')') + 2).split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
let queue = await claimReadySteps(h.db, null, 50, 'r1', { staleAfterMs: 600000 });
let c0 = 0; let t = 0; let n = 0;
while (queue.length) {
  const c = queue.shift()!;
  const end = await finishStep(h.db, { planId: c.planId, stepId: c.step.id, runner: 'r1', status: 'completed', result: { key: 'X-1', id: '1', project: 'BENCH', created: true }, event: { actor: 'executor:r1', kind: 'step_completed', detail: { attempts: 1, result: { key: 'X-1' } } }, claim: { limit: 1, planId: null, staleAfterMs: 600000 } });
  if (end.recorded) queue.push(...end.claimed);
  n++;
  if (n === 300) { c0 = await cpu(); t = performance.now(); }
}
console.log(process.env.LABEL ?? 'base', 'per call: backend cpu us', Math.round(((await cpu()) - c0) * 1000 / (n - 300)), 'wall us', Math.round((performance.now() - t) * 1000 / (n - 300)));
await h.close();
