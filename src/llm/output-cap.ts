import type { ResponsesResult } from "./responses-client.js";

/** The reply was cut off at `max_output_tokens` even after the one raise the ceiling allows. */
export class TruncatedOutputError extends Error {
  override readonly name = "TruncatedOutputError";
  constructor(
    /** The cap of the last call, which was not enough. */
    readonly maxOutputTokens: number,
  ) {
    super(`the model's output was cut off at max_output_tokens (${maxOutputTokens})`);
  }
}

/** `max_output_tokens` of a series of calls for one prompt: raised at most once, never past the ceiling. */
export interface OutputCap {
  readonly value: number;
  /** Whether the reply stopped at the cap (not at a content filter or the end of the answer). */
  cutOff(result: Pick<ResponsesResult, "status" | "incompleteReason">): boolean;
  /** Doubles the cap (bounded by the ceiling) if it has not been raised yet; false when it cannot grow. */
  raise(): boolean;
}

/**
 * The operator's ceiling bounds every raise, and repositories have no say in it: a repository config
 * can make reviews cheaper, never dearer.
 */
export function createOutputCap(start: number, ceiling: number): OutputCap {
  let value = Math.min(start, ceiling);
  let raised = false;
  return {
    get value() {
      return value;
    },
    cutOff: (result) => result.status === "incomplete" && result.incompleteReason === "max_output_tokens",
    raise() {
      const next = Math.min(value * 2, ceiling);
      if (raised || next <= value) return false;
      raised = true;
      value = next;
      return true;
    },
  };
}
