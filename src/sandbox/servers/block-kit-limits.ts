// Block Kit limits, checked the way Slack checks them: the fake Slack server refuses what Slack would refuse, and the
// Block Kit builders' tests can assert their output stays inside the limits. Pure: data in, problems out.
// Problems are worded like Slack's own (`must be less than 3001 characters [json-pointer:/blocks/0/text/text]`).

/** The numbers (API-NOTES §4). Where Slack is undocumented we are stricter rather than looser. */
export const BLOCK_KIT_LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  id: 255,
  actionsElements: 25,
  contextElements: 10,
  /** Undocumented aggregate past which Slack answers `msg_blocks_too_long`; real Slack allows a little more. */
  aggregateTextChars: 13_000,
  messageText: 40_000,
  markdownText: 12_000,
  imageAltText: 2000,
  inputLabel: 2000,
  placeholder: 150,
  optionText: 75,
  optionValue: 150,
  selectOptions: 100,
  overflowOptions: 5,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  viewTitle: 24,
  viewButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
  viewPushDepth: 3,
} as const;

export type BlockKitError = 'invalid_blocks' | 'invalid_blocks_format' | 'msg_blocks_too_long' | 'invalid_arguments';

export type BlockKitVerdict = { ok: true } | { ok: false; error: BlockKitError; problems: string[] };

const L = BLOCK_KIT_LIMITS;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Collects problems while walking one message or view; ids must be unique across the whole surface. */
class Walk {
  readonly problems: string[] = [];
  private readonly blockIds = new Set<string>();
  private readonly actionIds = new Set<string>();

  add(message: string, pointer: string): void {
    this.problems.push(`${message} [json-pointer:${pointer}]`);
  }

  maxLength(value: unknown, max: number, pointer: string): void {
    if (typeof value === 'string' && value.length > max) this.add(`must be less than ${max + 1} characters`, pointer);
  }

  optionalString(o: Obj, key: string, max: number, pointer: string): void {
    const v = o[key];
    if (v === undefined) return;
    if (typeof v !== 'string') return this.add('must be a string', `${pointer}/${key}`);
    this.maxLength(v, max, `${pointer}/${key}`);
  }

  /** A composition text object `{type: 'plain_text'|'mrkdwn', text}` with non-empty text. */
  text(value: unknown, pointer: string, max: number, plainOnly = false): void {
    if (!isObj(value)) return this.add('must provide an object', pointer);
    const allowed = plainOnly ? ['plain_text'] : ['plain_text', 'mrkdwn'];
    if (!allowed.includes(value.type as string)) {
      this.add(`must be ${plainOnly ? 'plain_text' : 'one of plain_text, mrkdwn'}`, `${pointer}/type`);
    }
    if (typeof value.text !== 'string') return this.add('must provide a string', `${pointer}/text`);
    if (value.text.length === 0) return this.add('must be more than 0 characters', `${pointer}/text`);
    this.maxLength(value.text, max, `${pointer}/text`);
  }

  blockId(block: Obj, pointer: string): void {
    const id = block.block_id;
    if (id === undefined) return;
    if (typeof id !== 'string' || id.length === 0) return this.add('must be a non-empty string', `${pointer}/block_id`);
    this.maxLength(id, L.id, `${pointer}/block_id`);
    if (this.blockIds.has(id)) this.add(`duplicate block_id: ${id}`, `${pointer}/block_id`);
    this.blockIds.add(id);
  }

  actionId(element: Obj, pointer: string): void {
    const id = element.action_id;
    if (id === undefined) return;
    if (typeof id !== 'string' || id.length === 0) return this.add('must be a non-empty string', `${pointer}/action_id`);
    this.maxLength(id, L.id, `${pointer}/action_id`);
    if (this.actionIds.has(id)) this.add(`duplicate action_id: ${id}`, `${pointer}/action_id`);
    this.actionIds.add(id);
  }

  items(value: unknown, pointer: string, max: number, min = 1): value is unknown[] {
    if (!Array.isArray(value)) {
      this.add('must provide an array', pointer);
      return false;
    }
    if (value.length < min) this.add(`must provide at least ${min} item${min === 1 ? '' : 's'}`, pointer);
    if (value.length > max) this.add(`no more than ${max} items allowed`, pointer);
    return true;
  }

