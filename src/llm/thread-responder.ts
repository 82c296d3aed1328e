import type { Logger } from "pino";
import type { ReviewPrompt, TokenUsage } from "../review/types.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./model-retry-policy.js";
import type { ReasoningEffort, ResponsesClient } from "./responses-client.js";
import { retryModelCall } from "./retry-model-call.js";

/** Answers a question in a review thread with free text. */
export interface ThreadResponder {
  answer(prompt: ReviewPrompt): Promise<{ text: string; usage: TokenUsage }>;
}

export function createThreadResponder(options: {
  client: ResponsesClient;
  maxOutputTokens: number;
  reasoningEffort: ReasoningEffort;
  retry?: Partial<RetryPolicy>;
  log?: Logger;
}): ThreadResponder {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  return {
    async answer(prompt) {
      const result = await retryModelCall(
        (signal) =>
          options.client.create({
            instructions: prompt.instructions,
            input: prompt.input,
            maxOutputTokens: options.maxOutputTokens,
            reasoningEffort: options.reasoningEffort,
            format: "text",
            signal,
          }),
        { policy, log: options.log },
        { purpose: "thread reply" },
      );
      const text = result.text.trim();
      if (!text) throw new Error(`The model returned no answer (${result.incompleteReason ?? result.status})`);
      return { text, usage: result.usage };
    },
  };
}
