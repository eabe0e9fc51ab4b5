import { describe, expect, it } from 'vitest';
import { peopleDirectory, summariseStep } from '../../../src/services/plans/actions/index.ts';
import {
  dateMentioned,
  LOCAL_PLANNER_LABEL,
  peopleNamed,
  planLocally,
  projectsNamed,
  recogniseRequest,
} from '../../../src/services/plans/local-planner.ts';
import type { Plan, PlanningContext } from '../../../src/services/plans/plan.ts';
import { NOW, org, planningContext, ZONE } from './sample-org.ts';

const now = new Date(NOW);
const people = peopleDirectory(org.people);

function plan(request: string, context: PlanningContext = planningContext()): { plan: Plan; notes: string[] } {
  const outcome = planLocally(request, context);
  if (!outcome.ok) throw new Error(`not planned: ${outcome.message} ${outcome.problems.join('; ')}`);
  expect(outcome.planner).toBe(LOCAL_PLANNER_LABEL);
  return { plan: outcome.plan, notes: outcome.notes };
}

const byId = (p: Plan, id: string) => p.steps.find((s) => s.id === id)!;
const lines = (p: Plan) => p.steps.map((s) => `${s.id}: ${summariseStep(s, people)} [${s.owner}]${s.depends_on.length ? ` after ${s.depends_on.join(', ')}` : ''}`);

describe('reading dates (Monday 2025-11-24, 10:00 in New York)', () => {
  it.each([
    ['plan the launch on Dec 12', '2025-12-12'],
    ['follow up next Friday', '2025-11-28'],
    ['kickoff in 2 weeks', '2025-12-08'],
    ['on Friday', '2025-11-28'],
    ['tomorrow', '2025-11-25'],
    ['kick off sprint 14 on Monday', '2025-12-01'],
    ['next Monday', '2025-12-01'],
  ])('reads “%s” as %s', (text, date) => {
    expect(dateMentioned(text, now, ZONE)?.date).toBe(date);
  });

  it('reads the date in the org zone, not in UTC', () => {
    // 03:00 UTC on Tuesday is still Monday evening in New York: "tomorrow" is Tuesday.
    expect(dateMentioned('tomorrow', new Date('2025-11-25T03:00:00Z'), ZONE)?.date).toBe('2025-11-25');
  });

  it('keeps a time of day when one is given, and finds nothing when there is no date', () => {
    expect(dateMentioned('Dec 12 at 3pm', now, ZONE)).toEqual({ date: '2025-12-12', text: 'Dec 12 at 3pm', time: { hour: 15, minute: 0 } });
    expect(dateMentioned('launch the thing', now, ZONE)).toBeUndefined();
  });
});

describe('reading people and projects', () => {
  it('matches people by full name, unique first name or Slack mention, in order of appearance', () => {
    expect(peopleNamed('ask <@U01LIN> and ada lovelace, then Grace', org.people).map((p) => p.name)).toEqual(['Linus Pauling', 'Ada Lovelace', 'Grace Hopper']);
  });

  it('does not take a lowercase word for a first name', () => {
    expect(peopleNamed('grace period for the invoice', org.people)).toEqual([]);
  });

  it('matches projects by key or by name', () => {
    expect(projectsNamed('move SUBS work into the acme storefront', org.projects).map((p) => p.key)).toEqual(['SUBS', 'ACME']);
  });
});

describe('recognising requests', () => {
  it.each([
    ['plan a project launch for ACME on Dec 12', 'project-launch'],
    ['we go live with SUBS next week', 'project-launch'],
    ['follow up with Ada about the invoice next Friday', 'follow-up'],
    ['follow up with Ada about the launch', 'follow-up'],
    ['turn the idea of a loyalty program into a project', 'idea-to-project'],
    ['onboard Alan Turing to SUBS next Monday', 'onboarding'],
    ['we have a new developer starting Monday: Alan Turing', 'onboarding'],
    ['kick off sprint 14 on Monday', 'sprint-kickoff'],
    ['sprint planning for SUBS on Dec 1', 'sprint-kickoff'],
    ['write a haiku about Jira', undefined],
  ])('“%s” is %s', (request, kind) => {
    expect(recogniseRequest(request)).toBe(kind);
  });
});

