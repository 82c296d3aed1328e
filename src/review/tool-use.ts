/** How one tool call ended, for the summary and the metrics. */
export type ToolOutcome =
  | "ok"
  | "missing"
  | "refused"
  | "binary"
  | "unavailable"
  | "invalid_arguments"
  | "unknown_tool"
  | "budget_spent"
  | "error";

/**
 * What a review's conversations with tools did and cost; one per chunk while it runs (mutable, like
 * `TokenUsage`), then merged for the review.
 */
export interface ToolUse {
  /** Calls by tool name, then by outcome. */
  calls: Record<string, Partial<Record<ToolOutcome, number>>>;
  /** Files read successfully with `read_file`, in first-read order. */
  filesRead: string[];
  /** Tokens of the tool outputs sent to the model. */
  outputTokens: number;
  /** Input tokens billed for the calls after each conversation's first: what reading the repository cost. */
  followUpInputTokens: number;
  /** Model calls made in conversations with tools. */
  modelCalls: number;
  /** Chunks reviewed from the diff alone because the endpoint refused tools. */
  refusedChunks: number;
}

export const noToolUse = (): ToolUse => ({ calls: {}, filesRead: [], outputTokens: 0, followUpInputTokens: 0, modelCalls: 0, refusedChunks: 0 });

export function recordToolCall(use: ToolUse, tool: string, outcome: ToolOutcome, fileRead: string | null): void {
  const byOutcome = (use.calls[tool] ??= {});
  byOutcome[outcome] = (byOutcome[outcome] ?? 0) + 1;
  if (fileRead !== null && !use.filesRead.includes(fileRead)) use.filesRead.push(fileRead);
}

export function countToolCalls(use: ToolUse): number {
  return Object.values(use.calls).reduce((sum, byOutcome) => sum + Object.values(byOutcome).reduce((a, b) => a + (b ?? 0), 0), 0);
}

/** The chunks' tool use as one. Pure. */
export function mergeToolUse(uses: readonly ToolUse[]): ToolUse {
  const total = noToolUse();
  for (const use of uses) {
    for (const [tool, byOutcome] of Object.entries(use.calls)) {
      for (const [outcome, count] of Object.entries(byOutcome)) {
        const target = (total.calls[tool] ??= {});
        target[outcome as ToolOutcome] = (target[outcome as ToolOutcome] ?? 0) + (count ?? 0);
      }
    }
    for (const path of use.filesRead) if (!total.filesRead.includes(path)) total.filesRead.push(path);
    total.outputTokens += use.outputTokens;
    total.followUpInputTokens += use.followUpInputTokens;
    total.modelCalls += use.modelCalls;
    total.refusedChunks += use.refusedChunks;
  }
  return total;
}
