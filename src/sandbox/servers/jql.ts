// The subset of JQL the fake Jira understands: parse → AST → a predicate and a sort order over JiraIssueRecords.
// Pure. Anything outside the subset is refused with a Jira-like message (never a silent match-all), so an agent
// whose JQL would fail or mean something else against real Jira fails here too.
import type { JiraIssueRecord, JiraProjectRecord, JiraStatusCategory } from '../agency-data.ts';

/** A JQL error; the fake answers 400 `{errorMessages:[message], errors:{}}` with it. */
export class JqlError extends Error {
  override readonly name = 'JqlError';
}

// --- AST -------------------------------------------------------------------------------------------------------

export type JqlOperator = '=' | '!=' | '>' | '>=' | '<' | '<=' | '~' | '!~' | 'in' | 'not in' | 'is' | 'is not';

export type JqlOperand =
  | { kind: 'value'; text: string; quoted: boolean }
  | { kind: 'empty' }
  | { kind: 'function'; name: string; args: string[] }
  | { kind: 'list'; items: JqlOperand[] };

export interface JqlClause {
  type: 'clause';
  /** The field as written (`"Epic Link"`, `issue.property[pmAgents].key`). */
  field: string;
  operator: JqlOperator;
  operand: JqlOperand;
}

export type JqlNode = JqlClause | { type: 'and' | 'or'; children: JqlNode[] } | { type: 'not'; child: JqlNode };

export interface JqlOrder {
  field: string;
  direction: 'asc' | 'desc';
}

export interface JqlQuery {
  /** null when the query has no condition (only ORDER BY, or nothing): an unbounded query. */
  where: JqlNode | null;
  orderBy: JqlOrder[];
}

// --- Tokens ----------------------------------------------------------------------------------------------------

type Token =
  | { t: 'word'; text: string; pos: number }
  | { t: 'string'; text: string; pos: number }
  | { t: 'op'; text: string; pos: number }
  | { t: 'punct'; text: '(' | ')' | ','; pos: number }
  | { t: 'end'; pos: number };

const STRUCTURAL = new Set([' ', '\t', '\n', '\r', '(', ')', ',', '=', '!', '<', '>', '~', '"', "'"]);

function at(pos: number): string {
  return `(line 1, character ${pos + 1})`;
}

function tokenize(jql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < jql.length) {
    const c = jql[i]!;
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ t: 'punct', text: c, pos: i });
      i += 1;
    } else if (c === '"' || c === "'") {
      const start = i;
      let text = '';
      i += 1;
      for (;;) {
        if (i >= jql.length) throw new JqlError(`Error in the JQL Query: The quoted string starting at ${at(start)} has not been completed.`);
        const ch = jql[i]!;
        if (ch === c) break;
        if (ch === '\\') {
          const next = jql[i + 1];
          if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(jql.slice(i + 2, i + 6))) {
            text += String.fromCharCode(parseInt(jql.slice(i + 2, i + 6), 16));
            i += 6;
            continue;
          }
          const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', "'": "'", '\\': '\\', ' ': ' ' };
          if (next === undefined || escapes[next] === undefined) {
            throw new JqlError(`Error in the JQL Query: The escape sequence '\\${next ?? ''}' is invalid ${at(i)}.`);
          }
          text += escapes[next];
          i += 2;
          continue;
        }
        text += ch;
        i += 1;
      }
      tokens.push({ t: 'string', text, pos: start });
      i += 1;
    } else if (c === '!' || c === '<' || c === '>' || c === '=' || c === '~') {
      const two = jql.slice(i, i + 2);
      if (two === '!=' || two === '>=' || two === '<=' || two === '!~') {
        tokens.push({ t: 'op', text: two, pos: i });
        i += 2;
      } else if (c === '!') {
        throw new JqlError(`Error in the JQL Query: The character '!' is a reserved JQL character. You must enclose it in a string or use the escape '\\u0021' instead. ${at(i)}`);
      } else {
        tokens.push({ t: 'op', text: c, pos: i });
        i += 1;
      }
    } else {
      const start = i;
      while (i < jql.length && !STRUCTURAL.has(jql[i]!) && !/\s/.test(jql[i]!)) i += 1;
      tokens.push({ t: 'word', text: jql.slice(start, i), pos: start });
    }
  }
  tokens.push({ t: 'end', pos: jql.length });
  return tokens;
}

