import type { ReviewVerdict } from "../review/review-verdict.js";
import type { ToolUse } from "../review/tool-use.js";
import type { Severity, TokenUsage } from "../review/types.js";

/** How a job ended; every path a job can take has a name here. */
export type ReviewOutcome =
  | {
      status: "posted";
      reviewId: number;
      headSha: string;
      mode: "incremental" | "full";
      filesReviewed: number;
      comments: number;
      bodyOnlyFindings: number;
      repeatedFindings: number;
      severityCounts: Record<Severity, number>;
      failedChunks: number;
      usage: TokenUsage;
      /** What the model's tools did and cost (agentic mode); absent when no tools were offered. */
      toolUse?: ToolUse;
    }
  /** `verdict`: the posted review's, from its marker (absent in reviews from before it was recorded). */
  | { status: "already-posted"; reviewId: number; headSha: string; verdict?: ReviewVerdict }
  | { status: "superseded"; headSha: string; currentHeadSha: string }
  | { status: "skipped"; reason: string }
  /** An incremental review found none of the PR's own changes touched since the review of `since`. */
  | { status: "nothing-new"; since: string }
  | { status: "refused"; reason: string }
  | { status: "done"; action: string };
