// How the Slack fake reads a Web API call: arguments from the query, a form, JSON or a multipart body (JSON-encoded
// fields decoded), and SlackApiError, the HTTP 200 `{ok:false, error}` answer every method gives when it refuses.
import type { BlockKitVerdict } from './block-kit-limits.ts';
import type { FakeRequest } from './fake-server.ts';

/** A call's arguments, whatever way they were sent. */
export type Args = Record<string, unknown>;
/** A method's answer body. */
export type Answer = Record<string, unknown>;

/** A Web API error: answered as HTTP 200 `{ok:false, error, ...extra}`. */
export class SlackApiError extends Error {
  constructor(
    readonly error: string,
    readonly extra: Answer = {},
  ) {
    super(error);
  }
}

/** Throws Block Kit problems as Slack reports them: the error plus `[ERROR] …` lines in response_metadata. */
export function refuse(verdict: BlockKitVerdict): void {
  if (verdict.ok) return;
  throw new SlackApiError(verdict.error, {
    errors: verdict.problems,
    response_metadata: { messages: verdict.problems.map((p) => `[ERROR] ${p}`) },
  });
}

/** Arguments from the query, a form, JSON or multipart body. */
export function readArgs(req: FakeRequest): Args {
  const args: Args = Object.fromEntries(req.query);
  const type = String(req.headers['content-type'] ?? '');
  if (type.startsWith('application/json')) {
    let body: unknown;
    try {
      body = JSON.parse(req.body || '{}');
    } catch {
      throw new SlackApiError('invalid_json');
    }
    if (typeof body === 'object' && body !== null) Object.assign(args, body);
  } else if (type.startsWith('multipart/form-data')) {
    for (const part of multipartParts(req.rawBody, type)) if (part.filename === undefined) args[part.name] = part.data.toString('utf8');
  } else if (req.body) {
    Object.assign(args, Object.fromEntries(new URLSearchParams(req.body)));
  }
  return args;
}

/** Form posts carry non-scalar arguments (`blocks`, `view` …) as JSON strings: decode them in place. */
export function decodeJsonFields(args: Args): void {
  const jsonFields: Record<string, string> = {
    blocks: 'invalid_blocks_format',
    attachments: 'invalid_attachments',
    view: 'invalid_arguments',
    files: 'invalid_arguments',
    metadata: 'invalid_metadata_format',
  };
  for (const [field, error] of Object.entries(jsonFields)) {
    const value = args[field];
    if (typeof value !== 'string') continue;
    try {
      args[field] = JSON.parse(value);
    } catch {
      throw new SlackApiError(error);
    }
  }
}

export interface MultipartPart {
  name: string;
  filename?: string;
  data: Buffer;
}

/** A small multipart/form-data reader: enough for WebClient's uploads and form posts. */
export function multipartParts(body: Buffer, contentType: string): MultipartPart[] {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!m) return [];
  const boundary = Buffer.from(`--${m[1] ?? m[2]}`);
  const parts: MultipartPart[] = [];
  let at = body.indexOf(boundary);
  while (at !== -1) {
    const start = at + boundary.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(boundary, start);
    if (next === -1) break;
    const part = body.subarray(start + 2, next - 2); // drop the CRLF after the boundary and before the next one
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      parts.push({
        name: /;\s*name="([^"]*)"/i.exec(headers)?.[1] ?? '',
        filename: /;\s*filename="([^"]*)"/i.exec(headers)?.[1],
        data: part.subarray(headerEnd + 4),
      });
    }
    at = next;
  }
  return parts;
}