// --- Parser ----------------------------------------------------------------------------------------------------

const RESERVED_WORDS = new Set(['and', 'or', 'not', 'in', 'is', 'empty', 'null', 'order', 'by', 'asc', 'desc', 'was', 'changed']);
const OPERATOR_LIST = "'=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'";

function describe(tok: Token): string {
  return tok.t === 'end' ? 'the end of the query' : `'${tok.text}'`;
}

function isKeyword(tok: Token, word: string): boolean {
  return tok.t === 'word' && tok.text.toLowerCase() === word;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const tok = this.peek();
    if (tok.t !== 'end') this.i += 1;
    return tok;
  }

  query(): JqlQuery {
    let where: JqlNode | null = null;
    if (this.peek().t !== 'end' && !isKeyword(this.peek(), 'order')) where = this.or();
    const orderBy = isKeyword(this.peek(), 'order') ? this.orderBy() : [];
    const tok = this.peek();
    if (tok.t !== 'end') {
      if (tok.t === 'punct' && tok.text === ')') throw new JqlError(`Error in the JQL Query: Expecting either 'OR' or 'AND' but got ')'. ${at(tok.pos)}`);
      throw new JqlError(`Error in the JQL Query: Expecting either 'OR' or 'AND' but got ${describe(tok)}. ${at(tok.pos)}`);
    }
    return { where, orderBy };
  }

  private or(): JqlNode {
    const children = [this.and()];
    while (isKeyword(this.peek(), 'or')) {
      this.next();
      children.push(this.and());
    }
    return children.length === 1 ? children[0]! : { type: 'or', children };
  }

  private and(): JqlNode {
    const children = [this.unary()];
    while (isKeyword(this.peek(), 'and')) {
      this.next();
      children.push(this.unary());
    }
    return children.length === 1 ? children[0]! : { type: 'and', children };
  }

  private unary(): JqlNode {
    const tok = this.peek();
    if (isKeyword(tok, 'not')) {
      this.next();
      return { type: 'not', child: this.unary() };
    }
    if (tok.t === 'punct' && tok.text === '(') {
      this.next();
      const inner = this.or();
      const close = this.next();
      if (close.t !== 'punct' || close.text !== ')') {
        throw new JqlError(`Error in the JQL Query: Expecting ')' before ${describe(close)}. ${at(close.pos)}`);
      }
      return inner;
    }
    return this.clause();
  }

  private clause(): JqlClause {
    const tok = this.next();
    if ((tok.t !== 'word' && tok.t !== 'string') || (tok.t === 'word' && RESERVED_WORDS.has(tok.text.toLowerCase()))) {
      throw new JqlError(`Error in the JQL Query: Expecting a field name but got ${describe(tok)}. ${at(tok.pos)}`);
    }
    const field = tok.text;
    const operator = this.operator();
    return { type: 'clause', field, operator, operand: this.operand(operator) };
  }

  private operator(): JqlOperator {
    const tok = this.next();
    if (tok.t === 'op') return tok.text as JqlOperator;
    if (tok.t === 'word') {
      const w = tok.text.toLowerCase();
      if (w === 'in') return 'in';
      if (w === 'is') {
        if (isKeyword(this.peek(), 'not')) {
          this.next();
          return 'is not';
        }
        return 'is';
      }
      if (w === 'not' && isKeyword(this.peek(), 'in')) {
        this.next();
        return 'not in';
      }
      if (w === 'was' || w === 'changed') {
        throw new JqlError(`The operator '${w.toUpperCase()}' is not supported by the pm-agents Jira fake: it answers about current values only.`);
      }
    }
    throw new JqlError(`Error in the JQL Query: Expecting operator but got ${describe(tok)}. The valid operators are ${OPERATOR_LIST}. ${at(tok.pos)}`);
  }

  private operand(operator: JqlOperator): JqlOperand {
    const tok = this.peek();
    if (tok.t === 'punct' && tok.text === '(') {
      if (operator !== 'in' && operator !== 'not in') {
        throw new JqlError(`Error in the JQL Query: The operator '${operator.toUpperCase()}' does not take a list of values. ${at(tok.pos)}`);
      }
      this.next();
      const items: JqlOperand[] = [];
      for (;;) {
        items.push(this.single());
        const sep = this.next();
        if (sep.t === 'punct' && sep.text === ',') continue;
        if (sep.t === 'punct' && sep.text === ')') break;
        throw new JqlError(`Error in the JQL Query: Expecting ')' or ',' but got ${describe(sep)}. ${at(sep.pos)}`);
      }
      return { kind: 'list', items };
    }
    const single = this.single();
    if (operator === 'in' || operator === 'not in') {
      if (single.kind === 'function') return single;
      throw new JqlError(`Error in the JQL Query: Expecting '(' but got ${describe(tok)}. ${at(tok.pos)}`);
    }
    return single;
  }

  private single(): JqlOperand {
    const tok = this.next();
    if (tok.t === 'string') return { kind: 'value', text: tok.text, quoted: true };
    if (tok.t !== 'word') throw new JqlError(`Error in the JQL Query: Expecting either a value, list or function but got ${describe(tok)}. ${at(tok.pos)}`);
    const lower = tok.text.toLowerCase();
    if (lower === 'empty' || lower === 'null') return { kind: 'empty' };
    if (RESERVED_WORDS.has(lower)) {
      throw new JqlError(`Error in the JQL Query: '${tok.text}' is a reserved JQL word. You must surround it in quotation marks to use it in a query. ${at(tok.pos)}`);
    }
    const paren = this.peek();
    if (paren.t === 'punct' && paren.text === '(') {
      this.next();
      const args: string[] = [];
      while (!(this.peek().t === 'punct' && (this.peek() as { text: string }).text === ')')) {
        const arg = this.next();
        if (arg.t !== 'word' && arg.t !== 'string') throw new JqlError(`Error in the JQL Query: Expecting ')' but got ${describe(arg)}. ${at(arg.pos)}`);
        args.push(arg.text);
        const sep = this.peek();
        if (sep.t === 'punct' && sep.text === ',') this.next();
      }
      this.next();
      return { kind: 'function', name: tok.text, args };
    }
    return { kind: 'value', text: tok.text, quoted: false };
  }

  private orderBy(): JqlOrder[] {
    this.next();
    const by = this.next();
    if (!isKeyword(by, 'by')) throw new JqlError(`Error in the JQL Query: Expecting 'by' but got ${describe(by)}. ${at(by.pos)}`);
    const order: JqlOrder[] = [];
    for (;;) {
      const field = this.next();
      if (field.t !== 'word' && field.t !== 'string') {
        throw new JqlError(`Error in the JQL Query: Expecting a field name but got ${describe(field)}. ${at(field.pos)}`);
      }
      let direction: 'asc' | 'desc' = 'asc';
      if (isKeyword(this.peek(), 'asc') || isKeyword(this.peek(), 'desc')) direction = (this.next() as { text: string }).text.toLowerCase() as 'asc' | 'desc';
      order.push({ field: field.text, direction });
      const sep = this.peek();
      if (sep.t === 'punct' && sep.text === ',') {
        this.next();
        continue;
      }
      return order;
    }
  }
}

