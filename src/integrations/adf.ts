// Atlassian Document Format (the rich-text JSON of Jira Cloud v3 descriptions and comments) to and from the small
// markdown-ish text our agents write: paragraphs, `#` headings, `-` and `1.` lists, fenced code, **strong**, *em*,
// `code`, [links](url) and Jira mentions `[~accountid:ID]`. Pure; anything richer is read as plain text.

export interface AdfMark {
  type: 'strong' | 'em' | 'code' | 'link' | (string & {});
  attrs?: Record<string, unknown>;
}

export interface AdfNode {
  type: string;
  text?: string;
  attrs?: Record<string, unknown>;
  marks?: AdfMark[];
  content?: AdfNode[];
}

export interface AdfDocument {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

/** True when a value has the shape Jira v3 requires of a rich-text field (a plain string is not one). */
export function isAdfDocument(value: unknown): value is AdfDocument {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return v.type === 'doc' && v.version === 1 && Array.isArray(v.content) && v.content.every(isAdfNode);
}

function isAdfNode(value: unknown): value is AdfNode {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  if (typeof v.type !== 'string') return false;
  if (v.type === 'text' && typeof v.text !== 'string') return false;
  return v.content === undefined || (Array.isArray(v.content) && v.content.every(isAdfNode));
}

// --- text → ADF ------------------------------------------------------------------------------------------------

// One alternative per inline construct, tried left to right; the group that matched names the construct.
const INLINE = new RegExp(
  [
    /\[~accountid:([^\]]+)\]/.source, // mention
    /\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/.source, // [text](url)
    /`([^`]+)`/.source, // code
    /\*\*(.+?)\*\*/.source, // strong
    /(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?!\w)/.source, // *em*
    /(?<![\w_])_(?!\s)(.+?)(?<!\s)_(?!\w)/.source, // _em_
    /(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])/.source, // bare URL
  ].join('|'),
  'g',
);

function textNode(text: string, marks: AdfMark[] = []): AdfNode {
  return marks.length > 0 ? { type: 'text', text, marks } : { type: 'text', text };
}

/** Inline text with marks; `outer` marks (from an enclosing **…**) are added to every piece. */
function inline(text: string, outer: AdfMark[] = []): AdfNode[] {
  const nodes: AdfNode[] = [];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    const start = m.index;
    if (start > last) nodes.push(textNode(text.slice(last, start), outer));
    const [, mention, linkText, linkHref, code, strong, em, em2, url] = m;
    if (mention !== undefined) nodes.push({ type: 'mention', attrs: { id: mention } });
    else if (linkText !== undefined) nodes.push(...inline(linkText, [...outer, { type: 'link', attrs: { href: linkHref } }]));
    else if (code !== undefined) nodes.push(textNode(code, [...outer.filter((k) => k.type === 'link'), { type: 'code' }]));
    else if (strong !== undefined) nodes.push(...inline(strong, [...outer, { type: 'strong' }]));
    else if (em !== undefined || em2 !== undefined) nodes.push(...inline((em ?? em2)!, [...outer, { type: 'em' }]));
    else if (url !== undefined) nodes.push(textNode(url, [...outer, { type: 'link', attrs: { href: url } }]));
    last = start + m[0].length;
  }
  if (last < text.length) nodes.push(textNode(text.slice(last), outer));
  return nodes;
}

/** A paragraph; single newlines inside it become hard breaks. */
function paragraph(lines: string[]): AdfNode {
  const content: AdfNode[] = [];
  lines.forEach((line, i) => {
    if (i > 0) content.push({ type: 'hardBreak' });
    content.push(...inline(line));
  });
  return { type: 'paragraph', content };
}

const BULLET = /^\s*[-*•]\s+(.*)$/;
const ORDERED = /^\s*\d+[.)]\s+(.*)$/;
const HEADING = /^(#{1,6})\s+(.*)$/;
const FENCE = /^```\s*([\w+-]*)\s*$/;

