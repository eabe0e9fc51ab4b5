// Structured answers: the strict JSON Schema sent to the model, the nulls strict mode makes it invent, and the check
// of what comes back (worded for the repair request and for people).
import { z } from 'zod';

const MAX_PROBLEMS_SHOWN = 20;

export type JsonSchema = Record<string, unknown>;

export function repairRequest(name: string, problems: string[]): string {
  return (
    `Your previous answer could not be used:\n${problems.map((p) => `- ${p}`).join('\n')}\n` +
    `Answer again with only a JSON object that matches the "${name}" schema and fixes these problems.`
  );
}

export function jsonSchemaOf(schema: z.ZodType, name: string): JsonSchema {
  try {
    // `input`: the model writes what zod will parse (defaults and transforms apply afterwards).
    return z.toJSONSchema(schema, { target: 'draft-7', io: 'input' }) as JsonSchema;
  } catch (err) {
    throw new Error(`json "${name}": the zod schema cannot be written as JSON Schema (${(err as Error).message}); pass jsonSchema`, { cause: err });
  }
}

/**
 * A strict-mode copy of a JSON Schema: every object closed (`additionalProperties: false`) and listing every property in
 * `required`. A property that was optional becomes nullable instead; `dropInventedNulls` removes those nulls again before
 * zod sees the answer. `oneOf` becomes `anyOf` and `default`/`$schema` go (strict mode does not take them).
 */
export function strictJsonSchema(schema: JsonSchema, name: string): JsonSchema {
  const strict = makeStrict(schema, name) as JsonSchema;
  delete strict.$schema;
  if (strict.type !== 'object') {
    throw new Error(`json "${name}": the answer's schema must be an object at the root (strict structured output needs one); wrap it in z.object({ ... })`);
  }
  return strict;
}

function makeStrict(node: unknown, path: string): unknown {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return node;
  const out: JsonSchema = { ...(node as JsonSchema) };
  delete out.default;
  if (Array.isArray(out.oneOf) && out.anyOf === undefined) {
    out.anyOf = out.oneOf;
    delete out.oneOf;
  }
  const properties = out.properties as Record<string, unknown> | undefined;
  if (out.type === 'object' || properties) {
    if (typeof out.additionalProperties === 'object' && out.additionalProperties !== null) {
      throw new Error(`json schema at ${path}: open-ended objects (z.record) cannot be used with strict structured output; list the keys`);
    }
    const required = new Set(Array.isArray(out.required) ? (out.required as string[]) : []);
    const strictProperties: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(properties ?? {})) {
      const strictChild = makeStrict(child, `${path}.${key}`);
      strictProperties[key] = required.has(key) || admitsNull(strictChild) ? strictChild : { anyOf: [strictChild, { type: 'null' }] };
    }
    out.properties = strictProperties;
    out.required = Object.keys(strictProperties);
    out.additionalProperties = false;
  }
  if (out.items !== undefined) out.items = makeStrict(out.items, `${path}[]`);
  if (Array.isArray(out.anyOf)) out.anyOf = out.anyOf.map((branch: unknown) => makeStrict(branch, path));
  for (const keyword of ['definitions', '$defs']) {
    const defs = out[keyword] as Record<string, unknown> | undefined;
    if (defs) out[keyword] = Object.fromEntries(Object.entries(defs).map(([k, d]) => [k, makeStrict(d, `${keyword}.${k}`)]));
  }
  return out;
}

function admitsNull(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null) return schema === true;
  const node = schema as JsonSchema;
  if (node.type === 'null' || (Array.isArray(node.type) && node.type.includes('null'))) return true;
  if (Array.isArray(node.enum) && node.enum.includes(null)) return true;
  return Array.isArray(node.anyOf) && node.anyOf.some(admitsNull);
}

function resolveRef(root: JsonSchema, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  return ref
    .slice(1)
    .split('/')
    .filter((part) => part !== '')
    .map((part) => decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, part) => (typeof node === 'object' && node !== null ? (node as JsonSchema)[part] : undefined), root);
}

/** Removes the nulls strict mode made the model write for properties the caller's schema left optional. */
function dropInventedNulls(value: unknown, schema: unknown, root: JsonSchema, depth = 0): unknown {
  if (depth > 64 || typeof schema !== 'object' || schema === null) return value;
  let node = schema as JsonSchema;
  if (typeof node.$ref === 'string') node = (resolveRef(root, node.$ref) as JsonSchema | undefined) ?? node;
  if (Array.isArray(node.anyOf)) {
    const wanted = Array.isArray(value) ? 'array' : typeof value === 'object' && value !== null ? 'object' : undefined;
    const branches = (node.anyOf as JsonSchema[]).filter((b) => wanted && (b?.type === wanted || (wanted === 'object' ? b?.properties : b?.items)));
    return branches.length === 1 ? dropInventedNulls(value, branches[0], root, depth + 1) : value;
  }
  if (Array.isArray(value)) return node.items ? value.map((item) => dropInventedNulls(item, node.items, root, depth + 1)) : value;
  const properties = node.properties as Record<string, unknown> | undefined;
  if (typeof value !== 'object' || value === null || !properties) return value;
  const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const propertySchema = properties[key];
    if (item === null && propertySchema !== undefined && !required.has(key) && !admitsNull(propertySchema)) continue;
    out[key] = propertySchema === undefined ? item : dropInventedNulls(item, propertySchema, root, depth + 1);
  }
  return out;
}

function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), '') || '(root)';
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** Parses and validates one raw answer; the problems are worded for the repair request and for people. */
export function checkAnswer<T>(raw: string, schema: z.ZodType<T>, source: JsonSchema, finishReason: string | undefined): Checked<T> {
  const problems: string[] = [];
  if (finishReason === 'length') problems.push('the answer was cut off at the token limit (finish_reason: length)');
  if (finishReason === 'content_filter') problems.push('the answer was stopped by the content filter');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    return { ok: false, problems: [...problems, `not valid JSON: ${(err as Error).message}`] };
  }
  const result = schema.safeParse(dropInventedNulls(parsed, source, source));
  if (result.success) return { ok: true, value: result.data };
  const issues = result.error.issues.map((issue) => `${issuePath(issue.path)}: ${issue.message}`);
  const shown = issues.slice(0, MAX_PROBLEMS_SHOWN);
  if (issues.length > shown.length) shown.push(`and ${issues.length - shown.length} more problems`);
  return { ok: false, problems: [...problems, ...shown] };
}
