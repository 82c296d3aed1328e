import type { TokenUsage } from "../review/types.js";

/** How a review job ended; every path a job can take has a name here. */
export type ReviewOutcome =
  | { status: "posted"; reviewId: number; headSha: string; comments: number; bodyOnlyFindings: number; failedChunks: number; usage: TokenUsage }
  | { status: "already-posted"; reviewId: number; headSha: string }
  | { status: "superseded"; headSha: string; currentHeadSha: string }
  | { status: "skipped"; reason: string }
  | { status: "refused"; reason: string };