/** Parse a JQL string; throws JqlError with Jira's wording for syntax errors. */
export function parseJql(jql: string): JqlQuery {
  return new Parser(tokenize(jql)).query();
}

// --- Evaluation ------------------------------------------------------------------------------------------------

export interface JqlContext {
  /** "Now" for relative dates (`-30d`) and date functions; dates without a zone are read in UTC. */
  now: Date;
  /** The caller, for `currentUser()`. */
  currentAccountId?: string | null;
  /** When given, unknown projects, issue keys, statuses and users are errors, as in real Jira. */
  projects?: readonly JiraProjectRecord[];
  issues?: readonly JiraIssueRecord[];
  accountIds?: readonly string[];
  /**
   * Issue property keys that are indexed for JQL. Real Jira indexes a property only when an app declares it
   * (`jira:entityProperty`); properties set with an API token alone are not searchable. Default: none.
   */
  indexedProperties?: readonly string[];
}

export interface CompiledJql {
  bounded: boolean;
  matches(issue: JiraIssueRecord): boolean;
  /** Sorts a copy; without ORDER BY the order is `key DESC`. */
  sort(issues: readonly JiraIssueRecord[]): JiraIssueRecord[];
}

const ISSUE_TYPES = new Map([['epic', 'Epic'], ['story', 'Story'], ['task', 'Task'], ['bug', 'Bug'], ['sub-task', 'Sub-task'], ['subtask', 'Sub-task']]);
const PRIORITIES = ['Highest', 'High', 'Medium', 'Low', 'Lowest'];
const STATUS_CATEGORIES: Record<string, JiraStatusCategory> = {
  'to do': 'new', new: 'new', '2': 'new',
  'in progress': 'indeterminate', indeterminate: 'indeterminate', '4': 'indeterminate',
  done: 'done', complete: 'done', '3': 'done',
};
/** Statuses every fake workflow knows, besides those found on issues. */
const DEFAULT_STATUSES = ['To Do', 'Backlog', 'Selected for Development', 'In Progress', 'In Review', 'Code Review', 'QA', 'Blocked', 'Done', 'Closed'];

