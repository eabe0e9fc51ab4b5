// The deterministic local fallback used when no LLM is configured: TF-IDF similarity for embeddings and
// classification, and a clear refusal for free-form answers.
import { classifyBySimilarity, tfidfVectors } from '../services/text-similarity.ts';
import type { JsonRequest, Llm } from './llm.ts';
import { LlmUnavailableError } from './llm-errors.ts';

const LOCAL_LABEL = 'local fallback (no LLM configured)';

/** Deterministic stand-in: similarity from word overlap; free-form answers are refused so callers use their rules. */
export class LocalLlm implements Llm {
  readonly kind = 'local' as const;
  readonly label = LOCAL_LABEL;

  async json<T>(req: JsonRequest<T>): Promise<T> {
    throw new LlmUnavailableError(
      `"${req.name}" needs an LLM and none is configured: set OPENAI_API_KEY (and OPENAI_BASE_URL for an OpenAI-compatible server)`,
      'not-configured',
    );
  }

  async embed(texts: string[]): Promise<number[][]> {
    return tfidfVectors(texts);
  }

  async classify(text: string, labels: { label: string; description: string }[]): Promise<{ label: string; confidence: number }> {
    const { label, confidence } = classifyBySimilarity(text, labels);
    return { label, confidence };
  }
}
