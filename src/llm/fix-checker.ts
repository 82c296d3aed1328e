import type { Logger } from "pino";
import type { RepositoryReader } from "../repository/repository-reader.js";
import { FIX_CHECK_JSON_SCHEMA, parseFixVerdicts, type FixVerdict } from "../review/fix-verdicts.js";
import type { ReviewPrompt, TokenUsage } from "../review/types.js";
import { isStructuredOutputRefusal } from "./aimlapi-error.js";
import { addUsage, usageOfFailure } from "./call-usage.js";
import { UnusableModelOutputError } from "./chunk-reviewer.js";
import { FORMAT_FALLBACKS } from "./format-fallback.js";
import { DEFAULT_RETRY_POLICY, isRetryableModelError, type RetryPolicy } from "./model-retry-policy.js";
import { createOutputCap } from "./output-cap.js";
import type { ReasoningEffort, ResponseFormatKind, ResponsesClient } from "./responses-client.js";
import { retryModelCall } from "./retry-model-call.js";

export interface FixCheckContext {
  /** Keys of the findings in the prompt, in order; the answer is read for exactly these. */
  keys: readonly string[];
  /** Every billed call adds to it, failed ones included: the check is charged like a review. */
  usage: TokenUsage;
  reasoningEffort?: ReasoningEffort | null;
  /**
   * The repository at the new head, for a model that reads more than the code in the prompt. Not read
   * yet: the tool loop in src/llm/ takes it once it exists; the prompt carries the code meanwhile.
   */
  repository?: RepositoryReader;
}

/** Checks a batch of earlier findings against a new head in ONE model call (plus retries). */
export interface FixChecker {
  check(prompt: ReviewPrompt, context: FixCheckContext): Promise<FixVerdict[]>;
}

export interface FixCheckerOptions {
  client: ResponsesClient;
  maxOutputTokens: number;
  outputTokensCeiling?: number;
  reasoningEffort: ReasoningEffort;
  retry?: Partial<RetryPolicy>;
  log?: Logger;
}

export function createFixChecker(options: FixCheckerOptions): FixChecker {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const ceiling = Math.max(options.maxOutputTokens, options.outputTokensCeiling ?? options.maxOutputTokens);
  return {
    async check(prompt, context) {
      const cap = createOutputCap(options.maxOutputTokens, ceiling);
      let format: ResponseFormatKind = "json_schema";
      const callOnce = async (signal: AbortSignal): Promise<FixVerdict[]> => {
        for (;;) {
          try {
            const result = await options.client.create({
              instructions: prompt.instructions,
              input: prompt.input,
              maxOutputTokens: cap.value,
              reasoningEffort: context.reasoningEffort ?? options.reasoningEffort,
              format,
              ...(format === "json_schema" ? { schema: FIX_CHECK_JSON_SCHEMA, schemaName: "fix_check" } : {}),
              signal,
            });
            addUsage(context.usage, result.usage);
            if (cap.cutOff(result) && cap.raise()) continue;
            const parsed = parseFixVerdicts(result.text, context.keys);
            if (parsed.ok) return parsed.verdicts;
            throw new UnusableModelOutputError(`The model's output is not a valid fix check: ${parsed.error}`);
          } catch (error) {
            addUsage(context.usage, usageOfFailure(error));
            // An endpoint that refuses a schema gets asked for plain JSON, then text we parse ourselves.
            const next = isStructuredOutputRefusal(error) ? FORMAT_FALLBACKS[FORMAT_FALLBACKS.indexOf(format) + 1] : undefined;
            if (next) {
              format = next;
              continue;
            }
            throw error;
          }
        }
      };
      return retryModelCall(callOnce, { policy, log: options.log }, { purpose: "fix check" }, (error) => isRetryableModelError(error) || error instanceof UnusableModelOutputError);
    },
  };
}