type Getter = (issue: JiraIssueRecord) => string[];
type Normalise = (operand: { text: string; quoted: boolean }) => string;

type FieldSpec =
  | { kind: 'values'; name: string; get: Getter; normalise: Normalise }
  | { kind: 'date' | 'text'; name: string; get: (issue: JiraIssueRecord) => string | null };

function unsupportedOperator(op: JqlOperator, field: string): JqlError {
  return new JqlError(`The operator '${op.toUpperCase()}' is not supported by the '${field}' field.`);
}

function noSuchValue(value: string, field: string): JqlError {
  return new JqlError(`The value '${value}' does not exist for the field '${field}'.`);
}

function keyParts(key: string): [string, number] {
  const m = /^(.*)-(\d+)$/.exec(key);
  return m ? [m[1]!, Number(m[2])] : [key, 0];
}

/** `yyyy-MM-dd`, `yyyy/MM/dd`, optionally with ` HH:mm`, read in UTC; or a period such as `-30d`, `4w 2d`. */
export function parseJqlDate(text: string, now: Date, field: string): number {
  const abs = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$/.exec(text.trim());
  if (abs) {
    const [y, mo, d, h, mi] = [abs[1], abs[2], abs[3], abs[4] ?? '0', abs[5] ?? '0'].map(Number) as [number, number, number, number, number];
    const ms = Date.UTC(y, mo - 1, d, h, mi);
    const check = new Date(ms);
    if (check.getUTCMonth() === mo - 1 && check.getUTCDate() === d && h < 24) return ms;
  }
  const period = text.trim();
  if (/^[-+]?(\d+[yMwdhm]\s*)+$/.test(period)) {
    const sign = period.startsWith('-') ? -1 : 1;
    const moment = new Date(now.getTime());
    for (const [, n, unit] of period.replace(/^[-+]/, '').matchAll(/(\d+)([yMwdhm])/g)) {
      const amount = sign * Number(n);
      if (unit === 'y') moment.setUTCFullYear(moment.getUTCFullYear() + amount);
      else if (unit === 'M') moment.setUTCMonth(moment.getUTCMonth() + amount);
      else moment.setTime(moment.getTime() + amount * { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000 }[unit as 'w' | 'd' | 'h' | 'm']);
    }
    return moment.getTime();
  }
  throw new JqlError(
    `Date value '${text}' for field '${field}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`,
  );
}

function dateFunction(name: string, args: string[], now: Date, field: string): number {
  const fn = name.toLowerCase();
  const inc = args[0];
  const shift = (base: Date, defaultUnit: string): number => {
    if (inc === undefined) return base.getTime();
    const text = /^[-+]?\d+$/.test(inc) ? `${inc}${defaultUnit}` : inc;
    return parseJqlDate(text, base, field);
  };
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  if (fn === 'now') return now.getTime();
  if (fn === 'startofday') return shift(day, 'd');
  if (fn === 'endofday') return shift(new Date(day.getTime() + 86_399_999), 'd');
  if (fn === 'startofmonth') return shift(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)), 'M');
  if (fn === 'endofmonth') return shift(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1) - 1), 'M');
  throw new JqlError(`Unable to find JQL function '${name}(${args.join(', ')})'.`);
}

function propertyValue(value: unknown, path: string[]): string | null {
  let cur = value;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return null;
    cur = (cur as Record<string, unknown>)[seg];
  }
  if (cur === null || cur === undefined) return null;
  return typeof cur === 'object' ? JSON.stringify(cur) : String(cur);
}

