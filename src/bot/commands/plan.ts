// `/plan`: the entry point of interactive planning. Until the planner lands it answers, privately and at once, what
// the command will do and what is available now, instead of failing silently.
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';

export async function planCommand({ ack }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> {
  await ack({
    response_type: 'ephemeral',
    text:
      'Planning is not available in this version of pm-agents yet. ' +
      'The scheduled agents (time tracking, retainer budgets) are running; `/plan` arrives with the planning release.',
  });
}
