import type { TokenUsage } from "../review/types.js";
import { AimlApiError } from "./aimlapi-error.js";

export const noUsage = (): TokenUsage => ({ inputTokens: 0, outputTokens: 0, usdSpent: 0 });

/** Adds `usage` (a call's, or null when the call billed nothing we know of) into `total`. */
export function addUsage(total: TokenUsage, usage: TokenUsage | null): void {
  if (!usage) return;
  total.inputTokens += usage.inputTokens;
  total.outputTokens += usage.outputTokens;
  total.usdSpent += usage.usdSpent;
}

/** What a failed call was billed: a reply with `status: "failed"` reports its usage like any other. */
export function usageOfFailure(error: unknown): TokenUsage | null {
  return error instanceof AimlApiError ? error.usage : null;
}
