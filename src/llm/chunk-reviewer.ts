import type { Logger } from "pino";
import { parseChunkReview, REVIEW_OUTPUT_JSON_SCHEMA } from "../review/findings-schema.js";
import type { ChunkReview, ReviewPrompt, TokenUsage } from "../review/types.js";
import { isStructuredOutputRefusal } from "./aimlapi-error.js";
import { DEFAULT_RETRY_POLICY, isFatalModelError, isRetryableModelError, type RetryPolicy } from "./model-retry-policy.js";
import type { ReasoningEffort, ResponseFormatKind, ResponsesClient } from "./responses-client.js";
import { retryModelCall } from "./retry-model-call.js";

export { ModelBudgetExceededError } from "./retry-model-call.js";

/** Reviews one chunk's prompt with the model; the worker sees only this. */
export interface ChunkReviewer {
  reviewChunk(
    prompt: ReviewPrompt,
    context: { chunkIndex: number; reasoningEffort?: ReasoningEffort | null },
  ): Promise<{ review: ChunkReview; usage: TokenUsage }>;
  /** Errors that no retry, of the chunk or of the job, can fix. */
  isFatal(error: unknown): boolean;
}

export interface ChunkReviewerOptions {
  client: ResponsesClient;
  maxOutputTokens: number;
  reasoningEffort: ReasoningEffort;
  retry?: Partial<RetryPolicy>;
  log?: Logger;
  /** Injectable wait (tests). */
  wait?: (ms: number) => Promise<unknown>;
  /** Injectable clock (tests). */
  now?: () => number;
}

/** The model's answer was not the JSON we asked for; retried like a transient fault. */
export class UnusableModelOutputError extends Error {
  override readonly name = "UnusableModelOutputError";
}

const FORMAT_FALLBACKS: ResponseFormatKind[] = ["json_schema", "json_object", "text"];

export function createChunkReviewer(options: ChunkReviewerOptions): ChunkReviewer {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  // Shared by all chunks: once the endpoint refuses a format, later chunks start at the next one.
  let formatIndex = 0;

  const callOnce = async (prompt: ReviewPrompt, usage: TokenUsage, reasoningEffort: ReasoningEffort, signal: AbortSignal): Promise<ChunkReview> => {
    for (;;) {
      const format = FORMAT_FALLBACKS[formatIndex] ?? "text";
      try {
        const result = await options.client.create({
          instructions: prompt.instructions,
          input: prompt.input,
          maxOutputTokens: options.maxOutputTokens,
          reasoningEffort,
          format,
          ...(format === "json_schema" ? { schema: REVIEW_OUTPUT_JSON_SCHEMA, schemaName: "code_review" } : {}),
          signal,
        });
        usage.inputTokens += result.usage.inputTokens;
        usage.outputTokens += result.usage.outputTokens;
        usage.usdSpent += result.usage.usdSpent;
        const parsed = parseChunkReview(result.text);
        if (parsed.ok) return parsed.review;
        const why = result.status === "incomplete" ? `output cut short (${result.incompleteReason ?? "unknown reason"})` : parsed.error;
        throw new UnusableModelOutputError(`The model's output is not a valid review: ${why}`);
      } catch (error) {
        if (isStructuredOutputRefusal(error) && formatIndex < FORMAT_FALLBACKS.length - 1) {
          formatIndex++;
          options.log?.warn({ format: FORMAT_FALLBACKS[formatIndex] }, "Endpoint refused the output format; falling back");
          continue;
        }
        throw error;
      }
    }
  };

  return {
    isFatal: isFatalModelError,
    async reviewChunk(prompt, { chunkIndex, reasoningEffort }) {
      const usage: TokenUsage = { inputTokens: 0, outputTokens: 0, usdSpent: 0 };
      const review = await retryModelCall(
        (signal) => callOnce(prompt, usage, reasoningEffort ?? options.reasoningEffort, signal),
        { policy, log: options.log, wait: options.wait, now: options.now },
        { chunk: chunkIndex },
        (error) => isRetryableModelError(error) || error instanceof UnusableModelOutputError,
      );
      return { review, usage };
    },
  };
}
