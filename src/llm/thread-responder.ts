import type { Logger } from "pino";
import type { ToolUse } from "../review/tool-use.js";
import type { ReviewPrompt, TokenUsage } from "../review/types.js";
import { isToolsRefusal } from "./aimlapi-error.js";
import { addUsage, noUsage, usageOfFailure } from "./call-usage.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./model-retry-policy.js";
import { createOutputCap } from "./output-cap.js";
import type { ReasoningEffort, ResponsesClient, ResponsesRequest } from "./responses-client.js";
import { retryModelCall } from "./retry-model-call.js";
import { runToolConversation, type ToolBudget, type ToolRunner } from "./tool-conversation.js";

export interface ThreadAnswer {
  /** The answer, trimmed; may be empty when `cutOff`. */
  text: string;
  /** The output stopped at `max_output_tokens`, even raised once: the text ends mid-way. */
  cutOff: boolean;
  /** Every billed call, failed and cut-off ones included. */
  usage: TokenUsage;
}

/** The repository's tools for one answer (agentic mode): the model may read files before it answers. */
export interface AnswerTools {
  runner: ToolRunner;
  budget: ToolBudget;
  /** Every call is recorded here (files read, outcomes, tokens). */
  use: ToolUse;
}

/** Answers a question (a review thread reply, `/codex ask`) with free text. */
export interface ThreadResponder {
  /**
   * `reasoningEffort`: the repository's effective setting; null or absent means the env's. `tools`: the
   * answer may read the repository first, within their budget; an endpoint that refuses tools gets the
   * prompt alone.
   */
  answer(prompt: ReviewPrompt, options?: { reasoningEffort?: ReasoningEffort | null; tools?: AnswerTools }): Promise<ThreadAnswer>;
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
    async answer(prompt, { reasoningEffort, tools } = {}) {
      const usage = noUsage();
      const cap = createOutputCap(options.maxOutputTokens, ceiling);
      /** One request: the output cap raised once when the answer is cut off. */
      const send = async (input: ResponsesRequest["input"], signal: AbortSignal, toolChoice?: "auto" | "none") => {
        for (;;) {
          const result = await options.client
            .create({
              instructions: prompt.instructions,
              input,
              maxOutputTokens: cap.value,
              reasoningEffort: reasoningEffort ?? options.reasoningEffort,
              format: "text",
              ...(tools && toolChoice
                ? { tools: [...tools.runner.tools], toolChoice, parallelToolCalls: true, includeEncryptedReasoning: true, store: false }
                : {}),
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
      const retry = <T>(call: (signal: AbortSignal) => Promise<T>) => retryModelCall(call, { policy, log: options.log }, { purpose: "thread reply" });

      let reply: Awaited<ReturnType<typeof send>> | null = null;
      if (tools) {
        try {
          reply = await runToolConversation<Awaited<ReturnType<typeof send>>>({
            input: prompt.input,
            runner: tools.runner,
            budget: tools.budget,
            use: tools.use,
            log: options.log,
            logContext: { purpose: "thread reply" },
            call: (items, toolChoice) =>
              retry(async (signal) => {
                const sent = await send(items, signal, toolChoice);
                const inputTokens = sent.result.usage.inputTokens;
                // A cut-off reply's calls may be half written: it is answered as it is, like a cut-off text.
                if (sent.result.functionCalls.length === 0 || sent.cutOff || toolChoice === "none") return { kind: "answer", value: sent, inputTokens };
                return { kind: "calls", calls: sent.result.functionCalls, carried: sent.result.carriedItems, inputTokens };
              }),
          });
        } catch (error) {
          if (!isToolsRefusal(error)) throw error;
          tools.use.refusedChunks++;
          options.log?.warn({ err: error }, "Endpoint refused tools; answering from the prompt alone");
        }
      }
      const { result, cutOff } = reply ?? (await retry((signal) => send(prompt.input, signal)));
      const text = result.text.trim();
      if (!text && !cutOff) throw new Error(`The model returned no answer (${result.incompleteReason ?? result.status})`);
      return { text, cutOff, usage };
    },
  };
}
