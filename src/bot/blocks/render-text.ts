// Block Kit as a person would read it, in a terminal: the demo and `--dry-run` print what Slack would show. Pure:
// message in, text out. mrkdwn markers become styling (ANSI only with `color`), links read `label (url)`, mentions
// read `@name`, fields sit in two aligned columns, buttons read `[ Approve ]`.

export interface RenderTextOptions {
  /** Line width to wrap at (default 80). */
  width?: number;
  /** Display names by Slack id (`U01ADA` → `Ada Lovelace`), for mentions. */
  names?: Record<string, string>;
  /** ANSI styles (bold, italic, dim …); off by default so output can be compared and piped. */
  color?: boolean;
}

interface Context {
  width: number;
  names: Record<string, string>;
  style: Style;
}

interface Style {
  bold(s: string): string;
  italic(s: string): string;
  strike(s: string): string;
  code(s: string): string;
  /** A line of a code block: the indentation already marks it. */
  codeLine(s: string): string;
  dim(s: string): string;
}

const PLAIN: Style = { bold: (s) => s, italic: (s) => s, strike: (s) => `~${s}~`, code: (s) => `\`${s}\``, codeLine: (s) => s, dim: (s) => s };
const ANSI: Style = {
  bold: (s) => `\x1b[1m${s}\x1b[22m`,
  italic: (s) => `\x1b[3m${s}\x1b[23m`,
  strike: (s) => `\x1b[9m${s}\x1b[29m`,
  code: (s) => `\x1b[36m${s}\x1b[39m`,
  codeLine: (s) => `\x1b[36m${s}\x1b[39m`,
  dim: (s) => `\x1b[2m${s}\x1b[22m`,
};

/** The emoji our messages use, as a person sees them; others stay `:name:`. */
const EMOJI: Record<string, string> = {
  white_check_mark: '✅', heavy_check_mark: '✔️', x: '❌', warning: '⚠️', rotating_light: '🚨', red_circle: '🔴',
  large_yellow_circle: '🟡', yellow_circle: '🟡', large_orange_circle: '🟠', orange_circle: '🟠', large_blue_circle: '🔵', large_green_circle: '🟢', green_circle: '🟢', white_circle: '⚪',
  hourglass: '⌛', hourglass_flowing_sand: '⏳', stopwatch: '⏱️', calendar: '📅', date: '📅', bell: '🔔', memo: '📝',
  clipboard: '📋', chart_with_upwards_trend: '📈', chart_with_downwards_trend: '📉', bar_chart: '📊', tada: '🎉',
  eyes: '👀', fire: '🔥', bulb: '💡', link: '🔗', information_source: 'ℹ️', pause_button: '⏸️', arrow_forward: '▶️',
  arrow_right: '➡️', repeat: '🔁', no_entry: '⛔', construction: '🚧', robot_face: '🤖', inbox_tray: '📥', pushpin: '📌',
};