  confirm(value: unknown, pointer: string): void {
    if (value === undefined) return;
    if (!isObj(value)) return this.add('must provide an object', pointer);
    if (value.title !== undefined) this.text(value.title, `${pointer}/title`, L.confirmTitle, true);
    this.text(value.text, `${pointer}/text`, L.confirmText);
    if (value.confirm !== undefined) this.text(value.confirm, `${pointer}/confirm`, L.confirmButton, true);
    if (value.deny !== undefined) this.text(value.deny, `${pointer}/deny`, L.confirmButton, true);
  }

  options(value: unknown, pointer: string, max: number, min = 1): void {
    if (!this.items(value, pointer, max, min)) return;
    (value as unknown[]).forEach((option, i) => {
      const p = `${pointer}/${i}`;
      if (!isObj(option)) return this.add('must provide an object', p);
      this.text(option.text, `${p}/text`, L.optionText);
      if (typeof option.value !== 'string') this.add('must provide a string', `${p}/value`);
      else this.maxLength(option.value, L.optionValue, `${p}/value`);
      this.optionalString(option, 'url', L.url, p);
    });
  }

  imageElement(element: Obj, pointer: string): void {
    if (element.image_url === undefined && element.slack_file === undefined) this.add('must provide image_url or slack_file', pointer);
    this.optionalString(element, 'image_url', L.url, pointer);
    if (typeof element.alt_text !== 'string' || element.alt_text.length === 0) this.add('must provide a string', `${pointer}/alt_text`);
    else this.maxLength(element.alt_text, L.imageAltText, `${pointer}/alt_text`);
  }

  /** Interactive elements (buttons, selects, pickers, inputs) and images, wherever they appear. */
  element(element: unknown, pointer: string): void {
    if (!isObj(element)) return this.add('must provide an object', pointer);
    const type = element.type;
    if (typeof type !== 'string') return this.add('must provide a string', `${pointer}/type`);
    if (type === 'image') return this.imageElement(element, pointer);
    this.actionId(element, pointer);
    this.confirm(element.confirm, `${pointer}/confirm`);
    if (element.placeholder !== undefined) this.text(element.placeholder, `${pointer}/placeholder`, L.placeholder, true);
    switch (type) {
      case 'button':
        this.text(element.text, `${pointer}/text`, L.buttonText, true);
        this.optionalString(element, 'value', L.buttonValue, pointer);
        this.optionalString(element, 'url', L.url, pointer);
        if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger') {
          this.add('must be one of primary, danger', `${pointer}/style`);
        }
        return;
      case 'overflow':
        return this.options(element.options, `${pointer}/options`, L.overflowOptions, 1);
      case 'static_select':
      case 'multi_static_select':
        if (element.option_groups !== undefined) return;
        return this.options(element.options, `${pointer}/options`, L.selectOptions);
      case 'radio_buttons':
      case 'checkboxes':
        return this.options(element.options, `${pointer}/options`, 10);
      default:
        return; // pickers and inputs: only their ids and placeholders have limits we enforce
    }
  }

  block(block: unknown, pointer: string, surface: 'message' | 'view'): void {
    if (!isObj(block)) return this.add('must provide an object', pointer);
    this.blockId(block, pointer);
    switch (block.type) {
      case 'section':
        if (block.text === undefined && block.fields === undefined) return this.add('must define either `text` or `fields`', `${pointer}/type`);
        if (block.text !== undefined) this.text(block.text, `${pointer}/text`, L.sectionText);
        if (block.fields !== undefined && this.items(block.fields, `${pointer}/fields`, L.sectionFields)) {
          (block.fields as unknown[]).forEach((f, i) => this.text(f, `${pointer}/fields/${i}`, L.fieldText));
        }
        if (block.accessory !== undefined) this.element(block.accessory, `${pointer}/accessory`);
        return;
      case 'header':
        return this.text(block.text, `${pointer}/text`, L.headerText, true);
      case 'divider':
        return;
      case 'actions':
        if (this.items(block.elements, `${pointer}/elements`, L.actionsElements)) {
          (block.elements as unknown[]).forEach((e, i) => this.element(e, `${pointer}/elements/${i}`));
        }
        return;
      case 'context':
        if (this.items(block.elements, `${pointer}/elements`, L.contextElements)) {
          (block.elements as unknown[]).forEach((e, i) => {
            const p = `${pointer}/elements/${i}`;
            if (isObj(e) && e.type === 'image') this.imageElement(e, p);
            else this.text(e, p, L.sectionText);
          });
        }
        return;
      case 'image':
        this.imageElement(block, pointer);
        if (block.title !== undefined) this.text(block.title, `${pointer}/title`, L.imageAltText, true);
        return;
      case 'input':
        this.text(block.label, `${pointer}/label`, L.inputLabel, true);
        if (block.hint !== undefined) this.text(block.hint, `${pointer}/hint`, L.inputLabel, true);
        if (block.element === undefined) return this.add('must provide an object', `${pointer}/element`);
        return this.element(block.element, `${pointer}/element`);
      case 'rich_text':
        this.items(block.elements, `${pointer}/elements`, Number.MAX_SAFE_INTEGER);
        return;
      case 'markdown':
        if (surface === 'view') return this.add('unsupported type: markdown', `${pointer}/type`);
        if (typeof block.text !== 'string' || block.text.length === 0) return this.add('must provide a string', `${pointer}/text`);
        return this.maxLength(block.text, L.markdownText, `${pointer}/text`);
      case 'file':
        if (typeof block.external_id !== 'string') this.add('must provide a string', `${pointer}/external_id`);
        return;
      case 'video':
      case 'table':
        return;
      default:
        return this.add(`unsupported type: ${String(block.type)}`, `${pointer}/type`);
    }
  }

  blocks(blocks: unknown[], pointer: string, max: number, surface: 'message' | 'view'): void {
    if (blocks.length > max) this.add(`no more than ${max} items allowed`, pointer);
    blocks.forEach((b, i) => this.block(b, `${pointer}/${i}`, surface));
  }
}

