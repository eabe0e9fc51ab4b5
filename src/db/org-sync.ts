// Mirrors the org config into people/teams/projects: upserts what the file says; whatever the file no longer names
// becomes inactive, never deleted, so history rows keep their references.
import { sql } from 'kysely';
import type { OrgConfig } from '../config.ts';
import type { Db } from './database.ts';

export interface SyncCounts {
  upserted: number;
  deactivated: number;
}

export interface OrgSyncResult {
  people: SyncCounts;
  teams: SyncCounts;
  projects: SyncCounts;
}

export async function syncOrgConfig(db: Db, org: OrgConfig, now: Date): Promise<OrgSyncResult> {
  const accountOf = new Map(org.people.map((p) => [p.name, p.jira_account_id]));
  return db.transaction().execute(async (trx) => {
    const people = org.people.map((p) => ({
      account_id: p.jira_account_id,
      name: p.name,
      email: p.email ?? null,
      slack_user_id: p.slack_user_id ?? null,
      github_login: p.github_login ?? null,
      team: p.team ?? null,
      is_pm: p.pm || org.teams.some((t) => t.pm === p.name) || org.projects.some((pr) => pr.pm === p.name),
      weekly_hours: p.weekly_hours,
      active: p.active,
      updated_at: now,
    }));
    for (let i = 0; i < people.length; i += 500) {
      await trx
        .insertInto('people')
        .values(people.slice(i, i + 500))
        .onConflict((oc) =>
          oc.column('account_id').doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            email: eb.ref('excluded.email'),
            slack_user_id: eb.ref('excluded.slack_user_id'),
            github_login: eb.ref('excluded.github_login'),
            team: eb.ref('excluded.team'),
            is_pm: eb.ref('excluded.is_pm'),
            weekly_hours: eb.ref('excluded.weekly_hours'),
            active: eb.ref('excluded.active'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
    const peopleGone = await trx
      .updateTable('people')
      .set({ active: false, updated_at: now })
      .where('active', '=', true)
      .$if(people.length > 0, (q) => q.where('account_id', 'not in', people.map((p) => p.account_id)))
      .executeTakeFirst();

    const teams = org.teams.map((t) => ({ name: t.name, pm_account_id: accountOf.get(t.pm) ?? null, active: true, updated_at: now }));
    if (teams.length > 0) {
      await trx
        .insertInto('teams')
        .values(teams)
        .onConflict((oc) =>
          oc.column('name').doUpdateSet((eb) => ({ pm_account_id: eb.ref('excluded.pm_account_id'), active: sql<boolean>`true`, updated_at: eb.ref('excluded.updated_at') })),
        )
        .execute();
    }
    const teamsGone = await trx
      .updateTable('teams')
      .set({ active: false, updated_at: now })
      .where('active', '=', true)
      .$if(teams.length > 0, (q) => q.where('name', 'not in', teams.map((t) => t.name)))
      .executeTakeFirst();

    const projects = org.projects.map((p) => ({
      key: p.key,
      name: p.name,
      type: p.type,
      monthly_retainer_hours: p.monthly_retainer_hours ?? null,
      pm_account_id: p.pm ? (accountOf.get(p.pm) ?? null) : null,
      slack_channel: p.slack_channel ?? null,
      tempo_project_id: p.tempo_project_id ?? null,
      github_repos: JSON.stringify(p.github_repos),
      active: p.active,
      updated_at: now,
    }));
    if (projects.length > 0) {
      await trx
        .insertInto('projects')
        .values(projects)
        .onConflict((oc) =>
          oc.column('key').doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            type: eb.ref('excluded.type'),
            monthly_retainer_hours: eb.ref('excluded.monthly_retainer_hours'),
            pm_account_id: eb.ref('excluded.pm_account_id'),
            slack_channel: eb.ref('excluded.slack_channel'),
            tempo_project_id: eb.ref('excluded.tempo_project_id'),
            github_repos: eb.ref('excluded.github_repos'),
            active: eb.ref('excluded.active'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
    const projectsGone = await trx
      .updateTable('projects')
      .set({ active: false, updated_at: now })
      .where('active', '=', true)
      .$if(projects.length > 0, (q) => q.where('key', 'not in', projects.map((p) => p.key)))
      .executeTakeFirst();

    return {
      people: { upserted: people.length, deactivated: Number(peopleGone.numUpdatedRows) },
      teams: { upserted: teams.length, deactivated: Number(teamsGone.numUpdatedRows) },
      projects: { upserted: projects.length, deactivated: Number(projectsGone.numUpdatedRows) },
    };
  });
}
