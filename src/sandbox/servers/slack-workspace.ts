// The Slack workspace the fake keeps: users, channels, DMs and group DMs, the messages a person would see (and those
// deleted), ts and id minting from the clock. The Web API methods in slack-*.ts read and change it.
import type { Clock } from '../../clock.ts';
import type { AgencyData, SlackChannelRecord, SlackUserRecord } from '../agency-data.ts';
import { SlackApiError, type Answer } from './slack-requests.ts';

export type SlackFakeMessageKind = 'message' | 'ephemeral' | 'scheduled' | 'response_url';

/** A message as a person would see it in Slack. */
export interface SlackFakeMessage {
  channel: string;
  ts: string;
  /** The only person who sees it (ephemeral messages and ephemeral response_url answers). */
  user?: string;
  text: string;
  blocks: unknown[];
  threadTs?: string;
  kind: SlackFakeMessageKind;
  /** How many times chat.update / replace_original changed it. */
  updates: number;
  /** Earlier versions, oldest first. */
  versions: { text: string; blocks: unknown[] }[];
  /** File ids shared with this message (files.completeUploadExternal). */
  files?: string[];
  /** Scheduled messages: when Slack would post it (epoch seconds) and its id. */
  postAt?: number;
  scheduledMessageId?: string;
  metadata?: unknown;
}

/** Who the bot is in the fake workspace: its answers carry these ids. */
export interface SlackBotIdentity {
  userId: string;
  botId: string;
  teamId: string;
}

export class SlackWorkspace {
  readonly messages: SlackFakeMessage[] = [];
  /** Messages removed by chat.delete, chat.deleteScheduledMessage or delete_original. */
  readonly deletedMessages: SlackFakeMessage[] = [];
  readonly users = new Map<string, SlackUserRecord>();
  readonly channels = new Map<string, SlackChannelRecord>();
  readonly dmOfUser = new Map<string, string>();
  readonly userOfDmChannel = new Map<string, string>();
  readonly groupDms = new Map<string, string[]>();
  private lastTsMicros = 0;
  private counter = 0;

  constructor(
    data: AgencyData['slack'],
    readonly bot: SlackBotIdentity,
    private readonly clock: Clock,
  ) {
    for (const user of data.users) this.users.set(user.id, user);
    for (const channel of data.channels) this.channels.set(channel.id, { ...channel, members: [...channel.members] });
  }

  nowMs(): number {
    return this.clock.now().getTime();
  }

  /** The next number of the one sequence behind every minted id (trigger ids, views, files, scheduled messages …). */
  nextNumber(): number {
    return ++this.counter;
  }

  /** Unique, increasing ts strings like "1700000000.000100", from the clock. */
  nextTs(): string {
    const micros = Math.max(this.nowMs() * 1000, this.lastTsMicros + 100);
    this.lastTsMicros = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  knownUser(id: unknown): SlackUserRecord {
    const user = typeof id === 'string' ? this.users.get(id) : undefined;
    if (!user) throw new SlackApiError('user_not_found');
    return user;
  }

  /** A channel id, DM id, group DM id, channel name, or (when `userMeansDm`) a user id meaning that user's DM. */
  resolveChannel(value: unknown, userMeansDm = true): string {
    if (typeof value !== 'string' || value === '') throw new SlackApiError('channel_not_found');
    if (this.channels.has(value) || this.userOfDmChannel.has(value) || this.groupDms.has(value)) return value;
    if (userMeansDm && this.users.has(value)) return this.openDm(value).id;
    const name = value.replace(/^#/, '');
    const byName = [...this.channels.values()].find((c) => c.name === name);
    if (byName) return byName.id;
    throw new SlackApiError('channel_not_found');
  }

  openDm(userId: string): { id: string; alreadyOpen: boolean } {
    const existing = this.dmOfUser.get(userId);
    if (existing) return { id: existing, alreadyOpen: true };
    const id = `D${userId.slice(1)}`;
    this.dmOfUser.set(userId, id);
    this.userOfDmChannel.set(id, userId);
    return { id, alreadyOpen: false };
  }

  membersOf(channelId: string): string[] {
    const dmUser = this.userOfDmChannel.get(channelId);
    if (dmUser) return [dmUser];
    return this.groupDms.get(channelId) ?? this.channels.get(channelId)?.members ?? [];
  }

  record(message: Omit<SlackFakeMessage, 'updates' | 'versions'>): SlackFakeMessage {
    const full: SlackFakeMessage = { ...message, updates: 0, versions: [] };
    if (full.threadTs === undefined) delete full.threadTs;
    this.messages.push(full);
    return full;
  }

  messageJson(m: SlackFakeMessage): Answer {
    return {
      type: 'message',
      text: m.text,
      user: this.bot.userId,
      bot_id: this.bot.botId,
      team: this.bot.teamId,
      ts: m.ts,
      ...(m.blocks.length > 0 ? { blocks: m.blocks } : {}),
      ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
    };
  }

  findMessage(channel: string, ts: unknown): SlackFakeMessage {
    const m = this.messages.find((x) => x.channel === channel && x.ts === ts && x.kind !== 'scheduled');
    if (!m) throw new SlackApiError('message_not_found');
    return m;
  }

  replaceContent(m: SlackFakeMessage, text: string | undefined, blocks: unknown[] | undefined): void {
    m.versions.push({ text: m.text, blocks: m.blocks });
    if (text !== undefined) m.text = text;
    // Slack keeps the previous blocks when `blocks` is absent; an empty array removes them.
    if (blocks !== undefined) m.blocks = blocks;
    m.updates += 1;
  }

  remove(m: SlackFakeMessage): void {
    this.messages.splice(this.messages.indexOf(m), 1);
    this.deletedMessages.push(m);
  }
}
