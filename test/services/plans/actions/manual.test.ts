import { describe, expect, it } from 'vitest';
import { manualAction } from '../../../../src/services/plans/actions/manual.ts';
import { actionContext } from '../sample-org.ts';

describe('manual (a task for a person)', () => {
  it('says what the person does and by when', () => {
    expect(manualAction.summary({ instructions: 'Run the go/no-go review', due: '2025-12-11' })).toBe(
      'Task for a person: “Run the go/no-go review” (due 2025-12-11); they press Done when it is done',
    );
    expect(manualAction.summary({})).toBe('Task for a person; they press Done when it is done');
  });

  it('only marks the step as waiting for its owner, touching neither Jira nor Slack', async () => {
    await expect(manualAction.execute({ instructions: 'Call the client' }, actionContext({}))).resolves.toEqual({ waiting: true });
  });

  it('cannot be undone and gives later steps nothing to reference', () => {
    expect(manualAction.undo).toBeUndefined();
    expect(manualAction.resultFields).toEqual([]);
  });

  it('refuses a due date that is not YYYY-MM-DD', () => {
    expect(manualAction.params.safeParse({ due: 'Friday' }).success).toBe(false);
  });
});
