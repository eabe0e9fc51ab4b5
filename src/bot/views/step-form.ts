// Reading the step modals back (src/bot/blocks/plan-modals.ts): the submitted values become a step or the changes to
// one, and every problem — a value that cannot be read, or what validating the whole plan found — is put on the field
// a person has to change, as Slack's `response_action: 'errors'` wants it (keyed by block id).
import { MAX_STEP_MINUTES, STEP_ID_PATTERN, type PlanStep } from '../../services/plans/plan.ts';
import type { StoredPlan, StoredStep } from '../../services/plans/stored-plan.ts';
import { PLAN_BLOCKS } from '../ids.ts';

/** `view.state.values`: block id → action id → the element's state. */
export type FormValues = Record<string, Record<string, FormValue>>;
export interface FormValue {
  type?: string;
  value?: string | null;
  selected_option?: { value?: string } | null;
  selected_options?: { value?: string }[];
}

/** Messages by block id. */
export type FieldErrors = Record<string, string>;

/** What both modals ask for. */
export interface StepFields {
  title: string;
  owner: string | null;
  estimate_minutes: number;
  depends_on: string[];
  on_failure: 'stop' | 'continue';
  params: Record<string, unknown>;
}

type FormResult<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/** Slack's limit on one error message is undocumented; keep each short enough to read under a field. */
const MAX_ERROR_TEXT = 600;

function state(values: FormValues, blockId: string): FormValue | undefined {
  return values[blockId]?.[blockId];
}

function text(values: FormValues, blockId: string): string {
  return (state(values, blockId)?.value ?? '').trim();
}

/**
 * An estimate as people write it: minutes ("90", "45m") or hours and minutes ("2h", "1h 30m", "1.5h"). undefined when
 * it is none of these.
 */
export function parseEstimate(input: string): number | undefined {
  const s = input.trim().toLowerCase();
  if (/^\d+$/.test(s)) return Number(s);
  const m = /^(?:(\d+(?:\.\d+)?)\s*h(?:ours?|rs?)?)?\s*(?:(\d+)\s*m(?:in(?:utes?|s)?)?)?$/.exec(s);
  if (!m || (m[1] === undefined && m[2] === undefined)) return undefined;
  const minutes = Math.round(Number(m[1] ?? 0) * 60) + Number(m[2] ?? 0);
  return Number.isFinite(minutes) ? minutes : undefined;
}

