// The executor's queue, made cheap to claim from:
// - plan_steps.waiting_for counts a step's dependencies not yet completed or skipped, kept by a trigger on every
//   status change, so "ready" is `status = 'pending' and waiting_for = 0` (a partial index) instead of a subquery over
//   every pending step's dependencies on every claim;
// - the two hot statements, claiming ready steps and recording a step's end, are PL/pgSQL functions: PostgreSQL keeps
//   their plans for the session instead of planning them on every call (planning the claim cost more than running it).
//   graphile-worker's job queue takes the same approach. Both work the same on PGlite.
// To change a function: a new migration with `create or replace function`, keeping its arguments and result columns.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table plan_steps add column waiting_for integer not null default 0`.execute(db);
  await sql`
    update plan_steps s set waiting_for = (
      select count(*) from jsonb_array_elements_text(s.depends_on) as d(dep)
      join plan_steps b on b.plan_id = s.plan_id and b.step_id = d.dep
      where b.status not in ('completed', 'skipped'))`.execute(db);
  // A step entering (or leaving) completed/skipped frees (or holds back again) the steps that depend on it.
  await sql`
    create function pm_plan_step_status_changed() returns trigger
    language plpgsql as $fn$
    begin
      -- Called only for such a change (the trigger's WHEN).
      update plan_steps
      set waiting_for = waiting_for + case when new.status in ('completed', 'skipped') then -1 else 1 end
      where plan_id = new.plan_id and depends_on ? new.step_id;
      return null;
    end
    $fn$`.execute(db);
  await sql`
    create trigger plan_steps_status_changed after update of status on plan_steps
    for each row when ((old.status in ('completed', 'skipped')) is distinct from (new.status in ('completed', 'skipped')))
    execute function pm_plan_step_status_changed()`.execute(db);
  await sql`create index plan_steps_ready_idx on plan_steps (plan_id, position) where status = 'pending' and waiting_for = 0`.execute(db);
  await sql`create index plan_steps_claimed_idx on plan_steps (claimed_at) where status = 'running' and waiting_on is null`.execute(db);
  // Those two serve every query by status now; one index less to keep up on every step's start and end.
  await sql`drop index plan_steps_status_idx`.execute(db);

  // Claims up to p_limit steps that can run now (see claimReadySteps in src/db/plan-queue.ts for the rules).
  await sql`
    create function pm_claim_plan_steps(p_plan bigint, p_limit integer, p_runner text, p_stale_seconds double precision)
    returns table (step jsonb, previous_status text, previous_runner text, requester_slack_id text,
                   requester_account_id text, has_message boolean, results jsonb)
    language plpgsql volatile as $fn$
    declare
      v_actor text := 'executor:' || p_runner;
    begin
      return query
      with stale as (
        -- Running steps whose runner died (their claim is too old), except manual steps waiting for a person.
        select s.plan_id, s.step_id
        from plan_steps s
        where s.status = 'running' and s.waiting_on is null
          and s.claimed_at < now() - make_interval(secs => p_stale_seconds)
          and (p_plan is null or s.plan_id = p_plan)
          and exists (select 1 from plans p where p.id = s.plan_id and p.status in ('approved', 'executing'))
        order by s.plan_id, s.position
        limit p_limit
        for update of s skip locked
      ), pending as (
        -- Pending steps with nothing left to wait for, oldest plan first (plan_steps_ready_idx, in order).
        select s.plan_id, s.step_id
        from plan_steps s
        where s.status = 'pending' and s.waiting_for = 0
          and (p_plan is null or s.plan_id = p_plan)
          and exists (select 1 from plans p where p.id = s.plan_id and p.status in ('approved', 'executing'))
        order by s.plan_id, s.position
        limit p_limit
        for update of s skip locked
      ), ready as (
        select c.plan_id, c.step_id, s.status as previous_status, s.claimed_by as previous_runner,
               p.requester_slack_id, p.requester_account_id, p.message_ts is not null as has_message
        from (select * from stale union all select * from pending) c
        join plan_steps s on s.plan_id = c.plan_id and s.step_id = c.step_id
        join plans p on p.id = c.plan_id
        order by s.status = 'pending', c.plan_id, s.position
        limit p_limit
      ), claimed as (
        update plan_steps u
        set status = 'running', claimed_by = p_runner, claimed_at = now(), started_at = coalesce(u.started_at, now()),
            attempts = u.attempts + 1, error = null
        from ready
        where u.plan_id = ready.plan_id and u.step_id = ready.step_id
        returning u.*, ready.previous_status as ready_previous_status, ready.previous_runner as ready_previous_runner,
          ready.requester_slack_id as ready_requester_slack_id, ready.requester_account_id as ready_requester_account_id,
          ready.has_message as ready_has_message
      ), started as (
        -- A plan row another transaction holds (a second executor starting it now) is left to that one.
        update plans set status = 'executing', updated_at = now()
        where id in (select pl.id from plans pl where pl.id in (select c.plan_id from claimed c) and pl.status = 'approved'
                     for no key update skip locked)
        returning id
      ), recorded as (
        insert into plan_events (plan_id, step_id, actor, kind, detail)
        select st.id, null, v_actor, 'plan_started', '{}'::jsonb from started st
        union all
        select c.plan_id, c.step_id, v_actor,
          case when c.ready_previous_status = 'running' then 'step_reclaimed' else 'step_started' end,
          case when c.ready_previous_status = 'running' then jsonb_build_object('from', c.ready_previous_runner, 'attempt', c.attempts)
               else jsonb_build_object('attempt', c.attempts) end
        from claimed c
      )
      select
        to_jsonb(c) - 'ready_previous_status' - 'ready_previous_runner' - 'ready_requester_slack_id'
          - 'ready_requester_account_id' - 'ready_has_message',
        c.ready_previous_status, c.ready_previous_runner, c.ready_requester_slack_id, c.ready_requester_account_id,
        c.ready_has_message,
        (select jsonb_object_agg(r.step_id, r.result) from plan_steps r
          where r.plan_id = c.plan_id and r.status = 'completed' and r.result is not null)
      from claimed c
      order by c.plan_id, c.position;
    end
    $fn$`.execute(db);

  // Records how steps this runner holds ended (one or several: the executor sends the ends that came in while its
  // previous call was under way), each under its plan's row lock, plans taken in id order so two executors never wait
  // on each other. For each: completes the plan when nothing is left and nothing failed (what settlement() in
  // plan-settlement.ts decides for that case), else says whether the plan needs settling by the executor (a failed
  // step, a plan still marked approved). Then claims up to p_claim ready steps for the same runner: a step's end and
  // the start of the next cost one round trip. Each statement reads what was committed before it ran, and the lock
  // makes two ends of one plan take turns: of two last steps ending at once in two executors, the second sees both.
  //
  // p_ends: [{ plan_id, step_id, status, result, error, actor, kind, detail }]. Result: `ends`, in the same order,
  // [{ recorded, plan_status, rollback_requested, needs_settling }] (recorded false: the step was no longer this
  // runner's, nothing changed); `claimed`, rows as pm_claim_plan_steps gives them.
  await sql`
    create function pm_finish_plan_steps(p_ends jsonb, p_runner text, p_claim integer, p_claim_plan bigint,
                                          p_stale_seconds double precision)
    returns table (ends jsonb, claimed jsonb)
    language plpgsql volatile as $fn$
    declare
      v_end record;
      v_plan bigint;
      v_status text;
      v_rollback boolean;
      v_done integer;
      v_failed boolean;
      v_open boolean;
      v_started boolean;
      v_needs boolean;
      v_out jsonb[] := array_fill(null::jsonb, array[jsonb_array_length(p_ends)]);
      v_claimed jsonb := '[]'::jsonb;
    begin
      for v_end in
        select e.value as e, e.ordinality as i from jsonb_array_elements(p_ends) with ordinality as e
        order by (e.value->>'plan_id')::bigint, e.value->>'step_id'
      loop
        v_plan := (v_end.e->>'plan_id')::bigint;
        v_needs := false;
        select pl.status, pl.rollback_requested into v_status, v_rollback from plans pl where pl.id = v_plan for no key update;
        if not found then
          v_out[v_end.i] := jsonb_build_object('recorded', false);
          continue;
        end if;
        update plan_steps
        set status = v_end.e->>'status', result = nullif(v_end.e->'result', 'null'::jsonb), error = v_end.e->>'error', finished_at = now(),
            waiting_on = null
        where plan_id = v_plan and step_id = v_end.e->>'step_id' and status = 'running' and claimed_by = p_runner;
        get diagnostics v_done = row_count;
        if v_done = 0 then
          v_out[v_end.i] := jsonb_build_object('recorded', false);
          continue;
        end if;
        insert into plan_events (plan_id, step_id, actor, kind, detail)
        values (v_plan, v_end.e->>'step_id', v_end.e->>'actor', v_end.e->>'kind', v_end.e->'detail');

        if v_status in ('approved', 'executing', 'paused') then
          select coalesce(bool_or(s.status = 'failed'), false), coalesce(bool_or(s.status in ('pending', 'running')), false),
                 coalesce(bool_or(s.status <> 'pending'), false)
            into v_failed, v_open, v_started
            from plan_steps s where s.plan_id = v_plan;
          if v_status <> 'approved' and not v_failed and not v_open then
            update plans set status = 'completed', updated_at = now(), finished_at = now() where id = v_plan;
            insert into plan_events (plan_id, step_id, actor, kind, detail)
            values (v_plan, null, v_end.e->>'actor', 'plan_completed', '{}'::jsonb);
            v_status := 'completed';
          else
            v_needs := v_failed or not v_open or (v_status = 'approved' and v_started);
          end if;
        end if;
        v_out[v_end.i] := jsonb_build_object('recorded', true, 'plan_status', v_status, 'rollback_requested', v_rollback,
                                             'needs_settling', v_needs);
      end loop;

      if p_claim > 0 then
        select coalesce(jsonb_agg(to_jsonb(c)), '[]'::jsonb) into v_claimed
          from pm_claim_plan_steps(p_claim_plan, p_claim, p_runner, p_stale_seconds) c;
      end if;
      return query select to_jsonb(v_out), v_claimed;
    end
    $fn$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists plan_steps_status_changed on plan_steps`.execute(db);
  await sql`drop function if exists pm_plan_step_status_changed()`.execute(db);
  await sql`create index if not exists plan_steps_status_idx on plan_steps (status, plan_id)`.execute(db);
  await sql`drop index if exists plan_steps_claimed_idx`.execute(db);
  await sql`drop index if exists plan_steps_ready_idx`.execute(db);
  await sql`alter table plan_steps drop column if exists waiting_for`.execute(db);
  await sql`drop function if exists pm_finish_plan_steps(jsonb, text, integer, bigint, double precision)`.execute(db);
  await sql`drop function if exists pm_claim_plan_steps(bigint, integer, text, double precision)`.execute(db);
}
