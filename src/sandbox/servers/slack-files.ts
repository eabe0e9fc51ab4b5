// The Slack fake's file upload flow: files.getUploadURLExternal, the bytes POSTed to the upload URL (raw or multipart),
// and files.completeUploadExternal sharing them in a channel or thread.
import { checkMessageBlocks } from './block-kit-limits.ts';
import type { FakeRequest, FakeResponse } from './fake-server.ts';
import { multipartParts, refuse, SlackApiError, type Answer, type Args } from './slack-requests.ts';
import type { SlackWorkspace } from './slack-workspace.ts';

export interface SlackFakeFile {
  id: string;
  filename: string;
  title?: string;
  /** The length announced in files.getUploadURLExternal. */
  length: number;
  /** The bytes POSTed to the upload URL (undefined until then). */
  bytes?: Buffer;
  completed: boolean;
  channelId?: string;
  threadTs?: string;
  initialComment?: string;
}

export class SlackFiles {
  readonly files: SlackFakeFile[] = [];

  constructor(
    private readonly ws: SlackWorkspace,
    /** The fake's address, read per call (known once the server has started). */
    private readonly baseUrl: () => string,
  ) {}

  getUploadUrl(args: Args): Answer {
    const length = Number(args.length);
    if (typeof args.filename !== 'string' || args.filename === '' || !Number.isInteger(length) || length <= 0) {
      throw new SlackApiError('invalid_arguments');
    }
    const id = `F0SANDBOX${String(this.ws.nextNumber()).padStart(4, '0')}`;
    this.files.push({ id, filename: args.filename, length, completed: false });
    return { ok: true, upload_url: `${this.baseUrl()}/upload/v1/${id}`, file_id: id };
  }

  receiveUpload(req: FakeRequest): FakeResponse {
    const file = this.files.find((f) => f.id === req.params.fileId);
    if (!file || file.completed) return { status: 404, body: 'not_found' };
    const type = String(req.headers['content-type'] ?? '');
    if (type.startsWith('multipart/form-data')) {
      const parts = multipartParts(req.rawBody, type);
      file.bytes = (parts.find((p) => p.filename !== undefined) ?? parts[0])?.data ?? Buffer.alloc(0);
    } else {
      file.bytes = req.rawBody;
    }
    return { status: 200, headers: { 'content-type': 'text/plain' }, body: `OK - ${file.bytes.length}` };
  }

  completeUpload(args: Args): Answer {
    const entries = Array.isArray(args.files) ? (args.files as { id?: unknown; title?: unknown }[]) : [];
    if (entries.length === 0) throw new SlackApiError('invalid_arguments');
    const files = entries.map((entry) => {
      const file = this.files.find((f) => f.id === entry.id);
      if (!file || file.bytes === undefined) throw new SlackApiError('file_not_found');
      return { file, title: typeof entry.title === 'string' ? entry.title : undefined };
    });
    const channelId = args.channel_id === undefined ? undefined : this.ws.resolveChannel(args.channel_id, false);
    const threadTs = typeof args.thread_ts === 'string' && args.thread_ts !== '' ? args.thread_ts : undefined;
    if (threadTs && !channelId) throw new SlackApiError('invalid_arguments');
    const initialComment = typeof args.initial_comment === 'string' ? args.initial_comment : undefined;
    for (const { file, title } of files) Object.assign(file, { completed: true, title: title ?? file.filename, channelId, threadTs, initialComment });
    if (channelId) {
      if (initialComment === undefined) refuse(checkMessageBlocks(args.blocks));
      const blocks = initialComment === undefined && Array.isArray(args.blocks) ? args.blocks : [];
      this.ws.record({ channel: channelId, ts: this.ws.nextTs(), text: initialComment ?? '', blocks, threadTs, kind: 'message', files: files.map((f) => f.file.id) });
    }
    return {
      ok: true,
      files: files.map(({ file }) => ({
        id: file.id,
        name: file.filename,
        title: file.title,
        mimetype: mimeType(file.filename),
        size: file.bytes!.length,
        user: this.ws.bot.userId,
        channels: channelId ? [channelId] : [],
      })),
    };
  }
}

function mimeType(filename: string): string {
  const ext = filename.split('.').pop()?.toLowerCase() ?? '';
  const known: Record<string, string> = {
    png: 'image/png',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    csv: 'text/csv',
    txt: 'text/plain',
    pdf: 'application/pdf',
    xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  };
  return known[ext] ?? 'application/octet-stream';
}