/** Our markdown-ish text as an ADF document (an empty text gives an empty document). */
export function textToAdf(text: string): AdfDocument {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const content: AdfNode[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length > 0) content.push(paragraph(para));
    para = [];
  };
  for (let i = 0; i < lines.length; ) {
    const line = lines[i]!;
    const fence = FENCE.exec(line);
    if (fence) {
      flush();
      const code: string[] = [];
      i += 1;
      while (i < lines.length && !/^```\s*$/.test(lines[i]!)) code.push(lines[i++]!);
      i += 1;
      const node: AdfNode = { type: 'codeBlock', content: code.length > 0 ? [{ type: 'text', text: code.join('\n') }] : [] };
      if (fence[1]) node.attrs = { language: fence[1] };
      content.push(node);
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      flush();
      content.push({ type: 'heading', attrs: { level: heading[1]!.length }, content: inline(heading[2]!) });
      i += 1;
      continue;
    }
    const listKind = BULLET.test(line) ? 'bulletList' : ORDERED.test(line) ? 'orderedList' : null;
    if (listKind) {
      flush();
      const pattern = listKind === 'bulletList' ? BULLET : ORDERED;
      const items: AdfNode[] = [];
      while (i < lines.length && pattern.test(lines[i]!)) {
        items.push({ type: 'listItem', content: [paragraph([pattern.exec(lines[i]!)![1]!])] });
        i += 1;
      }
      content.push({ type: listKind, content: items });
      continue;
    }
    if (line.trim() === '') flush();
    else para.push(line);
    i += 1;
  }
  flush();
  return { type: 'doc', version: 1, content };
}

// --- ADF → text ------------------------------------------------------------------------------------------------

function inlineText(nodes: AdfNode[] | undefined): string {
  let out = '';
  for (const node of nodes ?? []) {
    if (node.type === 'text') {
      let t = node.text ?? '';
      const marks = node.marks ?? [];
      const href = marks.find((m) => m.type === 'link')?.attrs?.href;
      if (marks.some((m) => m.type === 'code')) t = `\`${t}\``;
      if (marks.some((m) => m.type === 'em')) t = `*${t}*`;
      if (marks.some((m) => m.type === 'strong')) t = `**${t}**`;
      if (typeof href === 'string' && href !== t) t = `[${t}](${href})`;
      out += t;
    } else if (node.type === 'hardBreak') out += '\n';
    else if (node.type === 'mention') out += typeof node.attrs?.id === 'string' ? `[~accountid:${node.attrs.id}]` : String(node.attrs?.text ?? '');
    else if (node.type === 'inlineCard') out += String(node.attrs?.url ?? '');
    else if (node.type === 'emoji') out += String(node.attrs?.text ?? node.attrs?.shortName ?? '');
    else out += inlineText(node.content);
  }
  return out;
}

function blockText(node: AdfNode): string {
  switch (node.type) {
    case 'paragraph':
      return inlineText(node.content);
    case 'heading':
      return `${'#'.repeat(Number(node.attrs?.level ?? 1))} ${inlineText(node.content)}`;
    case 'codeBlock':
      return `\`\`\`${typeof node.attrs?.language === 'string' ? node.attrs.language : ''}\n${(node.content ?? []).map((n) => n.text ?? '').join('')}\n\`\`\``;
    case 'bulletList':
    case 'orderedList':
      return (node.content ?? [])
        .map((item, i) => `${node.type === 'bulletList' ? '-' : `${i + 1}.`} ${(item.content ?? []).map(blockText).join(' ')}`)
        .join('\n');
    case 'rule':
      return '---';
    default:
      return node.content ? node.content.map((c) => (c.type === 'text' || c.type === 'hardBreak' || c.type === 'mention' ? inlineText([c]) : blockText(c))).join('') : '';
  }
}

/** An ADF document as our markdown-ish text (blocks separated by a blank line); null or non-ADF input gives ''. */
export function adfToText(doc: unknown): string {
  if (typeof doc === 'string') return doc;
  if (!isAdfDocument(doc)) return '';
  return doc.content.map(blockText).filter((b) => b !== '').join('\n\n');
}
