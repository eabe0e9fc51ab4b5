// Every action_id, block_id, callback_id and command the bot uses: shared by the Block Kit builders and the listeners.

export const COMMANDS = {
  plan: '/plan',
} as const;

export const ACTIONS = {
  /** "Log time in Tempo" link button in the time-tracking DM (a link: acked, nothing to do). */
  logTimeLink: 'time_tracking_log_time',
  /** Review message: run the plan as it stands. */
  planApprove: 'plan_approve',
  /** Review message: open the edit modal (on the first step that needs something, else step 1). */
  planEdit: 'plan_edit',
  /** Review message: open the add-step modal. */
  planAddStep: 'plan_add_step',
  /**
   * Review message: the overflow menu of one step (Edit / Remove). Slack wants action ids unique in a message, so each
   * step's menu is `plan_step_menu:<stepId>`; the listener matches PLAN_STEP_MENU_PATTERN.
   */
  planStepMenu: 'plan_step_menu',
  /** Review and progress messages: stop the plan (nothing more runs; what was done stays). */
  planCancel: 'plan_cancel',
  /** Progress message: stop the plan and undo what its steps did. */
  planCancelUndo: 'plan_cancel_undo',
  /** Progress message: no new step starts until Resume. */
  planPause: 'plan_pause',
  planResume: 'plan_resume',
  /** Progress message: a select of the pending and failed steps; choosing one skips it. */
  planSkipStep: 'plan_skip_step',
  /** Manual-step DM: the owner says the task is done. */
  planStepDone: 'plan_step_done',
  /** Edit modal: the step picker (dispatches at once, so the modal switches to the chosen step). */
  planEditPickStep: 'plan_edit_pick_step',
} as const;

/** Matches the per-step menus `plan_step_menu:<stepId>`. */
export const PLAN_STEP_MENU_PATTERN = new RegExp(`^${ACTIONS.planStepMenu}:`);

export function planStepMenuActionId(stepId: string): string {
  return `${ACTIONS.planStepMenu}:${stepId}`;
}

/** Modal callback ids. */
export const VIEWS = {
  planEditStep: 'plan_edit_step',
  planAddStep: 'plan_add_step_modal',
} as const;

/**
 * Block ids of the plan modals' inputs (the errors of a submission are keyed by them) and of the messages' parts.
 * Each input holds one element whose action_id is the same string.
 */
export const PLAN_BLOCKS = {
  pickStep: 'plan_pick_step',
  stepId: 'plan_step_id',
  title: 'plan_step_title',
  action: 'plan_step_action',
  params: 'plan_step_params',
  owner: 'plan_step_owner',
  estimate: 'plan_step_estimate',
  dependsOn: 'plan_step_depends_on',
  onFailure: 'plan_step_on_failure',
  /** Message blocks. */
  reviewButtons: 'plan_review_buttons',
  progressButtons: 'plan_progress_buttons',
  manualStepButtons: 'plan_manual_step_buttons',
} as const;
