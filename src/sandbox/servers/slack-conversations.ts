// The Slack fake's conversations.* and users.* methods: opening DMs and group DMs, channel and user info, lookup by email.
import type { SlackUserRecord } from '../agency-data.ts';
import { SlackApiError, type Answer, type Args } from './slack-requests.ts';
import type { SlackWorkspace } from './slack-workspace.ts';

export class SlackConversations {
  constructor(private readonly ws: SlackWorkspace) {}

  openConversation(args: Args): Answer {
    if (typeof args.channel === 'string') return { ok: true, channel: { id: this.ws.resolveChannel(args.channel, false) } };
    const users = typeof args.users === 'string' ? args.users.split(',').map((u) => u.trim()).filter(Boolean) : [];
    if (users.length === 0) throw new SlackApiError('users_list_not_supplied');
    for (const u of users) this.ws.knownUser(u);
    if (users.length === 1) {
      const { id, alreadyOpen } = this.ws.openDm(users[0]!);
      return { ok: true, ...(alreadyOpen ? { no_op: true, already_open: true } : {}), channel: { id } };
    }
    const key = [...users].sort().join(',');
    const existing = [...this.ws.groupDms.entries()].find(([, members]) => [...members].sort().join(',') === key);
    if (existing) return { ok: true, no_op: true, already_open: true, channel: { id: existing[0] } };
    const id = `G0MPDM${this.ws.nextNumber()}`;
    this.ws.groupDms.set(id, users);
    return { ok: true, channel: { id } };
  }

  channelJson(id: string): Answer {
    const dmUser = this.ws.userOfDmChannel.get(id);
    if (dmUser) return { id, created: 0, is_im: true, is_org_shared: false, user: dmUser, is_open: true };
    const group = this.ws.groupDms.get(id);
    if (group) return { id, name: `mpdm-${group.join('--')}-1`, is_mpim: true, is_private: true, is_member: true, num_members: group.length };
    const c = this.ws.channels.get(id)!;
    return {
      id,
      name: c.name,
      is_channel: !c.isPrivate,
      is_group: Boolean(c.isPrivate),
      is_im: false,
      is_mpim: false,
      is_private: Boolean(c.isPrivate),
      is_archived: false,
      is_member: true,
      num_members: c.members.length,
    };
  }

  userJson(u: SlackUserRecord): Answer {
    return {
      id: u.id,
      team_id: this.ws.bot.teamId,
      name: u.name,
      real_name: u.realName,
      deleted: false,
      is_bot: Boolean(u.isBot),
      tz: u.tz ?? 'America/New_York',
      profile: { real_name: u.realName, display_name: u.name, ...(u.email ? { email: u.email } : {}) },
    };
  }

  lookupByEmail(args: Args): Answer {
    const email = typeof args.email === 'string' ? args.email.toLowerCase() : '';
    const user = [...this.ws.users.values()].find((u) => u.email?.toLowerCase() === email);
    if (!user) throw new SlackApiError('users_not_found');
    return { ok: true, user: this.userJson(user) };
  }
}
