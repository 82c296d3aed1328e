import type { PullFinding } from "../review/pull-findings.js";
import type { ReviewVerdict } from "../review/review-verdict.js";
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
      /** The PR's findings after this review: earlier threads (fixed ones resolved) and the ones just posted. */
      findings?: PullFinding[];
      /** Earlier findings checked against this head, and how many of them were fixed (threads resolved). */
      fixCheck?: { checked: number; fixed: number };
    }
  /** `verdict`: the posted review's, from its marker (absent in reviews from before it was recorded). */
  | { status: "already-posted"; reviewId: number; headSha: string; verdict?: ReviewVerdict; /** The PR's findings as its threads show them. */ findings?: PullFinding[] }
  | { status: "superseded"; headSha: string; currentHeadSha: string }
  | { status: "skipped"; reason: string }
  /** An incremental review found none of the PR's own changes touched since the review of `since`. */
  | { status: "nothing-new"; since: string }
  | { status: "refused"; reason: string }
  | { status: "done"; action: string };
