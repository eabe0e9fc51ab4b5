import { describe, expect, it } from 'vitest';
import {
  classifyBySimilarity,
  cosineSimilarity,
  mostSimilar,
  tfidfModel,
  tfidfVectors,
  tokenize,
} from '../../src/services/text-similarity.ts';

describe('tokenize', () => {
  it.each([
    ['Login-page bugs!', ['login', 'page', 'bug']],
    ['Fix the login form', ['fix', 'login', 'form']],
    ['User stories for the billing exports', ['user', 'story', 'billing', 'export']],
    ['Status of the class analysis', ['status', 'class', 'analysis']],
    ['Classes and processes', ['class', 'process']],
    ['PLAT-123: bump API to v2', ['plat', '123', 'bump', 'api', 'v2']],
    ['', []],
    ['?!  …', []],
  ])('turns %j into %j', (text, words) => {
    expect(tokenize(text)).toEqual(words);
  });
});

describe('cosine similarity of TF-IDF vectors', () => {
  it.each([
    ['the same text', 'Fix login form', 'Fix login form', 1],
    ['texts with no words in common', 'Fix login form', 'Billing export', 0],
    ['a text and an empty text', 'Fix login form', '', 0],
    ['texts that differ only in case, punctuation and plurals', 'Login forms!', 'login form', 1],
  ])('scores %s as %d', (_case, a, b, expected) => {
    const [va, vb] = tfidfVectors([a, b]);
    expect(cosineSimilarity(va!, vb!)).toBeCloseTo(expected, 10);
  });

  it('scores partly overlapping texts strictly between 0 and 1', () => {
    const [a, b] = tfidfVectors(['login page bug', 'Fix login form']);
    const score = cosineSimilarity(a!, b!);
    expect(score).toBeGreaterThan(0);
    expect(score).toBeLessThan(1);
  });

  it('gives unit-length vectors over one alphabetical vocabulary, the same on every run', () => {
    const docs = ['Billing export', 'Fix login form', 'login page bug'];
    const model = tfidfModel(docs);
    expect(model.vocabulary).toEqual(['billing', 'bug', 'export', 'fix', 'form', 'login', 'page']);
    const vectors = tfidfVectors(docs);
    for (const v of vectors) {
      expect(v).toHaveLength(7);
      expect(Math.hypot(...v)).toBeCloseTo(1, 12);
    }
    expect(tfidfVectors(docs)).toEqual(vectors);
  });

  it('refuses to compare vectors of different lengths', () => {
    expect(() => cosineSimilarity([1, 0], [1, 0, 0])).toThrow(/different lengths/);
  });
});

describe('mostSimilar', () => {
  const epics = [
    { id: 'SUBS-1', text: 'Billing export' },
    { id: 'SUBS-2', text: 'Fix login form' },
    { id: 'SUBS-3', text: 'Login page redesign and session handling' },
  ];

  it('ranks the "Fix login form" epic above "Billing export" for a login page bug', () => {
    const ranked = mostSimilar('login page bug', epics);
    const score = (id: string) => ranked.find((m) => m.id === id)?.score ?? 0;
    expect(score('SUBS-2')).toBeGreaterThan(score('SUBS-1'));
    expect(ranked.map((m) => m.id)).toEqual(['SUBS-3', 'SUBS-2']);
  });

  it('orders best first and keeps at most k', () => {
    const ranked = mostSimilar('login form is broken', epics, 1);
    expect(ranked).toEqual([{ id: 'SUBS-2', score: expect.any(Number) }]);
  });

  it('returns nothing when no candidate shares a word with the query', () => {
    expect(mostSimilar('quarterly invoice', epics)).toEqual([]);
    expect(mostSimilar('anything', [])).toEqual([]);
  });
});

describe('classifyBySimilarity', () => {
  const labels = [
    { label: 'Fix login form', description: 'login form errors, sign in and password problems' },
    { label: 'Billing export', description: 'invoices, billing CSV export to accounting' },
  ];

  it('picks the label that shares the most words, with high confidence when the match is strong and clear', () => {
    const result = classifyBySimilarity('Login form shows a password error', labels);
    expect(result.label).toBe('Fix login form');
    expect(result.confidence).toBeGreaterThanOrEqual(0.7);
    expect(result.confidence).toBeLessThanOrEqual(1);
  });

  it('has confidence 0 and returns the first label when nothing matches', () => {
    expect(classifyBySimilarity('team lunch on Friday', labels)).toMatchObject({ label: 'Fix login form', confidence: 0 });
  });

  it('never reaches 0.5 confidence when two labels match equally', () => {
    const tied = [
      { label: 'Team X1', description: 'export report' },
      { label: 'Team X2', description: 'export report' },
    ];
    expect(classifyBySimilarity('export report', tied).confidence).toBeLessThanOrEqual(0.5);
  });

  it('refuses an empty label list', () => {
    expect(() => classifyBySimilarity('text', [])).toThrow(/at least one label/);
  });
});
