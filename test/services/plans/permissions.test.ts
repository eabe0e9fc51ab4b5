import { describe, expect, it } from 'vitest';
import { parseOrgConfig } from '../../../src/config.ts';
import { canCompleteManualStep, canControlPlan, isPm, orgPms } from '../../../src/services/plans/permissions.ts';

const org = parseOrgConfig({
  people: [
    { name: 'Grace Hopper', jira_account_id: 'acc-grace', slack_user_id: 'U0GRACE', pm: true },
    { name: 'Linus Torvalds', jira_account_id: 'acc-linus', slack_user_id: 'U0LIN', team: 'design' },
    { name: 'Mary Poppins', jira_account_id: 'acc-mary', email: 'mary@agency.test' },
    { name: 'Ada Lovelace', jira_account_id: 'acc-ada', slack_user_id: 'U0ADA', team: 'design' },
    { name: 'Alan Turing', jira_account_id: 'acc-alan', slack_user_id: 'U0ALAN' },
  ],
  teams: [{ name: 'design', pm: 'Linus Torvalds' }],
  projects: [{ key: 'SATG', name: 'Stagecoach', type: 'scope', pm: 'Mary Poppins' }],
});

const plan = { requester: { slackUserId: 'U0ALAN', accountId: 'acc-alan' } };

describe('who controls a plan', () => {
  it('counts people marked pm, team PMs and project PMs as PMs', () => {
    expect(orgPms(org).map((p) => p.name)).toEqual(['Grace Hopper', 'Linus Torvalds', 'Mary Poppins']);
  });

  it('lets the requester and any PM control the plan, and nobody else', () => {
    expect(canControlPlan(plan, 'U0ALAN', org)).toBe(true);
    expect(canControlPlan(plan, 'U0GRACE', org)).toBe(true);
    expect(canControlPlan(plan, 'U0LIN', org)).toBe(true);
    expect(canControlPlan(plan, 'U0ADA', org)).toBe(false);
    expect(canControlPlan(plan, 'U0STRANGER', org)).toBe(false);
  });

  it('recognises a PM known only by email once their Slack id has been looked up', () => {
    expect(isPm('U0MARY', org)).toBe(false);
    expect(canControlPlan(plan, 'U0MARY', org, { slackIdsByName: new Map([['Mary Poppins', 'U0MARY']]) })).toBe(true);
  });
});

describe('who marks a manual step done', () => {
  it('lets the owner named in the config, or the requester, mark it done', () => {
    const step = { owner: 'Ada Lovelace' };
    expect(canCompleteManualStep(plan, step, 'U0ADA', org)).toBe(true);
    expect(canCompleteManualStep(plan, step, 'U0ALAN', org)).toBe(true);
    expect(canCompleteManualStep(plan, step, 'U0GRACE', org)).toBe(false);
  });

  it('matches an owner given as a Slack id, and names case-insensitively', () => {
    expect(canCompleteManualStep(plan, { owner: 'U0OUTSIDER' }, 'U0OUTSIDER', org)).toBe(true);
    expect(canCompleteManualStep(plan, { owner: 'ada lovelace' }, 'U0ADA', org)).toBe(true);
    expect(canCompleteManualStep(plan, { owner: 'U0OUTSIDER' }, 'U0ADA', org)).toBe(false);
  });

  it('gives a step nobody owns to the requester alone', () => {
    expect(canCompleteManualStep(plan, { owner: null }, 'U0ALAN', org)).toBe(true);
    expect(canCompleteManualStep(plan, { owner: null }, 'U0ADA', org)).toBe(false);
  });
});
