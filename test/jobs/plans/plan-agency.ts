// The small agency the plan service and executor tests run against: a PM (Grace), two people who are neither
// requester nor PM (Ada, Alan), one project with a Slack channel, and the matching Jira and Slack data.
import { emptyAgency, type AgencyData } from '../../../src/sandbox/agency-data.ts';

export const NOW = '2025-11-24T15:00:00.000Z'; // Monday 10:00 in New York
export const GRACE = 'U0GRACE'; // a PM
export const ADA = 'U0ADA'; // neither requester nor PM
export const ALAN = 'U0ALAN';

export function planAgency(): AgencyData {
  const data = emptyAgency(
    {
      timezone: 'America/New_York',
      people: [
        { name: 'Grace Hopper', jira_account_id: 'acc-grace', slack_user_id: GRACE, pm: true },
        { name: 'Ada Lovelace', jira_account_id: 'acc-ada', slack_user_id: ADA },
        { name: 'Alan Turing', jira_account_id: 'acc-alan', slack_user_id: ALAN },
      ],
      projects: [{ key: 'SUBS', name: 'Subscriptions', type: 'scope', pm: 'Grace Hopper', slack_channel: 'C0SUBS' }],
    },
    NOW,
  );
  data.jira.projects = [{ id: '10001', key: 'SUBS', name: 'Subscriptions' }];
  data.jira.users = [
    { accountId: 'acc-grace', displayName: 'Grace Hopper', active: true },
    { accountId: 'acc-ada', displayName: 'Ada Lovelace', active: true },
  ];
  data.slack.users = [
    { id: GRACE, name: 'grace', realName: 'Grace Hopper' },
    { id: ADA, name: 'ada', realName: 'Ada Lovelace' },
    { id: ALAN, name: 'alan', realName: 'Alan Turing' },
  ];
  data.slack.channels = [{ id: 'C0SUBS', name: 'subs', members: [GRACE, ADA, ALAN] }];
  return data;
}