export function renderMessageText(message: { text?: string; blocks?: unknown[] }, options: RenderTextOptions = {}): string {
  const ctx: Context = { width: options.width ?? 80, names: options.names ?? {}, style: options.color ? ANSI : PLAIN };
  const blocks = Array.isArray(message.blocks) ? message.blocks : [];
  const lines = blocks.length > 0 ? blocks.flatMap((b) => renderBlock(obj(b), ctx)) : wrapAll(mrkdwn(message.text ?? '', ctx), ctx.width);
  return lines.join('\n').replace(/\s+$/, '');
}

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj {
  return typeof v === 'object' && v !== null ? (v as Obj) : {};
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** A text object: mrkdwn is formatted, plain_text shown as written (emoji codes aside). */
function textOf(t: unknown, ctx: Context): string {
  const o = obj(t);
  return o.type === 'mrkdwn' ? mrkdwn(str(o.text), ctx) : emoji(decodeEntities(str(o.text)));
}

function renderBlock(block: Obj, ctx: Context): string[] {
  const { style, width } = ctx;
  switch (block.type) {
    case 'header': {
      const title = textOf(block.text, ctx);
      return [style.bold(title), '═'.repeat(Math.min(width, displayWidth(title)))];
    }
    case 'divider':
      return ['─'.repeat(width)];
    case 'section': {
      const lines = block.text === undefined ? [] : wrapAll(textOf(block.text, ctx), width);
      if (Array.isArray(block.fields)) lines.push(...fieldColumns(block.fields.map((f) => textOf(f, ctx)), width));
      if (block.accessory !== undefined) lines.push(elementText(obj(block.accessory), ctx));
      return lines;
    }
    case 'actions':
      return packed(arr(block.elements).map((e) => elementText(obj(e), ctx)), width);
    case 'context': {
      const parts = arr(block.elements).map((e) => (obj(e).type === 'image' ? `[image: ${str(obj(e).alt_text)}]` : textOf(e, ctx)));
      return wrapAll(`  · ${parts.join(' · ')}`, width).map((l) => style.dim(l));
    }
    case 'image':
      return [`[image: ${str(block.alt_text) || textOf(block.title, ctx)}]`];
    case 'file':
      return [`[file: ${str(block.external_id)}]`];
    case 'video':
      return [`[video: ${textOf(block.title, ctx)}]`];
    case 'input':
      return [`${textOf(block.label, ctx)}: ${elementText(obj(block.element), ctx)}`];
    case 'markdown':
      return wrapAll(emoji(str(block.text)), width);
    case 'rich_text':
      return arr(block.elements).flatMap((e) => richTextBlock(obj(e), ctx));
    case 'table':
      return table(arr(block.rows).map((row) => arr(row).map((cell) => richCell(obj(cell), ctx))));
    default:
      return [`[${str(block.type) || 'block'}]`];
  }
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Buttons, selects, pickers and images as a person sees them. */
function elementText(e: Obj, ctx: Context): string {
  const placeholder = e.placeholder === undefined ? '' : textOf(e.placeholder, ctx);
  switch (e.type) {
    case 'button':
      return `[ ${textOf(e.text, ctx)} ]`;
    case 'image':
      return `[image: ${str(e.alt_text)}]`;
    case 'overflow':
      return '[ ⋯ ]';
    case 'datepicker':
      return `[ ${str(e.initial_date) || placeholder || 'date'} ]`;
    case 'timepicker':
      return `[ ${str(e.initial_time) || placeholder || 'time'} ]`;
    case 'checkboxes':
    case 'radio_buttons':
      return arr(e.options).map((o) => `( ) ${textOf(obj(o).text, ctx)}`).join('  ');
    case 'plain_text_input':
    case 'number_input':
    case 'email_text_input':
    case 'url_text_input':
      return `[ ${str(e.initial_value) || placeholder} ]`;
    default: {
      const initial = obj(e.initial_option).text;
      return `[ ${initial === undefined ? placeholder || 'Select' : textOf(initial, ctx)} ▾ ]`;
    }
  }
}

/** Section fields two by two; the left column as wide as its widest line so rows line up like a table. */
function fieldColumns(fields: string[], width: number): string[] {
  const gap = '   ';
  const half = Math.floor((width - gap.length) / 2);
  const rows: [string[], string[]][] = [];
  for (let i = 0; i < fields.length; i += 2) rows.push([wrapAll(fields[i]!, half), wrapAll(fields[i + 1] ?? '', half)]);
  const left = Math.min(half, Math.max(0, ...rows.flatMap(([l]) => l.map(displayWidth))));
  return rows.flatMap(([l, r]) =>
    Array.from({ length: Math.max(l.length, r.length) }, (_, i) => {
      const right = r[i] ?? '';
      return right ? pad(l[i] ?? '', left) + gap + right : (l[i] ?? '');
    }),
  );
}

/** Elements side by side, two spaces apart, starting a new line rather than breaking one. */
function packed(items: string[], width: number): string[] {
  const lines: string[] = [];
  for (const item of items) {
    const last = lines.at(-1);
    if (last !== undefined && displayWidth(last) + 2 + displayWidth(item) <= width) lines[lines.length - 1] = `${last}  ${item}`;
    else lines.push(item);
  }
  return lines;
}

function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell))));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : pad(cell, widths[i]!))).join('  '));
}

function richCell(cell: Obj, ctx: Context): string {
  if (cell.type === 'rich_text') return arr(cell.elements).flatMap((e) => richTextBlock(obj(e), ctx)).join(' ');
  return emoji(str(cell.text));
}

const BULLETS = ['•', '◦', '▪'];

function richTextBlock(e: Obj, ctx: Context): string[] {
  const inline = (o: Obj) => arr(o.elements).map((x) => richInline(obj(x), ctx)).join('');
  switch (e.type) {
    case 'rich_text_list': {
      const indent = typeof e.indent === 'number' ? e.indent : 0;
      const offset = typeof e.offset === 'number' ? e.offset : 0;
      return arr(e.elements).flatMap((item, i) => {
        const marker = e.style === 'ordered' ? `${offset + i + 1}.` : BULLETS[indent % BULLETS.length]!;
        const prefix = `${'  '.repeat(indent + 1)}${marker} `;
        return wrapAll(inline(obj(item)), ctx.width - prefix.length).map((l, j) => (j === 0 ? prefix : ' '.repeat(prefix.length)) + l);
      });
    }
    case 'rich_text_preformatted':
      return inline(e).split('\n').map((l) => `    ${ctx.style.codeLine(l)}`);
    case 'rich_text_quote':
      return wrapAll(inline(e), ctx.width - 2).map((l) => `│ ${l}`);
    default:
      return wrapAll(inline(e), ctx.width);
  }
}