function readParams(raw: string): { ok: true; params: Record<string, unknown> } | { ok: false; message: string } {
  if (raw === '') return { ok: true, params: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    return { ok: false, message: `This is not valid JSON (${(err as Error).message}). Write the fields as { "name": "value" }.` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, message: 'Expected a JSON object, e.g. { "project": "SUBS" }.' };
  return { ok: true, params: parsed as Record<string, unknown> };
}

/** The fields both modals share, or what is wrong with them. */
export function readStepFields(values: FormValues): FormResult<StepFields> {
  const errors: FieldErrors = {};
  const title = text(values, PLAN_BLOCKS.title);
  if (title === '') errors[PLAN_BLOCKS.title] = 'Give the step a title.';
  const estimateRaw = text(values, PLAN_BLOCKS.estimate);
  const estimate = parseEstimate(estimateRaw);
  if (estimate === undefined) errors[PLAN_BLOCKS.estimate] = `“${estimateRaw}” is not an estimate: write minutes (90) or hours and minutes (1h 30m).`;
  else if (estimate > MAX_STEP_MINUTES) errors[PLAN_BLOCKS.estimate] = 'At most 30 days of work for one step: split it into several steps.';
  const params = readParams(text(values, PLAN_BLOCKS.params));
  if (!params.ok) errors[PLAN_BLOCKS.params] = params.message;
  if (Object.keys(errors).length > 0 || estimate === undefined || !params.ok) return { ok: false, errors };
  const owner = text(values, PLAN_BLOCKS.owner);
  return {
    ok: true,
    value: {
      title,
      owner: owner === '' ? null : owner,
      estimate_minutes: estimate,
      depends_on: (state(values, PLAN_BLOCKS.dependsOn)?.selected_options ?? []).map((o) => o.value).filter((v): v is string => typeof v === 'string'),
      on_failure: state(values, PLAN_BLOCKS.onFailure)?.selected_option?.value === 'continue' ? 'continue' : 'stop',
      params: params.params,
    },
  };
}

/** What the step still needs once these values are in: a param still missing, or an owner still unnamed. */
function stillNeeded(needs: readonly string[] | undefined, fields: StepFields): string[] {
  return (needs ?? []).filter((need) => {
    if (need === 'owner') return fields.owner === null;
    const value = fields.params[need];
    return value === undefined || value === null || value === '';
  });
}

/** The edit modal's values as the changes to `step`. */
export function readStepChanges(values: FormValues, step: StoredStep): FormResult<Partial<PlanStep>> {
  const fields = readStepFields(values);
  if (!fields.ok) return fields;
  return { ok: true, value: { ...fields.value, needs: stillNeeded(step.needs, fields.value) } };
}

/** A step id from a title: "Kick-off call!" → "kick-off_call", unique in the plan. */
export function stepIdFromTitle(title: string, taken: ReadonlySet<string>): string {
  let base = title.toLowerCase().replace(/[^a-z0-9_-]+/g, '_').replace(/^[^a-z]+/, '').replace(/_+$/, '').slice(0, 34);
  if (base === '') base = 'step';
  let id = base;
  for (let n = 2; taken.has(id); n += 1) id = `${base}_${n}`;
  return id;
}

/** The add modal's values as a new step of `plan`. */
export function readNewStep(values: FormValues, plan: StoredPlan): FormResult<PlanStep> {
  const fields = readStepFields(values);
  const errors: FieldErrors = fields.ok ? {} : { ...fields.errors };
  const action = state(values, PLAN_BLOCKS.action)?.selected_option?.value;
  if (!action) errors[PLAN_BLOCKS.action] = 'Choose what the step does.';
  const taken = new Set(plan.steps.map((s) => s.id));
  const typedId = text(values, PLAN_BLOCKS.stepId);
  if (typedId !== '' && !STEP_ID_PATTERN.test(typedId)) errors[PLAN_BLOCKS.stepId] = 'A letter, then letters, digits, "_" or "-" (at most 40), e.g. kickoff_call.';
  else if (taken.has(typedId)) errors[PLAN_BLOCKS.stepId] = `The plan already has a step "${typedId}": choose another id.`;
  if (!fields.ok || !action || Object.keys(errors).length > 0) return { ok: false, errors };
  const id = typedId !== '' ? typedId : stepIdFromTitle(fields.value.title, taken);
  return { ok: true, value: { id, action, ...fields.value, needs: [] } };
}

/** Which field of the form a validation problem about the edited step is fixed in. */
function fieldOf(message: string): string | undefined {
  if (/cycle|depends on|depends_on/i.test(message)) return PLAN_BLOCKS.dependsOn;
  if (/^title\b/.test(message)) return PLAN_BLOCKS.title;
  if (/^estimate_minutes\b/.test(message)) return PLAN_BLOCKS.estimate;
  if (/^owner\b|owner "/.test(message)) return PLAN_BLOCKS.owner;
  if (/^on_failure\b/.test(message)) return PLAN_BLOCKS.onFailure;
  if (/unknown action/.test(message)) return PLAN_BLOCKS.action;
  if (/^params\b|^needs\b|needs "/.test(message)) return PLAN_BLOCKS.params;
  if (/the id "|^id\b/.test(message)) return PLAN_BLOCKS.stepId;
  return undefined;
}

/**
 * The service's refusal as field errors: each problem (`step "qa": depends on …`) on the field that fixes it, problems
 * of other steps and plan-wide ones (a stale version, a refusal) on `fallback`. Only blocks the modal has are used.
 */
export function fieldErrorsFor(
  refusal: { message: string; problems?: string[] },
  options: { stepId: string; plan: StoredPlan; blocks: ReadonlySet<string>; fallback: string },
): FieldErrors {
  const byField = new Map<string, string[]>();
  const put = (block: string, message: string) => byField.set(block, [...(byField.get(block) ?? []), message]);
  const number = new Map(options.plan.steps.map((s, i) => [s.id, i + 1]));
  const problems = refusal.problems?.length ? refusal.problems : [refusal.message];
  for (const problem of problems) {
    const m = /^step "([^"]+)": ([\s\S]*)$/.exec(problem);
    const [stepId, message] = m ? [m[1]!, m[2]!] : [undefined, problem];
    const field = fieldOf(message);
    const cycle = /cycle/i.test(message);
    if ((stepId === undefined || stepId === options.stepId || cycle) && field && options.blocks.has(field)) put(field, message);
    else if (stepId !== undefined && stepId !== options.stepId) put(options.fallback, `Step ${number.get(stepId) ?? stepId}: ${message}`);
    else put(options.fallback, message);
  }
  const errors: FieldErrors = {};
  for (const [block, messages] of byField) {
    const joined = messages.join(' · ');
    errors[block] = joined.length <= MAX_ERROR_TEXT ? joined : `${joined.slice(0, MAX_ERROR_TEXT - 1)}…`;
  }
  return errors;
}
