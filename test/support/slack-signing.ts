// Tests sign Slack requests with the same code the demo uses.
export { postSigned, slackSignature, slashCommandForm, type SignedPostOptions } from '../../src/sandbox/slack-signing.ts';
