// The pieces every /plan message is built from: what a plan button carries, short Block Kit constructors that stay
// inside Slack's limits, and the plan facts the messages show (step numbers, tallies, the critical path). Pure.
import type { types } from '@slack/bolt';
import { criticalPath } from '../../services/plans/critical-path.ts';
import type { StoredPlan, StoredStep } from '../../services/plans/stored-plan.ts';
import { formatHours } from '../../services/calendar.ts';
import { escapeMrkdwn } from './time-tracking.ts';

export const MAX_SECTION_TEXT = 3000;
const MAX_HEADER_TEXT = 150;
export const MAX_OPTION_TEXT = 75;

/** What every plan button (and menu option) carries: which plan, the version the clicker saw, and maybe a step. */
export interface PlanButtonValue {
  planId: string;
  version: number;
  stepId?: string;
  /** Menus that offer several things to do with a step: which one was chosen. */
  op?: 'edit' | 'remove';
}

/** Compact JSON: ≤ 150 characters for ids of Slack's sizes, so it also fits a menu option's value. */
export function planButtonValue(value: PlanButtonValue): string {
  return JSON.stringify(value);
}

/** The value of a plan button, or undefined when it is not one (a forged or old payload). */
export function readPlanButtonValue(raw: unknown): PlanButtonValue | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    const v = JSON.parse(raw) as Record<string, unknown>;
    if (typeof v !== 'object' || v === null || typeof v.planId !== 'string' || !Number.isInteger(v.version)) return undefined;
    return {
      planId: v.planId,
      version: v.version as number,
      ...(typeof v.stepId === 'string' ? { stepId: v.stepId } : {}),
      ...(v.op === 'edit' || v.op === 'remove' ? { op: v.op } : {}),
    };
  } catch {
    return undefined;
  }
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

export function section(text: string, accessory?: types.Overflow): types.SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(text, MAX_SECTION_TEXT) }, ...(accessory ? { accessory } : {}) };
}

export function context(text: string): types.ContextBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: clip(text, MAX_SECTION_TEXT) }] };
}

export function header(text: string): types.HeaderBlock {
  return { type: 'header', text: { type: 'plain_text', text: clip(text, MAX_HEADER_TEXT), emoji: true } };
}

export function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger', confirm?: types.ConfirmationDialog): types.Button {
  return { type: 'button', text: { type: 'plain_text', text, emoji: true }, action_id: actionId, value, ...(style ? { style } : {}), ...(confirm ? { confirm } : {}) };
}

export function confirmDialog(title: string, text: string, yes: string): types.ConfirmationDialog {
  return {
    title: { type: 'plain_text', text: title },
    text: { type: 'mrkdwn', text },
    confirm: { type: 'plain_text', text: yes },
    deny: { type: 'plain_text', text: 'Keep it' },
    style: 'danger',
  };
}

/** "Grace Hopper", or a mention for an owner given by Slack id. */
export function ownerText(owner: string | null): string {
  if (owner === null) return 'nobody yet';
  return /^[UW][A-Z0-9]{2,}$/.test(owner) ? `<@${owner}>` : escapeMrkdwn(owner);
}

/** Minutes as people write them: "45m", "2h", "1h 30m" (the estimate field reads these back). */
export function minutesText(minutes: number): string {
  return minutes < 60 ? `${minutes}m` : formatHours(minutes / 60);
}

/** The first 8 characters of a uuid are enough for a person to tell plans apart (and to type in /plan show). */
export function shortPlanId(id: string): string {
  return /^[0-9a-f]{8}-/.test(id) ? id.slice(0, 8) : id;
}

export function numbered(plan: StoredPlan): Map<string, number> {
  return new Map(plan.steps.map((s, i) => [s.id, i + 1]));
}

export function counts(plan: StoredPlan): { done: number; skipped: number; failed: number; total: number } {
  const of = (status: StoredStep['status']) => plan.steps.filter((s) => s.status === status).length;
  return { done: of('completed'), skipped: of('skipped'), failed: of('failed'), total: plan.steps.length };
}

/** The critical path, or null when the steps cannot be ordered (a plan never stored that way). */
export function criticalChain(plan: StoredPlan): { minutes: number; stepIds: string[] } | null {
  try {
    return criticalPath(plan.steps);
  } catch {
    return null;
  }
}

/**
 * Our own summaries (summariseStep) write channels and people as Slack tokens (`<#C0SUBS>`, `<@U01ADA>`): keep those,
 * escape everything else they quote.
 */
export function escapeKeepingMentions(text: string): string {
  return escapeMrkdwn(text).replace(/&lt;([#@][CDGUW][A-Z0-9]{2,})&gt;/g, '<$1>');
}

export function plannerLine(plan: StoredPlan): string {
  return `planned by ${escapeMrkdwn(plan.planner)}`;
}
