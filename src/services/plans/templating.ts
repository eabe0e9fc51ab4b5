// `{{steps.<id>.<field>}}` in a step's params: finding the references (for validation) and filling them in from the
// results of earlier steps (at execution). A param that is exactly one reference takes the result's value as it is;
// a reference inside longer text is written into the text.
import type { StepResults } from './plan.ts';

/** A reference to a field of an earlier step's result. */
export interface StepReference {
  stepId: string;
  field: string;
  /** As written, e.g. `{{steps.epic.key}}`. */
  text: string;
  /** Where in the params, e.g. `parent` or `labels[1]`. */
  path: string;
}

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const REFERENCE = /^\s*steps\.([A-Za-z][A-Za-z0-9_-]*)\.([A-Za-z_][A-Za-z0-9_]*)\s*$/;
const WHOLE_REFERENCE = /^\{\{\s*steps\.([A-Za-z][A-Za-z0-9_-]*)\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/;

/** A placeholder that cannot be filled: malformed, or naming a step or field that has no value. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

function childPath(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;
}

/** Every string in a params value, with its path. */
function* stringsIn(value: unknown, path = ''): Generator<{ text: string; path: string }> {
  if (typeof value === 'string') yield { text: value, path };
  else if (Array.isArray(value)) for (const [i, item] of value.entries()) yield* stringsIn(item, childPath(path, i));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) yield* stringsIn(item, childPath(path, key));
  }
}

/** The step references in a step's params, in order of appearance. */
export function stepReferences(params: unknown): StepReference[] {
  const found: StepReference[] = [];
  for (const { text, path } of stringsIn(params)) {
    for (const match of text.matchAll(PLACEHOLDER)) {
      const ref = REFERENCE.exec(match[1]!);
      if (ref) found.push({ stepId: ref[1]!, field: ref[2]!, text: match[0], path });
    }
  }
  return found;
}

/** Placeholders that are not `{{steps.<id>.<field>}}` (e.g. `{{step.epic}}`), with where they are. */
export function malformedPlaceholders(params: unknown): { text: string; path: string }[] {
  const found: { text: string; path: string }[] = [];
  for (const { text, path } of stringsIn(params)) {
    for (const match of text.matchAll(PLACEHOLDER)) if (!REFERENCE.test(match[1]!)) found.push({ text: match[0], path });
  }
  return found;
}

/** True when the whole string is one step reference (its value then keeps its own type). */
export function isStepReference(text: string): boolean {
  return WHOLE_REFERENCE.test(text);
}

/** The step a whole-string reference points at, e.g. `epic` for `{{steps.epic.key}}`. */
export function referencedStep(text: string): string | undefined {
  return WHOLE_REFERENCE.exec(text)?.[1];
}

function lookup(ref: { stepId: string; field: string }, results: StepResults, problems: string[]): unknown {
  if (!Object.hasOwn(results, ref.stepId) || results[ref.stepId] === undefined) {
    problems.push(`step "${ref.stepId}" has no result (it has not run, or it was skipped)`);
    return undefined;
  }
  const result = results[ref.stepId];
  const value = result !== null && typeof result === 'object' ? (result as Record<string, unknown>)[ref.field] : undefined;
  if (value === undefined || value === null) {
    const fields = result !== null && typeof result === 'object' ? Object.keys(result) : [];
    problems.push(`step "${ref.stepId}" gave no "${ref.field}" (it gave ${fields.length > 0 ? fields.join(', ') : 'nothing'})`);
    return undefined;
  }
  return value;
}

function fill(value: unknown, results: StepResults, problems: string[]): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE_REFERENCE.exec(value);
    if (whole) return lookup({ stepId: whole[1]!, field: whole[2]! }, results, problems) ?? value;
    return value.replace(PLACEHOLDER, (text, inner: string) => {
      const ref = REFERENCE.exec(inner);
      if (!ref) {
        problems.push(`"${text}" is not a step reference (expected {{steps.<id>.<field>}})`);
        return text;
      }
      const found = lookup({ stepId: ref[1]!, field: ref[2]! }, results, problems);
      if (found === undefined) return text;
      return typeof found === 'object' ? JSON.stringify(found) : String(found);
    });
  }
  if (Array.isArray(value)) return value.map((item) => fill(item, results, problems));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fill(item, results, problems)]));
  }
  return value;
}

/**
 * The params with every `{{steps.<id>.<field>}}` replaced by that step's result. Throws TemplateError naming every
 * reference that cannot be filled; the input is not changed.
 */
export function resolveTemplates<T>(params: T, results: StepResults): T {
  const problems: string[] = [];
  const filled = fill(params, results, problems);
  if (problems.length > 0) throw new TemplateError([...new Set(problems)]);
  return filled as T;
}

/** How a reference reads in a step summary: "the key of step “epic”". */
export function describeReference(text: string): string | undefined {
  const whole = WHOLE_REFERENCE.exec(text);
  return whole ? `the ${whole[2]} of step “${whole[1]}”` : undefined;
}

/** A param as it reads in a summary: a reference in words, anything else as written. */
export function describeParam(value: unknown): string {
  if (typeof value !== 'string') return String(value);
  return describeReference(value) ?? value;
}

/** Free text for a one-line summary: on one line, in quotes, cut at `max` characters. */
export function quote(text: string, max = 60): string {
  // `{{steps.epic.key}}` reads as `[epic key]` until the step has run.
  const oneLine = text.replace(PLACEHOLDER, (whole, inner: string) => {
    const ref = REFERENCE.exec(inner);
    return ref ? `[${ref[1]} ${ref[2]}]` : whole;
  }).replace(/\s+/g, ' ').trim();
  return `“${oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1).trimEnd()}…`}”`;
}
