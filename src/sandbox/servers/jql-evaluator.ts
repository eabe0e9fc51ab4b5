// JQL evaluation in the fake Jira: a parsed query compiled against a context into a predicate over issues (with Jira's
// semantics for EMPTY, `!=` and NOT IN) and a sort order. Pure.
import type { JiraIssueRecord, JiraProjectRecord } from '../agency-data.ts';
import { dateFunction, parseJqlDate } from './jql-dates.ts';
import { fieldSpec, PRIORITIES } from './jql-fields.ts';
import { JqlError, type JqlClause, type JqlNode, type JqlOperand, type JqlOperator, type JqlQuery } from './jql-parser.ts';

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

function unsupportedOperator(op: JqlOperator, field: string): JqlError {
  return new JqlError(`The operator '${op.toUpperCase()}' is not supported by the '${field}' field.`);
}

function keyParts(key: string): [string, number] {
  const m = /^(.*)-(\d+)$/.exec(key);
  return m ? [m[1]!, Number(m[2])] : [key, 0];
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
