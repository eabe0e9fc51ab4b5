// JQL's grammar, as far as the fake Jira speaks it: the AST, the tokenizer and the parser, with Jira's wording for
// syntax errors. Pure; what the fields and values mean is jql-evaluator.ts's business.

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
