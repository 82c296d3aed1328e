import type { Logger } from "pino";
import { parseChunkReview, REVIEW_OUTPUT_JSON_SCHEMA } from "../review/findings-schema.js";
import type { ChunkReview, ReviewPrompt, TokenUsage } from "../review/types.js";
import type { ToolUse } from "../review/tool-use.js";
import { isStructuredOutputRefusal, isToolsRefusal } from "./aimlapi-error.js";
import { addUsage, usageOfFailure } from "./call-usage.js";
import { createFormatFallback, type FormatFallbackOptions } from "./format-fallback.js";
import { DEFAULT_RETRY_POLICY, isFatalModelError, isRetryableModelError, type RetryPolicy } from "./model-retry-policy.js";
import { createOutputCap, TruncatedOutputError } from "./output-cap.js";
import type { FunctionTool, ReasoningEffort, ResponseFormatKind, ResponsesClient, ResponsesRequest, ResponsesResult } from "./responses-client.js";
import { retryModelCall } from "./retry-model-call.js";
import { runToolConversation, type ToolBudget, type ToolRunner } from "./tool-conversation.js";

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
  /** The repository tools and their budgets; without them the chunk is reviewed from its prompt alone. */
  tools?: ChunkTools;
}

/** What an agentic chunk review reads the repository with. */
export interface ChunkTools {
  runner: ToolRunner;
  budget: ToolBudget;
  /** Every call is recorded here (the summary's accounting), as `usage` records tokens. */
  use: ToolUse;
  /** Appended to the instructions when the tools are offered (what to check with them). */
  instructions: string;
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
  const now = options.now ?? Date.now;
  const formats = createFormatFallback({ ...(options.now ? { now: options.now } : {}), ...options.formatFallback });
  const ceiling = Math.max(options.maxOutputTokens, options.outputTokensCeiling ?? options.maxOutputTokens);
  const retryToolsAfterMs = options.formatFallback?.retryBestAfterMs ?? 15 * 60_000;
  // When the endpoint last refused tools; this process reviews from the diff alone for a while after.
  let toolsRefusedAt: number | null = null;

  return {
    isFatal: isFatalModelError,
    async reviewChunk(prompt, context) {
      const reasoningEffort = context.reasoningEffort ?? options.reasoningEffort;
      // Lives across the retries of this chunk: after a raise, a retried 503 keeps the raised cap.
      const cap = createOutputCap(context.maxOutputTokens ?? options.maxOutputTokens, ceiling);
      let format: ResponseFormatKind = formats.current();
      const logContext = { chunk: context.chunkIndex };

      /** One request: the output cap raised once when cut off, a refused format downgraded. */
      const send = async (input: ResponsesRequest["input"], signal: AbortSignal, tooling?: Tooling): Promise<ResponsesResult> => {
        for (;;) {
          try {
            const result = await options.client.create({
              instructions: tooling ? `${prompt.instructions}\n\n${tooling.instructions}` : prompt.instructions,
              input,
              maxOutputTokens: cap.value,
              reasoningEffort,
              format,
              ...(format === "json_schema" ? { schema: REVIEW_OUTPUT_JSON_SCHEMA, schemaName: "code_review" } : {}),
              ...(tooling
                ? { tools: [...tooling.tools], toolChoice: tooling.toolChoice, parallelToolCalls: true, includeEncryptedReasoning: true, store: false }
                : {}),
              signal,
            });
            addUsage(context.usage, result.usage);
            // Cut off at the cap: the same call would be cut off the same way, so it is never repeated.
            if (cap.cutOff(result)) {
              if (cap.raise()) {
                options.log?.warn({ ...logContext, maxOutputTokens: cap.value }, "Model output cut off; raising the output cap once");
                continue;
              }
              throw new TruncatedOutputError(cap.value);
            }
            return result;
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
      const retry = <T>(call: (signal: AbortSignal) => Promise<T>) =>
        retryModelCall(
          call,
          { policy, log: options.log, wait: options.wait, now: options.now },
          logContext,
          (error) => isRetryableModelError(error) || error instanceof UnusableModelOutputError,
        );

      const tools = context.tools;
      if (tools && (toolsRefusedAt === null || now() - toolsRefusedAt >= retryToolsAfterMs)) {
        try {
          return await runToolConversation<ChunkReview>({
            input: prompt.input,
            runner: tools.runner,
            budget: tools.budget,
            use: tools.use,
            log: options.log,
            logContext,
            call: (items, toolChoice) =>
              retry(async (signal) => {
                const result = await send(items, signal, { tools: tools.runner.tools, toolChoice, instructions: tools.instructions });
                const inputTokens = result.usage.inputTokens;
                if (result.functionCalls.length === 0) return { kind: "answer", value: readReview(result), inputTokens };
                if (toolChoice === "none") throw new UnusableModelOutputError("The model called a tool although tool_choice was none");
                return { kind: "calls", calls: result.functionCalls, carried: result.carriedItems, inputTokens };
              }),
          });
        } catch (error) {
          if (!isToolsRefusal(error)) throw error;
          toolsRefusedAt = now();
          tools.use.refusedChunks++;
          options.log?.warn({ ...logContext, err: error }, "Endpoint refused tools; reviewing the chunk from the diff alone");
        }
      }
      return retry(async (signal) => readReview(await send(prompt.input, signal)));
    },
  };
}

interface Tooling {
  tools: readonly FunctionTool[];
  toolChoice: "auto" | "none";
  instructions: string;
}

/** The review in a reply; an unusable one is retried like a transient fault. */
function readReview(result: ResponsesResult): ChunkReview {
  const parsed = parseChunkReview(result.text);
  if (parsed.ok) return parsed.review;
  const why = result.status === "incomplete" ? `output cut short (${result.incompleteReason ?? "unknown reason"})` : parsed.error;
  throw new UnusableModelOutputError(`The model's output is not a valid review: ${why}`);
}
