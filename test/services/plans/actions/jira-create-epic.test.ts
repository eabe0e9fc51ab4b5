import { afterEach, describe, expect, it } from 'vitest';
import { createEpicAction } from '../../../../src/services/plans/actions/jira-create-epic.ts';
import { IDEMPOTENCY_PROPERTY } from '../../../../src/services/plans/actions/jira-create-issue.ts';
import type { JiraFake } from '../../../../src/sandbox/servers/jira.ts';
import { actionContext, startJira } from '../sample-org.ts';

const fakes: JiraFake[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.stop()));
});

async function setup() {
  const { fake, jira } = await startJira();
  fakes.push(fake);
  return { fake, ctx: actionContext({ jira }, { idempotencyKey: 'plan-7:epic' }) };
}

describe('jira.create_epic', () => {
  it('says in one line what it will create', () => {
    expect(createEpicAction.summary({ project: 'SUBS', summary: 'ACME launch' })).toBe('Create Jira epic “ACME launch” in SUBS');
  });

  it('creates an epic carrying the step’s idempotency key', async () => {
    const { fake, ctx } = await setup();
    const result = await createEpicAction.execute(createEpicAction.params.parse({ project: 'SUBS', summary: 'ACME launch', description: 'Launch on Dec 12' }), ctx);
    expect(result).toEqual({ id: expect.any(String), key: 'SUBS-1', project: 'SUBS', created: true });
    const epic = fake.issue('SUBS-1')!;
    expect(epic).toMatchObject({ issueType: 'Epic', summary: 'ACME launch', description: expect.stringContaining('Launch on Dec 12') });
    expect(epic.properties[IDEMPOTENCY_PROPERTY]).toEqual({ key: 'plan-7:epic' });
  });

  it('creates nothing new when the same step runs again (a retry or a resumed plan)', async () => {
    const { fake, ctx } = await setup();
    const params = createEpicAction.params.parse({ project: 'SUBS', summary: 'ACME launch' });
    const first = await createEpicAction.execute(params, ctx);
    const again = await createEpicAction.execute(params, ctx);
    expect(again).toEqual({ ...first, created: false });
    expect(fake.createdIssues).toHaveLength(1);
  });

  it('is undone by deleting the epic; undoing twice does no harm', async () => {
    const { fake, ctx } = await setup();
    const result = await createEpicAction.execute(createEpicAction.params.parse({ project: 'SUBS', summary: 'ACME launch' }), ctx);
    await createEpicAction.undo!(result, ctx);
    expect(fake.issue('SUBS-1')).toBeUndefined();
    await expect(createEpicAction.undo!(result, ctx)).resolves.toBeUndefined();
  });

  it('fails with Jira’s own words for a project Jira does not know', async () => {
    const { ctx } = await setup();
    await expect(createEpicAction.execute(createEpicAction.params.parse({ project: 'NOPE', summary: 'x' }), ctx)).rejects.toThrow(/project/);
  });
});
