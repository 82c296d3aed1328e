import type { Logger } from "pino";
import { parseUnifiedDiff } from "../diff/parse-unified-diff.js";
import type { FileDiff } from "../diff/types.js";
import type { CheckConclusion, CheckOutput } from "../github/check-runs.js";
import type { GithubClient, PullRequestRef } from "../github/github-client.js";
import { appBotLogin } from "../github/own-review-author.js";
import type { FindingStateLedger } from "../queue/finding-state-ledger.js";
import type { SummaryCommentClaims } from "../queue/summary-comment-claims.js";
import type { PullFinding } from "../review/pull-findings.js";
import { renderSummaryComment } from "../review/render-summary-comment.js";
import type { ReviewSettings } from "../review/review-settings.js";
import { parseSummaryData, updateSummaryData, type SummaryReview, type WalkthroughEntry } from "../review/summary-data.js";
import type { ReviewOutcome } from "./review-outcome.js";
import { summariseForCheck } from "./summarise-for-check.js";
import { writeSummaryComment, type KnownSummaryComment } from "./write-summary-comment.js";

export interface PullStateServices {
  github: GithubClient;
  appSlug: string;
  log: Logger;
  /** Where each PR's summary comment is, across workers; none: found by the job's read alone. */
  summaryClaims?: SummaryCommentClaims;
  /** Each finding's last seen state, so the findings metric counts transitions once; none: not counted. */
  findingLedger?: FindingStateLedger;
}

/** The PR's files with their changed lines, for the summary's walkthrough. */
export function fileStatsOf(diff: string | FileDiff[]): { path: string; additions: number; deletions: number }[] {
  return (typeof diff === "string" ? parseUnifiedDiff(diff) : diff).map((file) => ({ path: file.path, additions: file.additions, deletions: file.deletions }));
}

/** What the job knows about the PR at the head, for the summary comment. */
export interface PullStateInput {
  ref: PullRequestRef;
  headSha: string;
  settings: Pick<ReviewSettings, "checkFailOn" | "summaryComment">;
  /** The summary comment as the job's first read found it. */
  summaryComment: KnownSummaryComment | null;
  /** The body of the app's review that holds the summary's history while the PR has no summary comment (review-context.ts). */
  summaryInReview?: string | null;
  /** The PR's findings at the head (our review threads and what this job posted: read-pull-findings.ts). */
  findings: PullFinding[];
  /** The review this job posted or found posted. */
  review?: SummaryReview;
  walkthrough?: readonly WalkthroughEntry[];
  /** Every file of the PR with its changed lines; null when the job did not read the diff (then the summary is left as it is). */
  files: readonly { path: string; additions: number; deletions: number }[] | null;
}

/**
 * After a review is posted (or found posted, or a push brought nothing new): reads the PR's findings,
 * updates the summary comment, records the findings' transitions, and returns the outcome with them and
 * the check run's verdict on the whole PR. A failure to read the findings or write the summary does not
 * fail the job (the review is posted): the check then falls back to the review's own verdict.
 */
export type JudgedOutcome = Extract<ReviewOutcome, { status: "posted" | "already-posted" | "nothing-new" }>;

export async function publishPullState(outcome: JudgedOutcome, input: PullStateInput, services: PullStateServices): Promise<{ outcome: JudgedOutcome; check: [CheckConclusion, CheckOutput] }> {
  const { github, log, appSlug } = services;
  const { ref, headSha } = input;
  const { findings } = input;

  if (input.settings.summaryComment && input.files) {
    const files = input.files;
    const render = (currentBody: string | null) => {
      const data = updateSummaryData(parseSummaryData(currentBody ?? input.summaryInReview), {
        ...(input.review ? { review: input.review } : {}),
        walkthrough: input.walkthrough ?? [],
        pullFiles: files.map((file) => file.path),
      });
      return renderSummaryComment({ data, findings, files, headSha });
    };
    try {
      const written = await writeSummaryComment(github, ref, input.summaryComment, render, services.summaryClaims, log);
      log.info({ summaryComment: written }, "Summary comment updated");
    } catch (error) {
      log.warn({ err: error }, "Could not update the summary comment; the next review does");
    }
  }

  let findingTransitions: Record<string, number> = {};
  try {
    findingTransitions = (await services.findingLedger?.record(ref, findings)) ?? {};
  } catch (error) {
    log.warn({ err: error }, "Could not record the findings' states; the findings metric misses this job's");
  }
  const judged = { ...outcome, findingTransitions };
  return { outcome: judged, check: summariseForCheck(judged, { findings, failOn: input.settings.checkFailOn }) };
}
