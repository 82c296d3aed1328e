import type { Logger } from "pino";
import { parseChunkReview, REVIEW_OUTPUT_JSON_SCHEMA } from "../review/findings-schema.js";
import type { ChunkReview, ReviewPrompt, TokenUsage } from "../review/types.js";
import { isStructuredOutputRefusal } from "./aimlapi-error.js";
import { addUsage, usageOfFailure } from "./call-usage.js";
import { createFormatFallback, type FormatFallbackOptions } from "./format-fallback.js";
import { DEFAULT_RETRY_POLICY, isFatalModelError, isRetryableModelError, type RetryPolicy } from "./model-retry-policy.js";
import { createOutputCap, TruncatedOutputError } from "./output-cap.js";
import type { ReasoningEffort, ResponseFormatKind, ResponsesClient } from "./responses-client.js";
import { retryModelCall } from "./retry-model-call.js";

export { ModelBudgetExceededError } from "./retry-model-call.js";
export { TruncatedOutputError } from "./output-cap.js";

export interface ChunkReviewContext {
  chunkIndex: number;
  reasoningEffort?: ReasoningEffort | null;
  /**
   * Every billed call of this chunk adds to it, failed and cut-off calls included, so the reported
   * cost is what the review really cost.
   */
  usage: TokenUsage;
  /** First call's `max_output_tokens` (a half of a chunk that was cut off starts where it ended). Default: the reviewer's. */
  maxOutputTokens?: number;
}

/** Reviews one chunk's prompt with the model; the worker sees only this. */
export interface ChunkReviewer {
  /**
   * Throws `TruncatedOutputError` when the output does not fit even the raised cap: the caller may
   * split the chunk, since sending it again would be cut off again.
   */
  reviewChunk(prompt: ReviewPrompt, context: ChunkReviewContext): Promise<ChunkReview>;
  /** Errors that no retry, of the chunk or of the job, can fix. */
  isFatal(error: unknown): boolean;
}

export interface ChunkReviewerOptions {
  client: ResponsesClient;
  /** `max_output_tokens` of a first call (MODEL_MAX_OUTPUT_TOKENS). */
  maxOutputTokens: number;
  /** A call cut off at the cap is sent once more with the cap doubled, up to this (MODEL_OUTPUT_TOKENS_CEILING). Default: `maxOutputTokens`, no raise. */
  outputTokensCeiling?: number;
  reasoningEffort: ReasoningEffort;
  retry?: Partial<RetryPolicy>;
  /** When a refused output format is tried again. */
  formatFallback?: FormatFallbackOptions;
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

export function createChunkReviewer(options: ChunkReviewerOptions): ChunkReviewer {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const formats = createFormatFallback({ ...(options.now ? { now: options.now } : {}), ...options.formatFallback });
  const ceiling = Math.max(options.maxOutputTokens, options.outputTokensCeiling ?? options.maxOutputTokens);

  return {
    isFatal: isFatalModelError,
    async reviewChunk(prompt, context) {
      const reasoningEffort = context.reasoningEffort ?? options.reasoningEffort;
      // Lives across the retries of this chunk: after a raise, a retried 503 keeps the raised cap.
      const cap = createOutputCap(context.maxOutputTokens ?? options.maxOutputTokens, ceiling);
      let format: ResponseFormatKind = formats.current();

      const callOnce = async (signal: AbortSignal): Promise<ChunkReview> => {
        for (;;) {
          try {
            const result = await options.client.create({
              instructions: prompt.instructions,
              input: prompt.input,
              maxOutputTokens: cap.value,
              reasoningEffort,
              format,
              ...(format === "json_schema" ? { schema: REVIEW_OUTPUT_JSON_SCHEMA, schemaName: "code_review" } : {}),
              signal,
            });
            addUsage(context.usage, result.usage);
            // Cut off at the cap: the same call would be cut off the same way, so it is never repeated.
            if (cap.cutOff(result)) {
              if (cap.raise()) {
                options.log?.warn({ chunk: context.chunkIndex, maxOutputTokens: cap.value }, "Model output cut off; raising the output cap once");
                continue;
              }
              throw new TruncatedOutputError(cap.value);
            }
            const parsed = parseChunkReview(result.text);
            if (parsed.ok) return parsed.review;
            const why = result.status === "incomplete" ? `output cut short (${result.incompleteReason ?? "unknown reason"})` : parsed.error;
            throw new UnusableModelOutputError(`The model's output is not a valid review: ${why}`);
          } catch (error) {
            addUsage(context.usage, usageOfFailure(error));
            const next = isStructuredOutputRefusal(error) ? formats.refused(format) : null;
            if (next) {
              options.log?.warn({ refused: format, format: next }, "Endpoint refused the output format; falling back");
              format = next;
              continue;
            }
            throw error;
          }
        }
      };

      return retryModelCall(
        callOnce,
        { policy, log: options.log, wait: options.wait, now: options.now },
        { chunk: context.chunkIndex },
        (error) => isRetryableModelError(error) || error instanceof UnusableModelOutputError,
      );
    },
  };
}
