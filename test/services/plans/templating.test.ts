import { describe, expect, it } from 'vitest';
import {
  describeReference,
  malformedPlaceholders,
  quote,
  resolveTemplates,
  stepReferences,
  TemplateError,
} from '../../../src/services/plans/templating.ts';

describe('step references in params', () => {
  it('finds every {{steps.<id>.<field>}} with where it is, including inside text and lists', () => {
    const params = { parent: '{{steps.epic.key}}', text: 'See {{ steps.epic.key }} and {{steps.qa.id}}', labels: ['x', '{{steps.notes.key}}'] };
    expect(stepReferences(params)).toEqual([
      { stepId: 'epic', field: 'key', text: '{{steps.epic.key}}', path: 'parent' },
      { stepId: 'epic', field: 'key', text: '{{ steps.epic.key }}', path: 'text' },
      { stepId: 'qa', field: 'id', text: '{{steps.qa.id}}', path: 'text' },
      { stepId: 'notes', field: 'key', text: '{{steps.notes.key}}', path: 'labels[1]' },
    ]);
  });

  it('names placeholders that are not step references', () => {
    expect(malformedPlaceholders({ text: 'Hi {{step.epic}} and {{steps.epic}} but {{steps.epic.key}}' })).toEqual([
      { text: '{{step.epic}}', path: 'text' },
      { text: '{{steps.epic}}', path: 'text' },
    ]);
  });
});

describe('filling in templates from earlier results', () => {
  const results = { epic: { key: 'SUBS-7', id: '10042', project: 'SUBS' }, reminder: { post_at: 1764000000 } };

  it('replaces a whole-value reference with the value itself, keeping its type', () => {
    expect(resolveTemplates({ parent: '{{steps.epic.key}}', at: '{{steps.reminder.post_at}}' }, results)).toEqual({ parent: 'SUBS-7', at: 1764000000 });
  });

  it('writes references inside text into the text', () => {
    expect(resolveTemplates({ text: 'Epic {{steps.epic.key}} in {{steps.epic.project}} is ready' }, results)).toEqual({ text: 'Epic SUBS-7 in SUBS is ready' });
  });

  it('leaves params without references as they are, and does not change its input', () => {
    const params = { summary: 'QA sign-off', labels: ['launch'], parent: '{{steps.epic.key}}' };
    const copy = structuredClone(params);
    resolveTemplates(params, results);
    expect(params).toEqual(copy);
    expect(resolveTemplates({ summary: 'QA', n: 3, flag: true, none: null }, results)).toEqual({ summary: 'QA', n: 3, flag: true, none: null });
  });

  it('names every reference that has no value: a step with no result, and a field the result does not have', () => {
    const attempt = () => resolveTemplates({ a: '{{steps.ghost.key}}', b: 'x {{steps.epic.url}}' }, results);
    expect(attempt).toThrow(TemplateError);
    try {
      attempt();
    } catch (err) {
      expect((err as TemplateError).problems).toEqual([
        'step "ghost" has no result (it has not run, or it was skipped)',
        'step "epic" gave no "url" (it gave key, id, project)',
      ]);
    }
  });
});

describe('references as people read them', () => {
  it('describes a reference in words and shows it as [step field] inside quoted text', () => {
    expect(describeReference('{{steps.epic.key}}')).toBe('the key of step “epic”');
    expect(quote('Epic {{steps.epic.key}} is ready')).toBe('“Epic [epic key] is ready”');
  });

  it('cuts long text to one line with an ellipsis', () => {
    expect(quote('a\nb   c', 10)).toBe('“a b c”');
    expect(quote('x'.repeat(100), 10)).toBe(`“${'x'.repeat(9)}…”`);
  });
});
