import type { Logger } from "pino";
import type { ReviewPrompt, TokenUsage } from "../review/types.js";
import { addUsage, noUsage, usageOfFailure } from "./call-usage.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./model-retry-policy.js";
import { createOutputCap } from "./output-cap.js";
import type { ReasoningEffort, ResponsesClient } from "./responses-client.js";
import { retryModelCall } from "./retry-model-call.js";

export interface ThreadAnswer {
  /** The answer, trimmed; may be empty when `cutOff`. */
  text: string;
  /** The output stopped at `max_output_tokens`, even raised once: the text ends mid-way. */
  cutOff: boolean;
  /** Every billed call, failed and cut-off ones included. */
  usage: TokenUsage;
}

/** Answers a question in a review thread with free text. */
export interface ThreadResponder {
  /** `reasoningEffort`: the repository's effective setting; null or absent means the env's. */
  answer(prompt: ReviewPrompt, options?: { reasoningEffort?: ReasoningEffort | null }): Promise<ThreadAnswer>;
}

export function createThreadResponder(options: {
  client: ResponsesClient;
  maxOutputTokens: number;
  /** A cut-off answer is asked once more with the cap doubled, up to this. Default: no raise. */
  outputTokensCeiling?: number;
  reasoningEffort: ReasoningEffort;
  retry?: Partial<RetryPolicy>;
  log?: Logger;
}): ThreadResponder {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const ceiling = Math.max(options.maxOutputTokens, options.outputTokensCeiling ?? options.maxOutputTokens);
  return {
    async answer(prompt, { reasoningEffort } = {}) {
      const usage = noUsage();
      const cap = createOutputCap(options.maxOutputTokens, ceiling);
      const call = async (signal: AbortSignal) => {
        for (;;) {
          const result = await options.client
            .create({
              instructions: prompt.instructions,
              input: prompt.input,
              maxOutputTokens: cap.value,
              reasoningEffort: reasoningEffort ?? options.reasoningEffort,
              format: "text",
              signal,
            })
            .catch((error: unknown) => {
              addUsage(usage, usageOfFailure(error));
              throw error;
            });
          addUsage(usage, result.usage);
          const cutOff = cap.cutOff(result);
          // The same call would stop at the same place: raise the cap once instead of repeating it.
          if (cutOff && cap.raise()) {
            options.log?.warn({ maxOutputTokens: cap.value }, "Thread answer cut off; raising the output cap once");
            continue;
          }
          return { result, cutOff };
        }
      };
      const { result, cutOff } = await retryModelCall(call, { policy, log: options.log }, { purpose: "thread reply" });
      const text = result.text.trim();
      if (!text && !cutOff) throw new Error(`The model returned no answer (${result.incompleteReason ?? result.status})`);
      return { text, cutOff, usage };
    },
  };
}