function fieldSpec(rawField: string, ctx: JqlContext): FieldSpec {
  const field = rawField.toLowerCase();
  const projects = ctx.projects;
  const issues = ctx.issues;
  const byId = new Map(issues?.map((i) => [i.id, i.key]));
  const keys = new Set(issues?.map((i) => i.key));
  const issueRef = (fieldName: string) => (o: { text: string }): string => {
    const text = o.text.trim();
    if (/^\d+$/.test(text) && issues) {
      const key = byId.get(text);
      if (!key) throw new JqlError(`An issue with id '${text}' does not exist for field '${fieldName}'.`);
      return key;
    }
    const key = text.toUpperCase();
    if (issues && !keys.has(key)) {
      if (fieldName === 'key') throw new JqlError(`An issue with key '${text}' does not exist for field 'key'.`);
      throw noSuchValue(text, fieldName);
    }
    return key;
  };
  const user = (fieldName: string) => (o: { text: string }): string => {
    if (ctx.accountIds && !ctx.accountIds.includes(o.text)) throw noSuchValue(o.text, fieldName);
    return o.text;
  };

  const property = /^issue\.property\[([^\]]+)\]((?:\.[\w-]+)*)$/i.exec(rawField);
  if (property) {
    const key = property[1]!;
    if (!(ctx.indexedProperties ?? []).includes(key)) {
      throw new JqlError(`Field '${rawField}' does not exist or you do not have permission to view it. (Issue properties are searchable only when an app indexes them.)`);
    }
    const path = property[2]!.split('.').filter(Boolean);
    return { name: rawField, kind: 'values', get: (i) => { const v = propertyValue(i.properties[key], path); return v === null ? [] : [v]; }, normalise: (o) => o.text };
  }

  switch (field) {
    case 'project':
      return {
        name: 'project',
        kind: 'values',
        get: (i) => [i.projectKey.toUpperCase()],
        normalise: (o) => {
          if (!projects) return o.text.toUpperCase();
          const p = projects.find((x) => x.key.toLowerCase() === o.text.toLowerCase() || x.id === o.text || x.name.toLowerCase() === o.text.toLowerCase());
          if (!p) throw noSuchValue(o.text, 'project');
          return p.key.toUpperCase();
        },
      };
    case 'key':
    case 'issuekey':
    case 'issue':
    case 'id':
      return { name: 'key', kind: 'values', get: (i) => [i.key], normalise: issueRef('key') };
    case 'issuetype':
    case 'type':
      return {
        name: 'issuetype',
        kind: 'values',
        get: (i) => [i.issueType.toLowerCase()],
        normalise: (o) => {
          const t = ISSUE_TYPES.get(o.text.toLowerCase());
          if (!t) throw noSuchValue(o.text, 'issuetype');
          return t.toLowerCase();
        },
      };
    case 'parent':
    case 'epic link':
    case 'cf[10014]':
    {
      // "Epic Link" is deprecated in REST; both it and parent read the one parent link.
      const name = field === 'parent' ? 'parent' : 'Epic Link';
      return { name, kind: 'values', get: (i) => (i.parentKey ? [i.parentKey] : []), normalise: issueRef(name) };
    }
    case 'status': {
      const known = new Set([...DEFAULT_STATUSES, ...(issues ?? []).map((i) => i.status)].map((s) => s.toLowerCase()));
      return {
        name: 'status',
        kind: 'values',
        get: (i) => [i.status.toLowerCase()],
        normalise: (o) => {
          if (issues && !known.has(o.text.toLowerCase())) throw noSuchValue(o.text, 'status');
          return o.text.toLowerCase();
        },
      };
    }
    case 'statuscategory':
      return {
        name: 'statusCategory',
        kind: 'values',
        get: (i) => [i.statusCategory],
        normalise: (o) => {
          const c = STATUS_CATEGORIES[o.text.toLowerCase()];
          if (!c) throw noSuchValue(o.text, 'statusCategory');
          return c;
        },
      };
    case 'assignee':
      return { name: 'assignee', kind: 'values', get: (i) => (i.assigneeAccountId ? [i.assigneeAccountId] : []), normalise: user('assignee') };
    case 'reporter':
      return { name: 'reporter', kind: 'values', get: (i) => (i.reporterAccountId ? [i.reporterAccountId] : []), normalise: user('reporter') };
    case 'priority':
      return {
        name: 'priority',
        kind: 'values',
        get: (i) => [i.priority.toLowerCase()],
        normalise: (o) => {
          if (!PRIORITIES.some((p) => p.toLowerCase() === o.text.toLowerCase())) throw noSuchValue(o.text, 'priority');
          return o.text.toLowerCase();
        },
      };
    case 'labels':
    case 'label':
      return { name: 'labels', kind: 'values', get: (i) => i.labels, normalise: (o) => o.text };
    case 'created':
    case 'createddate':
      return { name: 'created', kind: 'date', get: (i) => i.created };
    case 'updated':
    case 'updateddate':
      return { name: 'updated', kind: 'date', get: (i) => i.updated };
    case 'resolved':
    case 'resolutiondate':
      return { name: 'resolved', kind: 'date', get: (i) => i.resolutiondate };
    case 'summary':
      return { name: 'summary', kind: 'text', get: (i) => i.summary };
    default:
      throw new JqlError(
        `Field '${rawField}' does not exist or you do not have permission to view it. (The pm-agents Jira fake supports ` +
          'project, key, issuetype, parent, "Epic Link", status, statusCategory, assignee, reporter, priority, labels, created, updated, resolved, summary.)',
      );
  }
}

