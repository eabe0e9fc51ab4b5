// How alike two pieces of text are, without an LLM: words → TF-IDF vectors → cosine similarity. Used by the local LLM
// fallback (embed, classify) and by epic suggestion. Pure and deterministic: the same texts always give the same numbers.

/** Common English words that say nothing about what a ticket or an epic is about. */
const STOP_WORDS = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between both but ' +
    'by can could did do does doing down during each few for from further had has have having he her here hers herself ' +
    'him himself his how i if in into is it its itself just let me more most my myself no nor not now of off on once only ' +
    'or other our ours ourselves out over own same she should so some such than that the their theirs them themselves then ' +
    'there these they this those through to too under until up very was we were what when where which while who whom why ' +
    'will with would you your yours yourself yourselves'
  ).split(' '),
);

/**
 * Light stemming so "bugs"/"bug" and "stories"/"story" count as one word. Only plural endings are touched: words ending in
 * -ss, -us or -is ("class", "status", "analysis") and words of three letters or fewer are left alone.
 */
function stem(word: string): string {
  if (word.length <= 3) return word;
  if (word.endsWith('sses')) return word.slice(0, -2);
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith('s') && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

/** Lowercased words and numbers, punctuation removed, stop words dropped, plurals folded ("Login-page bugs" → login, page, bug). */
export function tokenize(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0 && !STOP_WORDS.has(word))
    .map(stem);
}

/** A vector stored as its non-zero entries, `indices` ascending. */
export interface SparseVector {
  indices: number[];
  values: number[];
}

export interface TfidfModel {
  /** Every word seen, in alphabetical order: position i is dimension i of every vector (fixed, so results are reproducible). */
  vocabulary: string[];
  /** One L2-normalised vector per document, in input order; a document with no words gets an empty (zero) vector. */
  vectors: SparseVector[];
}

/**
 * TF-IDF over a set of documents. Term weight = (1 + ln count) × idf, idf = ln((1 + N) / (1 + df)) + 1 (smoothed, so a
 * word found in every document still counts a little and two identical documents always score 1).
 */
export function tfidfModel(docs: string[]): TfidfModel {
  const counts = docs.map((doc) => {
    const tally = new Map<string, number>();
    for (const word of tokenize(doc)) tally.set(word, (tally.get(word) ?? 0) + 1);
    return tally;
  });
  const documentFrequency = new Map<string, number>();
  for (const tally of counts) for (const word of tally.keys()) documentFrequency.set(word, (documentFrequency.get(word) ?? 0) + 1);
  const vocabulary = [...documentFrequency.keys()].sort();
  const position = new Map(vocabulary.map((word, i) => [word, i]));
  const n = docs.length;
  const vectors = counts.map((tally) => {
    const entries = [...tally]
      .map(([word, count]) => {
        const idf = Math.log((1 + n) / (1 + documentFrequency.get(word)!)) + 1;
        return [position.get(word)!, (1 + Math.log(count)) * idf] as const;
      })
      .sort((a, b) => a[0] - b[0]);
    const norm = Math.sqrt(entries.reduce((sum, [, w]) => sum + w * w, 0));
    return { indices: entries.map(([i]) => i), values: entries.map(([, w]) => (norm > 0 ? w / norm : 0)) };
  });
  return { vocabulary, vectors };
}

/** Dense TF-IDF vectors (one per document, all of the vocabulary's length). Compare vectors only within one call. */
export function tfidfVectors(docs: string[]): number[][] {
  const { vocabulary, vectors } = tfidfModel(docs);
  return vectors.map((vector) => {
    const dense = new Array<number>(vocabulary.length).fill(0);
    vector.indices.forEach((index, k) => (dense[index] = vector.values[k]!));
    return dense;
  });
}

function clampSimilarity(score: number): number {
  return Math.min(1, Math.max(-1, score));
}

/**
 * Cosine of the angle between two vectors: 1 = same direction, 0 = nothing in common. A zero vector (an empty text) is
 * similar to nothing and scores 0. Vectors of different lengths come from different models and are refused.
 */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) normA += a[i]! * a[i]!;
  for (let i = 0; i < b.length; i++) normB += b[i]! * b[i]!;
  if (normA === 0 || normB === 0) return 0;
  if (a.length !== b.length) throw new Error(`cosineSimilarity: vectors have different lengths (${a.length} and ${b.length})`);
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return clampSimilarity(dot / Math.sqrt(normA * normB));
}

/** Cosine similarity of two L2-normalised sparse vectors (a merge of the two sorted index lists). */
export function sparseCosineSimilarity(a: SparseVector, b: SparseVector): number {
  let dot = 0;
  let i = 0;
  let j = 0;
  while (i < a.indices.length && j < b.indices.length) {
    const ai = a.indices[i]!;
    const bj = b.indices[j]!;
    if (ai === bj) dot += a.values[i++]! * b.values[j++]!;
    else if (ai < bj) i++;
    else j++;
  }
  return clampSimilarity(dot);
}

/**
 * The candidates most like the query, best first, at most `k` (default: all). Word weights are learnt from the query and
 * the candidates together. Candidates with nothing in common with the query (score 0) are left out; ties keep input order.
 */
export function mostSimilar(query: string, candidates: { id: string; text: string }[], k = candidates.length): { id: string; score: number }[] {
  const { vectors } = tfidfModel([query, ...candidates.map((c) => c.text)]);
  const [queryVector, ...candidateVectors] = vectors;
  return candidates
    .map((candidate, i) => ({ id: candidate.id, score: sparseCosineSimilarity(queryVector!, candidateVectors[i]!) }))
    .filter((match) => match.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, Math.max(0, k));
}

/** A cosine this high between a short text and a label description is already a strong word-level match. */
const STRONG_MATCH = 0.5;

/**
 * Picks the label whose name and description share the most (weighted) words with the text.
 *
 * Confidence, 0..1, is calibrated so that it means something next to a threshold such as 0.7:
 *   confidence = strength × (0.5 + 0.5 × margin)
 *   strength = min(1, best / 0.5)                 how strongly the best label matches (cosine ≥ 0.5 counts as full)
 *   margin   = (best − runnerUp) / best           how clearly it beats the next label (1 with a single label)
 * So no shared words → 0; a tie between two labels → at most 0.5; only a strong and clear match reaches 0.7 or more.
 * With nothing in common with any label, the first label is returned with confidence 0.
 */
export function classifyBySimilarity(
  text: string,
  labels: { label: string; description: string }[],
): { label: string; confidence: number; scores: { label: string; score: number }[] } {
  if (labels.length === 0) throw new Error('classifyBySimilarity: at least one label is needed');
  const { vectors } = tfidfModel([text, ...labels.map((l) => `${l.label} ${l.description}`)]);
  const [textVector, ...labelVectors] = vectors;
  const scores = labels.map((l, i) => ({ label: l.label, score: Math.max(0, sparseCosineSimilarity(textVector!, labelVectors[i]!)) }));
  const ranked = [...scores].sort((a, b) => b.score - a.score);
  const best = ranked[0]!;
  const runnerUp = ranked[1]?.score ?? 0;
  if (best.score === 0) return { label: labels[0]!.label, confidence: 0, scores };
  const strength = Math.min(1, best.score / STRONG_MATCH);
  const margin = (best.score - runnerUp) / best.score;
  return { label: best.label, confidence: strength * (0.5 + 0.5 * margin), scores };
}
