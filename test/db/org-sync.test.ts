import { describe, expect, it } from 'vitest';
import { parseOrgConfig } from '../../src/config.ts';
import { syncOrgConfig } from '../../src/db/org-sync.ts';
import { testEngines, useTestDatabase } from '../support/databases.ts';

const config = (people: [string, string][], projects: string[]) =>
  parseOrgConfig({
    people: people.map(([name, id]) => ({ name, jira_account_id: id, team: 'platform' })),
    teams: [{ name: 'platform', pm: people[0]![0] }],
    projects: projects.map((key) => ({ key, name: key, type: 'scope', pm: people[0]![0] })),
  });

describe.each(testEngines())('org config sync on %s', (engine) => {
  const test = useTestDatabase(engine);

  it('upserts people, teams and projects, and marks removed ones inactive instead of deleting them', async () => {
    const { db } = test();
    const first = await syncOrgConfig(db, config([['Grace', 'g1'], ['Ada', 'a1'], ['Alan', 't1']], ['SUBS', 'SATG']), new Date('2025-11-01T00:00:00Z'));
    expect(first.people).toEqual({ upserted: 3, deactivated: 0 });

    const second = await syncOrgConfig(db, config([['Grace', 'g1'], ['Ada Lovelace', 'a1']], ['SUBS']), new Date('2025-11-02T00:00:00Z'));
    expect(second).toEqual({
      people: { upserted: 2, deactivated: 1 },
      teams: { upserted: 1, deactivated: 0 },
      projects: { upserted: 1, deactivated: 1 },
    });
    const people = await db.selectFrom('people').select(['account_id', 'name', 'active', 'is_pm']).orderBy('account_id').execute();
    expect(people).toEqual([
      { account_id: 'a1', name: 'Ada Lovelace', active: true, is_pm: false },
      { account_id: 'g1', name: 'Grace', active: true, is_pm: true },
      { account_id: 't1', name: 'Alan', active: false, is_pm: false },
    ]);
    const projects = await db.selectFrom('projects').select(['key', 'active', 'pm_account_id']).orderBy('key').execute();
    expect(projects).toEqual([
      { key: 'SATG', active: false, pm_account_id: 'g1' },
      { key: 'SUBS', active: true, pm_account_id: 'g1' },
    ]);

    // Back in the file: active again.
    await syncOrgConfig(db, config([['Grace', 'g1'], ['Ada Lovelace', 'a1'], ['Alan', 't1']], ['SUBS', 'SATG']), new Date('2025-11-03T00:00:00Z'));
    const alan = await db.selectFrom('people').select('active').where('account_id', '=', 't1').executeTakeFirstOrThrow();
    expect(alan.active).toBe(true);
  });
});
