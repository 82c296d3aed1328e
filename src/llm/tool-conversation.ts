import pLimit from "p-limit";
import type { Logger } from "pino";
import { recordToolCall, type ToolOutcome, type ToolUse } from "../review/tool-use.js";
import { countTokens } from "./count-tokens.js";
import type { FunctionCallItem } from "./response-schema.js";
import type { CarriedOutputItem, FunctionTool, InputItem } from "./responses-client.js";

/** Runs the model's function calls; never throws (a bad call is an output that says so). */
export interface ToolRunner {
  readonly tools: readonly FunctionTool[];
  run(call: { name: string; arguments: string }): Promise<{ output: string; outcome: ToolOutcome; fileRead: string | null }>;
}

/** Tokens left under the per-PR input cap, shared by the chunks of one review. */
export interface ReviewInputBudget {
  remaining: number;
}

export interface ToolBudget {
  /** Model calls at most in the conversation; the last is sent with `tool_choice: "none"` (REVIEW_TOOL_ROUNDS). */
  rounds: number;
  /** Tokens of tool output at most in the conversation (REVIEW_TOOL_OUTPUT_TOKENS). */
  outputTokens: number;
  /** Tool outputs count against the review's input cap too. */
  review: ReviewInputBudget;
}

/** One model call's outcome, as the conversation needs it. */
export type RoundResult<T> =
  | { kind: "calls"; calls: FunctionCallItem[]; carried: CarriedOutputItem[]; inputTokens: number }
  | { kind: "answer"; value: T; inputTokens: number };

export interface ToolConversationOptions<T> {
  /** The user message that opens the conversation (the untrusted PR text and diff). */
  input: string;
  /**
   * One model call with the conversation so far; retried by the caller on a transient fault, so a
   * retry repeats that call and not the conversation. With `none` it must return an answer.
   */
  call(input: InputItem[], toolChoice: "auto" | "none"): Promise<RoundResult<T>>;
  runner: ToolRunner;
  budget: ToolBudget;
  use: ToolUse;
  /** Tool calls run at once. Default 4. */
  concurrency?: number;
  log?: Logger | undefined;
  logContext?: Record<string, unknown>;
}

/** What the model reads instead of an output that would overrun a budget. */
export const BUDGET_SPENT_OUTPUT =
  "Not run: the budget for reading the repository in this review is spent. Answer now with what you have read.";

/**
 * A stateless conversation with tools: call the model, run the function calls it returns (bounded
 * concurrency), send its output items back (reasoning with its encrypted content, the calls) with one
 * `function_call_output` per call, and repeat until it answers. Running out of rounds or of output
 * budget is never an error: the next call is sent with `tool_choice: "none"` and the model answers
 * with what it has.
 */
export async function runToolConversation<T>(options: ToolConversationOptions<T>): Promise<T> {
  const { budget, use, runner } = options;
  const limit = pLimit(options.concurrency ?? 4);
  const items: InputItem[] = [{ type: "message", role: "user", content: options.input }];
  let outputTokens = 0;
  let spent = false;

  // A model may call a tool we never offered; its name is the model's text, so it is not a label.
  const toolName = (call: FunctionCallItem) => (runner.tools.some((tool) => tool.name === call.name) ? call.name : "unknown");
  const runOne = async (call: FunctionCallItem): Promise<InputItem> => {
    if (spent) return answerSpent(call);
    const result = await runner.run(call);
    const tokens = countTokens(result.output);
    if (outputTokens + tokens > budget.outputTokens || tokens > budget.review.remaining) {
      spent = true;
      return answerSpent(call);
    }
    outputTokens += tokens;
    budget.review.remaining -= tokens;
    use.outputTokens += tokens;
    recordToolCall(use, toolName(call), result.outcome, result.fileRead);
    return { type: "function_call_output", call_id: call.call_id, output: result.output };
  };
  const answerSpent = (call: FunctionCallItem): InputItem => {
    recordToolCall(use, toolName(call), "budget_spent", null);
    return { type: "function_call_output", call_id: call.call_id, output: BUDGET_SPENT_OUTPUT };
  };

  for (let round = 1; ; round++) {
    const last = round >= budget.rounds || spent || budget.review.remaining <= 0;
    const result = await options.call(items, last ? "none" : "auto");
    use.modelCalls++;
    if (round > 1) use.followUpInputTokens += result.inputTokens;
    if (result.kind === "answer") return result.value;
    if (last) throw new Error("the model called tools after tool_choice none");
    options.log?.debug({ ...options.logContext, round, calls: result.calls.map((call) => call.name) }, "Model called tools");
    const outputs = await Promise.all(result.calls.map((call) => limit(() => runOne(call))));
    // Output items first, in the order the model produced them, then our answers to its calls. A
    // reasoning item without its encrypted content cannot be resolved by a stateless API (it 404s).
    const carried = result.carried.filter((item) => item.type !== "reasoning" || Boolean(item.encrypted_content));
    items.push(...carried, ...outputs);
  }
}
