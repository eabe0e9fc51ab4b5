// Jira's error answers in the fake: the `{errorMessages, errors}` body with its status, and the check of numeric
// parameters that produces one.
import { FakeHttpError } from './fake-server.ts';

export const ISSUE_MISSING = 'Issue does not exist or you do not have permission to see it.';

/** Jira's error answer: general messages, and messages per field in `errors`. */
export function jiraError(status: number, messages: string[], errors: Record<string, string> = {}): FakeHttpError {
  return new FakeHttpError(status, { errorMessages: messages, errors });
}

/** A whole-number parameter (startAt, maxResults) within bounds, else Jira's 400 naming it. */
export function intParam(value: string | number | undefined | null, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw jiraError(400, [`The value '${value}' of '${name}' is invalid: expected a whole number from ${min} to ${max}.`]);
  return n;
}
