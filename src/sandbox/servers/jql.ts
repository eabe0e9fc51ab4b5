// The subset of JQL the fake Jira understands: parse → AST → a predicate and a sort order over JiraIssueRecords.
// Pure. Anything outside the subset is refused with a Jira-like message (never a silent match-all), so an agent
// whose JQL would fail or mean something else against real Jira fails here too. The grammar is in jql-parser.ts,
// evaluation in jql-evaluator.ts (fields in jql-fields.ts, dates in jql-dates.ts); this is the entry.
import type { JiraIssueRecord } from '../agency-data.ts';
import { compileJql, type JqlContext } from './jql-evaluator.ts';
import { parseJql } from './jql-parser.ts';

export { parseJqlDate } from './jql-dates.ts';
export { compileJql, type CompiledJql, type JqlContext } from './jql-evaluator.ts';
export {
  JqlError,
  parseJql,
  type JqlClause,
  type JqlNode,
  type JqlOperand,
  type JqlOperator,
  type JqlOrder,
  type JqlQuery,
} from './jql-parser.ts';

/** Parse, compile, filter and sort in one step. */
export function runJql(jql: string, issues: readonly JiraIssueRecord[], ctx: JqlContext): JiraIssueRecord[] {
  const compiled = compileJql(parseJql(jql), ctx);
  return compiled.sort(issues.filter(compiled.matches));
}
