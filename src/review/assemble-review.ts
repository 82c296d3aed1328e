import type { AnchorMap } from "../diff/anchor-map.js";
import { anchorFindings, type AnchoredFinding } from "./anchor-findings.js";
import { fingerprintFinding } from "./finding-fingerprint.js";
import { renderFindingMarker } from "./finding-marker.js";
import { mergeChunkReviews } from "./merge-chunk-reviews.js";
import type { OutOfDiffLines } from "./out-of-diff.js";
import type { ReviewPlan } from "./plan-review.js";
import { renderReviewBody } from "./render-review.js";
import { renderRepositoryContext, type RepositoryContextReport } from "./render-tool-use.js";
import { hashPath, renderReviewMarker } from "./review-marker.js";
import { verdictOf } from "./review-verdict.js";
import type { WalkthroughEntry } from "./summary-data.js";
import type { Chunk, ChunkReview, FailedChunk, Finding, ReviewComment, Severity, TokenUsage } from "./types.js";

/** `usage`: every call the chunk was billed for, failed and cut-off ones included. */
export type ChunkResult =
  | { chunk: Chunk; ok: true; review: ChunkReview; usage: TokenUsage }
  /** `retryable`: whether a later attempt of the job may succeed where this one failed. */
  | { chunk: Chunk; ok: false; error: string; usage: TokenUsage; retryable: boolean };

export interface AssembledReview {
  body: string;
  comments: ReviewComment[];
  /** The same review with every finding in the body, for when GitHub still refuses a line. */
  fallbackBody: string;
  /** Findings placed in the body: outside the diff, or over the inline-comment limit. */
  bodyOnlyFindings: number;
  /** Findings left out because an earlier review of this PR already posted them. */
  repeatedFindings: number;
  fingerprints: string[];
  /** The findings posted, inline (each comment ends with its finding marker) and in the body. */
  posted: PostedFinding[];
  /** Findings posted (inline and in the body) by severity. */
  severityCounts: Record<Severity, number>;
  usage: TokenUsage;
  /** What each reviewed chunk's summary says about its files, for the PR's summary comment. */
  walkthrough: WalkthroughEntry[];
}

export interface AssembleOptions {
  results: ChunkResult[];
  plan: ReviewPlan;
  headSha: string;
  jobHash: string;
  model: string;
  severityThreshold: Severity;
  maxComments: number;
  /** Fingerprints of findings the app already posted on this PR. */
  postedFingerprints?: ReadonlySet<string>;
  /** Lines outside the diff that exist at the head: findings on them are listed in the body with a permalink. Default: none. */
  outOfDiff?: OutOfDiffLines;
  /** What the model read beyond the diff, and why it saw less than its mode promises. */
  repositoryContext?: RepositoryContextReport;
  /** Model usage of the same job outside the chunks (the fix check), counted in the review's cost. */
  extraUsage?: TokenUsage;
}

/** A finding this review posts, with its identity; `inline`: a line comment (a review thread), else in the body. */
export interface PostedFinding {
  fingerprint: string;
  severity: Severity;
  title: string;
  path: string;
  line: number;
  inline: boolean;
}

const SEVERITY_RANK: Record<Severity, number> = { P0: 0, P1: 1, P2: 2, P3: 3 };