function richInline(x: Obj, ctx: Context): string {
  const { style } = ctx;
  switch (x.type) {
    case 'text': {
      const s = obj(x.style);
      let t = str(x.text);
      if (s.code) t = style.code(t);
      if (s.bold) t = style.bold(t);
      if (s.italic) t = style.italic(t);
      if (s.strike) t = style.strike(t);
      return t;
    }
    case 'link':
      return linkText(str(x.url), str(x.text));
    case 'user':
      return `@${ctx.names[str(x.user_id)] ?? str(x.user_id)}`;
    case 'usergroup':
      return `@${ctx.names[str(x.usergroup_id)] ?? str(x.usergroup_id)}`;
    case 'channel':
      return `#${ctx.names[str(x.channel_id)] ?? str(x.channel_id)}`;
    case 'broadcast':
      return `@${str(x.range)}`;
    case 'emoji':
      return typeof x.unicode === 'string' && x.unicode ? String.fromCodePoint(...x.unicode.split('-').map((h) => parseInt(h, 16))) : emoji(`:${str(x.name)}:`);
    case 'date':
      return str(x.fallback) || new Date(Number(x.timestamp) * 1000).toISOString();
    default:
      return str(x.text);
  }
}

function linkText(url: string, label: string): string {
  const target = url.replace(/^mailto:/, '');
  return !label || label === url || label === target ? target : `${label} (${target})`;
}

/** Slack mrkdwn → readable text: code kept apart, `<…>` tokens resolved, markers turned into styles. */
function mrkdwn(text: string, ctx: Pick<Context, 'names' | 'style'>): string {
  const { style, names } = ctx;
  const kept: string[] = [];
  const keep = (s: string) => `\uE000${kept.push(s) - 1}\uE001`;
  let out = text
    .replace(/```\n?([\s\S]*?)\n?```/g, (_m, code: string) => keep(code.split('\n').map((l) => `    ${style.codeLine(decodeEntities(l))}`).join('\n')))
    .replace(/`([^`\n]+)`/g, (_m, code: string) => keep(style.code(decodeEntities(code))))
    .replace(/<([^<>\n]+)>/g, (_m, inner: string) => keep(decodeEntities(token(inner, names))))
    .replace(/^>\s?/gm, '│ ');
  out = out
    .replace(/(^|[\s(\[{"'“])\*(?=\S)([^*\n]*?\S)\*(?=$|[\s.,;:!?)\]}"'”])/gm, (_m, pre: string, s: string) => pre + style.bold(s))
    .replace(/(^|[\s(\[{"'“])_(?=\S)([^_\n]*?\S)_(?=$|[\s.,;:!?)\]}"'”])/gm, (_m, pre: string, s: string) => pre + style.italic(s))
    .replace(/(^|[\s(\[{"'“])~(?=\S)([^~\n]*?\S)~(?=$|[\s.,;:!?)\]}"'”])/gm, (_m, pre: string, s: string) => pre + style.strike(s));
  out = emoji(decodeEntities(out));
  return out.replace(/\uE000(\d+)\uE001/g, (_m, i: string) => kept[Number(i)]!);
}

/** `<@U1>`, `<#C1|name>`, `<!here>`, `<!subteam^S1|@team>`, `<!date^…|fallback>`, `<url|label>`. */
function token(inner: string, names: Record<string, string>): string {
  const [target = '', label] = inner.split('|', 2) as [string, string | undefined];
  if (target.startsWith('@')) return `@${names[target.slice(1)] ?? label ?? target.slice(1)}`;
  if (target.startsWith('#')) return `#${label ?? names[target.slice(1)] ?? target.slice(1)}`;
  if (target.startsWith('!subteam^')) return label ?? `@${target.slice('!subteam^'.length)}`;
  if (target.startsWith('!date^')) return label ?? '';
  if (target.startsWith('!')) return `@${target.slice(1)}`;
  return linkText(target, label ?? '');
}

function decodeEntities(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function emoji(s: string): string {
  return s.replace(/:([a-z0-9_+-]+):/g, (m, name: string) => EMOJI[name] ?? m);
}

// --- layout ----------------------------------------------------------------------------------------------------

const ANSI_CODES = /\x1b\[[0-9;]*m/g;

/** Columns a string takes in a terminal: ANSI codes take none, emoji two, joiners and variation selectors none. */
export function displayWidth(s: string): number {
  let width = 0;
  for (const ch of s.replace(ANSI_CODES, '')) {
    if (/[\u200d\ufe0f\u0300-\u036f]/u.test(ch)) continue;
    width += /\p{Extended_Pictographic}/u.test(ch) && ch.codePointAt(0)! > 0x2000 ? 2 : 1;
  }
  return width;
}

function pad(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - displayWidth(s)));
}

/** Word-wrap every line; indented (code) lines and words longer than the width are left whole. */
function wrapAll(text: string, width: number): string[] {
  return text.split('\n').flatMap((line) => (line.startsWith('    ') ? [line] : wrapLine(line, Math.max(10, width))));
}

function wrapLine(line: string, width: number): string[] {
  if (displayWidth(line) <= width) return [line];
  const lead = /^\s*(?:│ )?/.exec(line)![0];
  const out: string[] = [];
  let current = '';
  for (const word of line.slice(lead.length).split(/ +/)) {
    const candidate = current ? `${current} ${word}` : word;
    if (current && displayWidth(lead + candidate) > width) {
      out.push(lead + current);
      current = word;
    } else current = candidate;
  }
  out.push(lead + current);
  return out;
}