function compileClause(clause: JqlClause, ctx: JqlContext): (issue: JiraIssueRecord) => boolean {
  const spec = fieldSpec(clause.field, ctx);
  const { operator: op, operand } = clause;

  if (op === 'is' || op === 'is not') {
    if (operand.kind !== 'empty') throw new JqlError(`The operator '${op.toUpperCase()}' only supports the value EMPTY (or NULL) for the field '${spec.name}'.`);
    const isEmpty = spec.kind === 'values'
      ? (i: JiraIssueRecord) => spec.get(i).length === 0
      : (i: JiraIssueRecord) => { const v = spec.get(i); return v === null || v === ''; };
    return op === 'is' ? isEmpty : (i) => !isEmpty(i);
  }

  if (spec.kind === 'text') {
    if (op !== '~' && op !== '!~') throw unsupportedOperator(op, spec.name);
    if (operand.kind !== 'value') throw new JqlError(`The field '${spec.name}' takes a text value with '~'.`);
    const words = operand.text.toLowerCase().split(/\s+/).filter(Boolean).map((w) => w.replace(/\*$/, ''));
    const get = spec.get;
    const contains = (i: JiraIssueRecord) => { const s = (get(i) ?? '').toLowerCase(); return words.every((w) => s.includes(w)); };
    return op === '~' ? contains : (i) => !contains(i);
  }

  if (op === '~' || op === '!~') throw unsupportedOperator(op, spec.name);

  if (spec.kind === 'date') {
    const get = spec.get;
    const toMs = (o: JqlOperand): number | null => {
      if (o.kind === 'empty') return null;
      if (o.kind === 'function') return dateFunction(o.name, o.args, ctx.now, spec.name);
      if (o.kind === 'value') return parseJqlDate(o.text, ctx.now, spec.name);
      throw new JqlError(`The field '${spec.name}' does not take a list with the operator '${op.toUpperCase()}'.`);
    };
    const value = (i: JiraIssueRecord) => { const v = get(i); return v === null ? null : Date.parse(v); };
    if (op === 'in' || op === 'not in') {
      const items = operand.kind === 'list' ? operand.items.map(toMs) : [toMs(operand)];
      return (i) => {
        const v = value(i);
        const hit = items.some((x) => x === v);
        return op === 'in' ? hit : v !== null && !hit;
      };
    }
    const target = toMs(operand);
    if (target === null) {
      if (op === '=') return (i) => value(i) === null;
      if (op === '!=') return (i) => value(i) !== null;
      throw new JqlError(`The operator '${op}' does not support the value EMPTY for the field '${spec.name}'.`);
    }
    const cmp: Record<string, (a: number, b: number) => boolean> = {
      '=': (a, b) => a === b, '!=': (a, b) => a !== b, '>': (a, b) => a > b, '>=': (a, b) => a >= b, '<': (a, b) => a < b, '<=': (a, b) => a <= b,
    };
    const test = cmp[op]!;
    return (i) => { const v = value(i); return v !== null && test(v, target); };
  }

  // A field of discrete values: project, key, type, parent, status, category, users, priority, labels, properties.
  if (spec.kind !== 'values' || op === '>' || op === '>=' || op === '<' || op === '<=') throw unsupportedOperator(op, spec.name);
  const get = spec.get;
  const normalise = spec.normalise;
  const resolve = (o: JqlOperand): string | null => {
    if (o.kind === 'empty') return null;
    if (o.kind === 'function') {
      if (o.name.toLowerCase() === 'currentuser' && (spec.name === 'assignee' || spec.name === 'reporter')) {
        if (!ctx.currentAccountId) throw new JqlError(`The function 'currentUser' needs a logged-in user.`);
        return ctx.currentAccountId;
      }
      throw new JqlError(`Unable to find JQL function '${o.name}(${o.args.join(', ')})'.`);
    }
    if (o.kind === 'list') throw new JqlError(`The operator '${op.toUpperCase()}' does not take a list of values.`);
    return normalise(o);
  };
  const targets = operand.kind === 'list' ? operand.items.map(resolve) : [resolve(operand)];
  const wantsEmpty = targets.includes(null);
  const wanted = new Set(targets.filter((t): t is string => t !== null));
  // Jira semantics: `!=` and `NOT IN` never match an issue whose field is empty.
  const hit = (i: JiraIssueRecord) => { const vs = get(i); return vs.some((v) => wanted.has(v)) || (wantsEmpty && vs.length === 0); };
  if (op === '=' || op === 'in') return hit;
  return (i) => get(i).length > 0 && !hit(i);
}

