// `manual`: a task a person does outside pm-agents. Executing it only marks it as waiting; the executor DMs the owner
// a Done button and the steps after it wait until they press it. Nothing to undo.
import { z } from 'zod';
import { quote } from '../templating.ts';
import type { PlanAction } from './index.ts';

const params = z.strictObject({
  /** What to do, as the owner will read it in their DM. */
  instructions: z.string().trim().min(1).max(2000, { error: 'expected instructions of at most 2000 characters' }).optional(),
  /** When it should be done by (YYYY-MM-DD), shown in the DM. */
  due: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected a date as YYYY-MM-DD' }).optional(),
});
export type ManualParams = z.output<typeof params>;

export interface ManualTask {
  /** Always true: the step completes when its owner (or the requester) presses Done. */
  waiting: true;
}

export const manualAction: PlanAction<ManualParams, ManualTask> = {
  name: 'manual',
  description:
    'A task a person does themselves (a meeting, a review, a call, granting access). Its owner gets a DM with a Done ' +
    'button and later steps wait for it. `instructions` say what to do; `due` is a date YYYY-MM-DD. No result fields.',
  params,
  resultFields: [],

  summary(p) {
    const what = p.instructions ? `: ${quote(p.instructions, 80)}` : '';
    return `Task for a person${what}${p.due ? ` (due ${p.due})` : ''}; they press Done when it is done`;
  },

  async execute() {
    return { waiting: true };
  },
};
