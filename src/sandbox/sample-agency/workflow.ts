// The sample agency's Jira workflow: the statuses (with the ids the Jira fake gives them), how tickets move through
// them, how long they stay in each, and the shared change items their histories are made of.
import type { JiraChangeItem, JiraStatusCategory } from '../agency-data.ts';
import type { Random } from '../random.ts';
import type { GeneratorContext } from './org.ts';
import { DAY_MS } from './timeline.ts';

export type SampleStatus = 'To Do' | 'In Progress' | 'In Review' | 'QA' | 'Done';

/** The ids the Jira fake gives these statuses (it numbers them from 10000 in this order). */
const STATUS_IDS: Record<SampleStatus, string> = { 'To Do': '10000', 'In Progress': '10001', 'In Review': '10002', Done: '10003', QA: '10004' };
export const CATEGORY: Record<SampleStatus, JiraStatusCategory> = { 'To Do': 'new', 'In Progress': 'indeterminate', 'In Review': 'indeterminate', QA: 'indeterminate', Done: 'done' };
export const CLIENT_FLOW: readonly SampleStatus[] = ['To Do', 'In Progress', 'In Review', 'QA', 'Done'];
export const INTERNAL_FLOW: readonly SampleStatus[] = ['To Do', 'In Progress', 'Done'];

/** One shared, frozen item list per transition: a large agency has hundreds of thousands of history records. */
const transitionItems = new Map<string, JiraChangeItem[]>();
export function statusChange(from: SampleStatus, to: SampleStatus): JiraChangeItem[] {
  const key = `${from}>${to}`;
  let items = transitionItems.get(key);
  if (!items) {
    const item = Object.freeze({ field: 'status', fieldtype: 'jira', fieldId: 'status', from: STATUS_IDS[from], fromString: from, to: STATUS_IDS[to], toString: to });
    items = Object.freeze([item]) as unknown as JiraChangeItem[];
    transitionItems.set(key, items);
  }
  return items;
}

export function drawStatus(internal: boolean, rng: Random): SampleStatus {
  const r = rng.next();
  if (internal) return r < 0.2 ? 'To Do' : r < 0.5 ? 'In Progress' : 'Done';
  return r < 0.21 ? 'To Do' : r < 0.38 ? 'In Progress' : r < 0.46 ? 'In Review' : r < 0.52 ? 'QA' : 'Done';
}

/** How long before the as-of a ticket entered its current status. Review and QA are short unless held stuck. */
export function entryAgeMs(status: SampleStatus, orphan: boolean, ctx: GeneratorContext, rng: Random): number {
  const { timeline } = ctx;
  switch (status) {
    case 'To Do':
      return rng.between(0.5, orphan ? 20 : 50) * DAY_MS;
    case 'In Progress':
      return rng.between(0.1, orphan ? 5 : 7) * DAY_MS;
    case 'In Review':
    case 'QA':
      return rng.between(0.05, 4) * DAY_MS;
    case 'Done': {
      const earliest = timeline.at(timeline.windowStartDay, 600) - 15 * DAY_MS;
      return rng.between(0.1 * DAY_MS, timeline.asOfMs - earliest);
    }
  }
}

/** Time spent in a status before moving on. */
export function dwellMs(status: SampleStatus, internal: boolean, rng: Random): number {
  switch (status) {
    case 'To Do':
      return rng.between(0.3, 12) * DAY_MS;
    case 'In Progress':
      return rng.between(internal ? 1 : 0.4, internal ? 15 : 6) * DAY_MS;
    case 'In Review':
      return rng.between(0.05, 2.2) * DAY_MS;
    case 'QA':
      return rng.between(0.1, 2) * DAY_MS;
    case 'Done':
      return 0;
  }
}

/** The statuses a ticket went through to reach `final`; sometimes review sends it back to work once. */
export function pathTo(final: SampleStatus, flow: readonly SampleStatus[], rng: Random): SampleStatus[] {
  const path = flow.slice(0, flow.indexOf(final) + 1);
  const review = path.indexOf('In Review');
  if (review >= 0 && review < path.length - 1 && rng.chance(0.15)) path.splice(review + 1, 0, 'In Progress', 'In Review');
  return path;
}