function compileNode(node: JqlNode, ctx: JqlContext): (issue: JiraIssueRecord) => boolean {
  if (node.type === 'clause') return compileClause(node, ctx);
  if (node.type === 'not') {
    const inner = compileNode(node.child, ctx);
    return (i) => !inner(i);
  }
  const parts = node.children.map((c) => compileNode(c, ctx));
  return node.type === 'and' ? (i) => parts.every((p) => p(i)) : (i) => parts.some((p) => p(i));
}

type SortKey = (i: JiraIssueRecord) => string | number | null;

function sortKey(rawField: string): SortKey {
  const field = rawField.toLowerCase();
  switch (field) {
    case 'key':
    case 'issuekey':
    case 'id':
    case 'rank':
      return (i) => { const [p, n] = keyParts(i.key); return `${p.padEnd(12, ' ')}${String(n).padStart(10, '0')}`; };
    case 'created':
      return (i) => Date.parse(i.created);
    case 'updated':
      return (i) => Date.parse(i.updated);
    case 'resolved':
    case 'resolutiondate':
      return (i) => (i.resolutiondate ? Date.parse(i.resolutiondate) : null);
    case 'priority':
      // Jira sorts priority by its rank: Highest first when ascending.
      return (i) => PRIORITIES.indexOf(i.priority);
    case 'status':
      return (i) => i.status.toLowerCase();
    case 'summary':
      return (i) => i.summary.toLowerCase();
    case 'assignee':
      return (i) => i.assigneeAccountId;
    case 'issuetype':
    case 'type':
      return (i) => i.issueType.toLowerCase();
    case 'project':
      return (i) => i.projectKey;
    case 'parent':
      return (i) => i.parentKey;
    default:
      throw new JqlError(`Not able to sort using field '${rawField}'.`);
  }
}

/** Compile a parsed query against a context; unknown fields, values and functions throw JqlError here. */
export function compileJql(query: JqlQuery, ctx: JqlContext): CompiledJql {
  const matches = query.where ? compileNode(query.where, ctx) : () => true;
  const order = query.orderBy.length > 0 ? query.orderBy : [{ field: 'key', direction: 'desc' as const }];
  const keys = order.map((o) => ({ get: sortKey(o.field), sign: o.direction === 'asc' ? 1 : -1 }));
  const byKey = sortKey('key');
  return {
    bounded: query.where !== null,
    matches,
    sort(issues) {
      return [...issues].sort((a, b) => {
        for (const { get, sign } of keys) {
          const x = get(a);
          const y = get(b);
          if (x === y) continue;
          // Empty values sort as the greatest: last ascending, first descending.
          if (x === null) return sign;
          if (y === null) return -sign;
          return (x < y ? -1 : 1) * sign;
        }
        const x = byKey(a) as string;
        const y = byKey(b) as string;
        return x === y ? 0 : x < y ? -1 : 1;
      });
    },
  };
}

/** Parse, compile, filter and sort in one step. */
export function runJql(jql: string, issues: readonly JiraIssueRecord[], ctx: JqlContext): JiraIssueRecord[] {
  const compiled = compileJql(parseJql(jql), ctx);
  return compiled.sort(issues.filter(compiled.matches));
}
