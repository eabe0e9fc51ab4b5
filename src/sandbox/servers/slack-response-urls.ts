// The Slack fake's response_url endpoints: minted for slash commands and block actions (5 uses in 30 minutes), answering
// ephemerally or in channel, or replacing or deleting the message whose button was clicked.
import { randomBytes } from 'node:crypto';
import { checkMessageBlocks } from './block-kit-limits.ts';
import type { FakeRequest, FakeResponse } from './fake-server.ts';
import type { Args } from './slack-requests.ts';
import type { SlackWorkspace } from './slack-workspace.ts';

const RESPONSE_URL_LIFETIME_MS = 30 * 60 * 1000;
const RESPONSE_URL_USES = 5;

export class SlackResponseUrls {
  private readonly responseUrls = new Map<string, { channelId: string; userId?: string; messageTs?: string; mintedAt: number; uses: number }>();

  constructor(
    private readonly ws: SlackWorkspace,
    /** The fake's address, read per call (known once the server has started). */
    private readonly baseUrl: () => string,
  ) {}

  /**
   * A response_url as Slack puts in a slash command or block action: 5 uses in 30 minutes. With `messageTs` (the
   * message whose button was clicked) `replace_original` / `delete_original` act on that message.
   */
  mint(channelId: string, userId?: string, options: { messageTs?: string } = {}): string {
    const id = `${this.ws.nextNumber()}-${randomBytes(12).toString('hex')}`;
    this.responseUrls.set(id, { channelId, userId, messageTs: options.messageTs, mintedAt: this.ws.nowMs(), uses: 0 });
    return `${this.baseUrl()}/response/${id}`;
  }

  respond(req: FakeRequest): FakeResponse {
    const entry = this.responseUrls.get(req.params.id!);
    if (!entry) return { status: 404, body: { ok: false, error: 'no_service' } };
    if (this.ws.nowMs() - entry.mintedAt > RESPONSE_URL_LIFETIME_MS) return { status: 404, body: { ok: false, error: 'expired_url' } };
    if (entry.uses >= RESPONSE_URL_USES) return { status: 404, body: { ok: false, error: 'used_url' } };
    let body: Args;
    try {
      body = JSON.parse(req.body) as Args;
    } catch {
      return { status: 400, body: { ok: false, error: 'invalid_payload' } };
    }
    if (typeof body !== 'object' || body === null) return { status: 400, body: { ok: false, error: 'invalid_payload' } };
    const verdict = checkMessageBlocks(body.blocks);
    if (!verdict.ok) return { status: 400, body: { ok: false, error: verdict.error, errors: verdict.problems } };
    entry.uses += 1;
    const original = entry.messageTs ? this.ws.messages.find((m) => m.channel === entry.channelId && m.ts === entry.messageTs) : undefined;
    if (body.delete_original === true || body.delete_original === 'true') {
      if (original) this.ws.remove(original);
      return { body: { ok: true } };
    }
    const text = typeof body.text === 'string' ? body.text : '';
    const blocks = Array.isArray(body.blocks) ? body.blocks : [];
    if ((body.replace_original === true || body.replace_original === 'true') && original) {
      this.ws.replaceContent(original, text, blocks);
      return { body: { ok: true } };
    }
    if (text.trim() === '' && blocks.length === 0) return { status: 400, body: { ok: false, error: 'no_text' } };
    const ephemeral = body.response_type !== 'in_channel';
    const threadTs = typeof body.thread_ts === 'string' ? body.thread_ts : undefined;
    this.ws.record({ channel: entry.channelId, ts: this.ws.nextTs(), user: ephemeral ? entry.userId : undefined, text, blocks, threadTs, kind: 'response_url' });
    return { body: { ok: true } };
  }
}