describe('local planner', () => {
  it('plans a project launch: epic first, issues under it, announcement, reminder the working day before, review', () => {
    const { plan: p, notes } = plan('plan a project launch for ACME on Dec 12');
    expect(p.goal).toBe('Launch Acme Storefront on Fri Dec 12');
    expect(lines(p)).toEqual([
      'epic: Create Jira epic “Acme Storefront launch” in ACME [Grace Hopper]',
      'qa: Create Jira issue “QA sign-off” in ACME under the key of step “epic” [Grace Hopper] after epic',
      'notes: Create Jira issue “Release notes” in ACME under the key of step “epic” [Grace Hopper] after epic',
      'golive: Create Jira issue “Go-live checklist” in ACME under the key of step “epic” [Grace Hopper] after epic',
      'announce: Post in <#C0ACME>: “Launch plan for Acme Storefront on Fri Dec 12: epic [epic key]. Go/no-go review…” [Grace Hopper] after epic',
      'remind: Remind <#C0ACME> on Thu Dec 11 at 9:00: “Acme Storefront launches Fri Dec 12: go/no-go review today ([epic key]).” [Grace Hopper] after epic',
      'review: Task for a person: “Check QA, release notes and the go-live checklist of Acme Storefront; decide go…” (due 2025-12-12); they press Done when it is done [Grace Hopper] after qa, notes, golive',
    ]);
    expect(byId(p, 'announce').on_failure).toBe('continue');
    expect(notes).toEqual(['Project: ACME (Acme Storefront).', 'Date: Fri Dec 12 (from “Dec 12”).', 'Steps nobody else is named for are yours.']);
  });

  it('uses the project of the channel where /plan was typed when the request names none', () => {
    const { plan: p, notes } = plan('plan the launch on Dec 12', planningContext({ channelId: 'C0SUBS' }));
    expect(byId(p, 'epic').params).toMatchObject({ project: 'SUBS', summary: 'Subscriptions launch' });
    expect(notes[0]).toBe('Project: SUBS (Subscriptions), the project of this channel.');
  });

  it('asks for the project (and the channel) when neither the request nor the channel gives one', () => {
    const { plan: p, notes } = plan('plan the launch on Dec 12', planningContext({ channelId: undefined }));
    expect(byId(p, 'epic').needs).toEqual(['project']);
    expect(byId(p, 'epic').params).not.toHaveProperty('project');
    expect(byId(p, 'qa').needs).toEqual(['project']);
    expect(byId(p, 'announce').needs).toEqual(['channel']);
    expect(summariseStep(byId(p, 'epic'))).toBe('Create Jira epic “Project launch” in a project still to choose');
    expect(notes).toContain('No project found in the request or this channel: choose one with Edit before approving.');
  });

  it('asks for the reminder time when the launch has no date', () => {
    const { plan: p } = plan('plan the SUBS launch');
    expect(byId(p, 'remind').needs).toEqual(['when']);
    expect(byId(p, 'review').params).toEqual({ instructions: expect.any(String) });
  });

  it('plans a follow-up with a person: a reminder to the requester on the day, then the follow-up itself', () => {
    const { plan: p, notes } = plan('follow up with Ada about the invoice next Friday');
    expect(p.goal).toBe('Follow up with Ada Lovelace on Fri Nov 28');
    expect(lines(p)).toEqual([
      'remind: Remind Grace Hopper by DM on Fri Nov 28 at 9:00: “Time to follow up with Ada Lovelace about the invoice.” [Grace Hopper]',
      'followup: Task for a person: “Follow up with Ada Lovelace about the invoice.” (due 2025-11-28); they press Done when it is done [Grace Hopper] after remind',
    ]);
    expect(byId(p, 'remind').params).toEqual({ channel: 'U01GRACE', text: 'Time to follow up with Ada Lovelace about the invoice.', when: '2025-11-28' });
    expect(notes).toContain('People: Ada Lovelace.');
  });

  it('reminds in two business days when a follow-up has no date', () => {
    const { plan: p } = plan('check in with Linus');
    expect(byId(p, 'remind').params).toMatchObject({ when: '2 business days' });
  });

  it('turns an idea into a project: epic, brief and estimate under it, kickoff after both', () => {
    const { plan: p } = plan('turn the idea of a loyalty program into a project in ACME');
    expect(lines(p)).toEqual([
      'epic: Create Jira epic “A loyalty program” in ACME [Grace Hopper]',
      'brief: Create Jira issue “Write a one-page brief: A loyalty program” in ACME under the key of step “epic” [Grace Hopper] after epic',
      'estimate: Create Jira issue “Estimate: A loyalty program” in ACME under the key of step “epic” [Grace Hopper] after epic',
      'announce: Post in <#C0ACME>: “New project idea: A loyalty program. Epic [epic key]; kickoff to follow.” [Grace Hopper] after epic',
      'kickoff: Task for a person: “Agree scope, owner and first milestone for A loyalty program.”; they press Done when it is done [Grace Hopper] after brief, estimate',
    ]);
  });

  it('onboards a team member from the config: their issues assigned to them, a welcome, a check-in after five working days', () => {
    const { plan: p } = plan('onboard Linus to SUBS next Monday');
    expect(p.goal).toBe('Onboard Linus Pauling');
    expect(byId(p, 'docs').params).toMatchObject({ project: 'SUBS', assignee_account_id: 'acc-linus', parent: '{{steps.epic.key}}' });
    expect(byId(p, 'accounts').params).toMatchObject({ assignee_account_id: 'acc-grace' });
    expect(summariseStep(byId(p, 'welcome'), people)).toBe('Post in <#C0SUBS>: “Please welcome <@U01LIN> to the team! Onboarding: [epic key].”');
    // Monday Dec 1 + 5 working days = Monday Dec 8.
    expect(byId(p, 'checkin').params).toEqual({ channel: 'U01GRACE', text: 'Check in with Linus Pauling: how is the first week going?', when: '2025-12-08' });
    expect(byId(p, 'access')).toMatchObject({ action: 'manual', owner: 'Grace Hopper', params: { due: '2025-12-01' } });
  });

  it('onboards someone not in the config yet by the name in the request, leaving their issues unassigned', () => {
    const { plan: p, notes } = plan('onboard Alan Turing next Monday');
    expect(p.goal).toBe('Onboard Alan Turing');
    expect(byId(p, 'docs').params).not.toHaveProperty('assignee_account_id');
    expect(byId(p, 'docs').params).toMatchObject({ summary: 'Alan Turing: read the project docs and set up the development environment' });
    expect(notes).toContain('The newcomer is not in the org config yet: their Jira issues are left unassigned.');
  });

  it('plans a sprint kickoff: backlog grooming the working day before, goals issue, announcement, reminder, planning meeting', () => {
    const { plan: p } = plan('kick off sprint 14 on Monday');
    expect(p.goal).toBe('Kick off Sprint 14 on Mon Dec 1');
    expect(lines(p)).toEqual([
      'backlog: Task for a person: “Order the backlog and size the top items before Sprint 14 planning.” (due 2025-11-28); they press Done when it is done [Grace Hopper]',
      'goals: Create Jira issue “Sprint 14 goals” in SUBS [Grace Hopper]',
      'announce: Post in <#C0SUBS>: “Sprint 14 kicks off on Mon Dec 1. Goals: [goals key].” [Grace Hopper] after goals',
      'remind: Remind <#C0SUBS> on Mon Dec 1 at 9:00: “Sprint 14 kickoff today: sprint planning with the whole team.” [Grace Hopper] after goals',
      'planning: Task for a person: “Agree the Sprint 14 goals ([goals key]) and commit to the work.” (due 2025-12-01); they press Done when it is done [Grace Hopper] after backlog, goals',
    ]);
  });

  it('lets the requester own the steps even when they are not in the config (by their Slack id)', () => {
    const { plan: p, notes } = plan('follow up with Ada next Friday', planningContext({ requester: { slackUserId: 'U09STRANGER' } }));
    expect(p.steps.map((s) => s.owner)).toEqual(['U09STRANGER', 'U09STRANGER']);
    expect(byId(p, 'remind').params).toMatchObject({ channel: 'U09STRANGER' });
    expect(notes.at(-1)).toBe('Steps nobody else is named for are yours (you are not in the org config; add yourself to it to get Jira assignments).');
  });

  it('says it needs an LLM for anything else, listing what it can plan', () => {
    const outcome = planLocally('write a haiku about Jira', planningContext());
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.message).toMatch(/^I need an LLM for that: “write a haiku about Jira” is not one of the requests I can plan on my own/);
    for (const what of ['a project launch', 'a follow-up with a person', 'turning an idea into a project', 'onboarding a new team member', 'a sprint kickoff']) {
      expect(outcome.message).toContain(`• ${what}, e.g.`);
    }
    expect(outcome.message).toContain('OPENAI_API_KEY');
  });
});