/** Turns the chunks' results into the one review to post: anchored comments plus a body. Pure. */
export function assembleReview(options: AssembleOptions): AssembledReview {
  const { results, plan, headSha } = options;
  const usage = sumUsage(results);
  if (options.extraUsage) {
    usage.inputTokens += options.extraUsage.inputTokens;
    usage.outputTokens += options.extraUsage.outputTokens;
    usage.usdSpent += options.extraUsage.usdSpent;
  }
  const failedChunks: FailedChunk[] = results.flatMap((result) =>
    result.ok ? [] : [{ paths: result.chunk.files.map((file) => file.path), reason: result.error }],
  );
  const { summaries, findings } = mergeChunkReviews(results.flatMap((result) => (result.ok ? [result.review] : [])));
  const wanted = findings.filter((finding) => SEVERITY_RANK[finding.severity] <= SEVERITY_RANK[options.severityThreshold]);
  const anchored = anchorFindings(wanted, plan.anchors, options.outOfDiff ? { outOfDiff: options.outOfDiff.verified } : {});

  // Repeats of what an earlier review posted are dropped, wherever they would have gone.
  const posted = options.postedFingerprints ?? new Set<string>();
  const fingerprintOf = (finding: Finding) => fingerprintFinding(finding, lineTextOf(plan.anchors, finding));
  const fresh = anchored.comments.filter((entry) => !posted.has(fingerprintOf(placedFinding(entry))));
  const freshUnanchored = anchored.unanchored.filter((finding) => !posted.has(fingerprintOf(finding)));
  const repeatedFindings = anchored.comments.length - fresh.length + anchored.unanchored.length - freshUnanchored.length;

  // The most severe findings get the inline slots; the rest are listed in the body.
  const ranked = [...fresh].sort((a, b) => SEVERITY_RANK[a.finding.severity] - SEVERITY_RANK[b.finding.severity]);
  const inline = ranked.slice(0, options.maxComments);
  const overflow = ranked.slice(options.maxComments).map(placedFinding);
  const unanchored = [...freshUnanchored, ...overflow];
  const inlineFingerprints = inline.map((entry) => fingerprintOf(placedFinding(entry)));
  const fingerprints = [...inlineFingerprints, ...unanchored.map(fingerprintOf)];
  const postedNow: PostedFinding[] = [
    ...inline.map((entry, i) => ({ ...identityOf(placedFinding(entry)), fingerprint: inlineFingerprints[i]!, inline: true })),
    ...unanchored.map((finding) => ({ ...identityOf(finding), fingerprint: fingerprintOf(finding), inline: false })),
  ];
  const severityCounts = countSeverities([...inline.map((entry) => entry.finding), ...unanchored]);

  const common = {
    summaries,
    skippedFiles: plan.skipped,
    failedChunks,
    usage,
    headSha,
    model: options.model,
    ...(options.outOfDiff ? { outOfDiff: options.outOfDiff } : {}),
    repositoryContext: options.repositoryContext ? renderRepositoryContext(options.repositoryContext) : "",
    marker: renderReviewMarker({
      headSha,
      job: options.jobHash,
      fingerprints: [...new Set(fingerprints)],
      uncovered: uncoveredHashes(plan, failedChunks),
      verdict: verdictOf(severityCounts, failedChunks.length),
    }),
  };
  return {
    body: renderReviewBody({ ...common, unanchored, commentCount: inline.length }),
    fallbackBody: renderReviewBody({ ...common, unanchored: [...inline.map(placedFinding), ...unanchored], commentCount: 0 }),
    // The marker gives each thread its identity across pushes (see finding-marker.ts).
    comments: inline.map((entry, i) => ({
      ...entry.comment,
      body: `${entry.comment.body}\n\n${renderFindingMarker({ fingerprint: inlineFingerprints[i]!, severity: entry.finding.severity, headSha })}`,
    })),
    bodyOnlyFindings: unanchored.length,
    repeatedFindings,
    fingerprints,
    posted: postedNow,
    severityCounts,
    usage,
    walkthrough: results.flatMap((result) =>
      result.ok ? [{ paths: [...new Set(result.chunk.files.map((file) => file.path))], summary: result.review.summary.trim() }] : [],
    ),
  };
}

/** What this review could not cover, for the next increment: cut by a cap first (least important last), then failed chunks. */
function uncoveredHashes(plan: ReviewPlan, failedChunks: FailedChunk[]): string[] {
  return [...new Set([...failedChunks.flatMap((chunk) => chunk.paths), ...plan.uncovered].map(hashPath))];
}

function countSeverities(findings: Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { P0: 0, P1: 0, P2: 0, P3: 0 };
  for (const finding of findings) counts[finding.severity]++;
  return counts;
}

function identityOf(finding: Finding): Omit<PostedFinding, "fingerprint" | "inline"> {
  return { severity: finding.severity, title: finding.title, path: finding.path, line: finding.line };
}

/** A finding where it was anchored, for listing in the body. */
function placedFinding({ finding, comment }: AnchoredFinding): Finding {
  return { ...finding, line: comment.line, side: comment.side };
}

function lineTextOf(anchors: AnchorMap, finding: Finding): string | null {
  return anchors.lineText(finding.path, finding.side, finding.line) ?? finding.quote;
}

/** What the model calls of `results` cost, failed chunks included: they were billed too. */
export function sumUsage(results: readonly ChunkResult[]): TokenUsage {
  const total: TokenUsage = { inputTokens: 0, outputTokens: 0, usdSpent: 0 };
  for (const result of results) {
    total.inputTokens += result.usage.inputTokens;
    total.outputTokens += result.usage.outputTokens;
    total.usdSpent += result.usage.usdSpent;
  }
  return total;
}
