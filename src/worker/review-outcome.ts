import type { PullFinding } from "../review/pull-findings.js";
import type { ReviewVerdict } from "../review/review-verdict.js";
import type { ToolUse } from "../review/tool-use.js";
import type { Severity, TokenUsage } from "../review/types.js";

/** Findings that changed state in this job, counted once (see finding-state-ledger.ts), as `P1:open` -> count. */
export type FindingTransitions = Record<string, number>;

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
      findingTransitions?: FindingTransitions;
      /** What the model's tools did and cost (agentic mode); absent when no tools were offered. */
      toolUse?: ToolUse;
      /** The PR's findings after this review: earlier threads (fixed ones resolved) and the ones just posted. */
      findings?: PullFinding[];
      /** Earlier findings checked against this head, and how many of them were fixed (threads resolved). */
      fixCheck?: { checked: number; fixed: number };
    }
  /** `verdict`: the posted review's, from its marker (absent in reviews from before it was recorded). */
  | { status: "already-posted"; reviewId: number; headSha: string; verdict?: ReviewVerdict; findingTransitions?: FindingTransitions; /** The PR's findings as its threads show them. */ findings?: PullFinding[] }
  | { status: "superseded"; headSha: string; currentHeadSha: string }
  | { status: "skipped"; reason: string }
  /** An incremental review found none of the PR's own changes touched since the review of `since`. */
  | { status: "nothing-new"; since: string; findingTransitions?: FindingTransitions }
  | { status: "refused"; reason: string }
  | { status: "done"; action: string };
