// The sample agency's Slack workspace: a user for everyone Slack knows (by the id in the config, or only by email,
// which users.lookupByEmail finds), and the channels the config names, with their members.
import type { SlackChannelRecord, SlackUserRecord } from '../agency-data.ts';
import type { GeneratorContext } from './org.ts';

export function generateSlack(ctx: GeneratorContext): { users: SlackUserRecord[]; channels: SlackChannelRecord[] } {
  const { org, timeline } = ctx;
  const users: SlackUserRecord[] = [];
  for (const p of org.people) {
    if (!p.slackId) continue;
    users.push({ id: p.slackId, name: p.email.slice(0, p.email.indexOf('@')), realName: p.name, email: p.email, tz: timeline.zone });
  }
  const idsOf = (indexes: Iterable<number>): string[] => {
    const ids: string[] = [];
    for (const i of indexes) {
      const id = org.people[i]!.slackId;
      if (id && !ids.includes(id)) ids.push(id);
    }
    return ids;
  };
  const pms = org.teams.map((t) => t.pm);
  const channels: SlackChannelRecord[] = [
    { id: org.channels.pmAlerts.id, name: org.channels.pmAlerts.name, members: idsOf(pms) },
    { id: org.channels.leadership.id, name: org.channels.leadership.name, isPrivate: true, members: idsOf(pms.slice(0, 4)) },
  ];
  for (const project of org.projects) {
    if (!project.slackChannel) continue;
    channels.push({ id: project.slackChannel.id, name: project.slackChannel.name, members: idsOf([project.pm, ...project.members]) });
  }
  return { users, channels };
}