/** Characters of every `text` string in the blocks: what Slack's undocumented aggregate limit appears to count. */
export function blockTextCharacters(value: unknown): number {
  if (Array.isArray(value)) return value.reduce<number>((sum, v) => sum + blockTextCharacters(v), 0);
  if (!isObj(value)) return 0;
  let sum = 0;
  for (const [key, v] of Object.entries(value)) {
    if (key === 'text' && typeof v === 'string') sum += v.length;
    else sum += blockTextCharacters(v);
  }
  return sum;
}

/** Check the `blocks` of a message (chat.postMessage, chat.update, response_url …). */
export function checkMessageBlocks(blocks: unknown): BlockKitVerdict {
  if (blocks === undefined) return { ok: true };
  if (!Array.isArray(blocks)) return { ok: false, error: 'invalid_blocks_format', problems: ['must provide an array [json-pointer:/blocks]'] };
  const walk = new Walk();
  walk.blocks(blocks, '/blocks', L.messageBlocks, 'message');
  if (walk.problems.length > 0) return { ok: false, error: 'invalid_blocks', problems: walk.problems };
  const chars = blockTextCharacters(blocks);
  if (chars > L.aggregateTextChars) {
    return { ok: false, error: 'msg_blocks_too_long', problems: [`blocks hold ${chars} characters of text, more than ${L.aggregateTextChars} [json-pointer:/blocks]`] };
  }
  return { ok: true };
}

/** Check a modal or App Home view (views.open/push/update/publish). Slack answers `invalid_arguments` for these. */
export function checkView(view: unknown): BlockKitVerdict {
  const walk = new Walk();
  if (!isObj(view)) return { ok: false, error: 'invalid_arguments', problems: ['must provide an object [json-pointer:/view]'] };
  if (view.type !== 'modal' && view.type !== 'home') walk.add('must be one of modal, home', '/view/type');
  if (view.type === 'modal') {
    walk.text(view.title, '/view/title', L.viewTitle, true);
    if (view.submit !== undefined) walk.text(view.submit, '/view/submit', L.viewButton, true);
    if (view.close !== undefined) walk.text(view.close, '/view/close', L.viewButton, true);
  }
  walk.optionalString(view, 'private_metadata', L.privateMetadata, '/view');
  walk.optionalString(view, 'callback_id', L.callbackId, '/view');
  walk.optionalString(view, 'external_id', L.id, '/view');
  if (walk.items(view.blocks, '/view/blocks', L.viewBlocks, 0)) {
    const blocks = view.blocks as unknown[];
    walk.blocks(blocks, '/view/blocks', Number.MAX_SAFE_INTEGER, 'view');
    const hasInput = blocks.some((b) => isObj(b) && b.type === 'input');
    if (view.type === 'modal' && hasInput && view.submit === undefined) walk.add('must provide submit when the view has input blocks', '/view/submit');
  }
  if (walk.problems.length > 0) return { ok: false, error: 'invalid_arguments', problems: walk.problems };
  return { ok: true };
}
