import { UnrecoverableError } from "bullmq";
import pLimit from "p-limit";
import type { Logger } from "pino";
import type { ChunkReviewer } from "../llm/chunk-reviewer.js";
import { assembleReview, sumUsage, type AssembledReview, type ChunkResult } from "../review/assemble-review.js";
import { buildReviewPrompt } from "../review/build-review-prompt.js";
import { planReview, type ReviewPlan, type SkippedFile } from "../review/plan-review.js";
import { repositoryGuidanceFor } from "../review/repository-guidance.js";
import type { FileDiff } from "../diff/types.js";
import type { RepositoryReader } from "../repository/repository-reader.js";
import type { ReviewSettings } from "../review/review-settings.js";
import type { PullRequestContext, TokenUsage } from "../review/types.js";
import { readScopeTexts } from "./read-scope-texts.js";
import type { ToolUse } from "../review/tool-use.js";
import { prepareReviewTools } from "./prepare-review-tools.js";
import { reviewChunkOrHalves, type ReviewPiece } from "./review-chunk-or-halves.js";
import { checkOutOfDiff } from "./verify-out-of-diff.js";

export interface ReviewDiffInput {
  /** The diff to review: text, or files already parsed (an increment selected from the PR diff). */
  diff: string | FileDiff[];
  pullRequest: PullRequestContext;
  headSha: string;
  /** Hash of the job key, carried in the review's hidden marker. */
  jobHash: string;
  /** Files known unreviewable before parsing (e.g. GitHub sent no patch). */
  unreviewable?: SkippedFile[];
  /** The whole PR's diff when `diff` covers only new commits: comments are anchored against it. */
  anchorDiff?: string;
  /** The repository at the head (and base), for scope widening and the model's tools; none = the diff alone. */
  repository?: RepositoryReader;
  /** Why the repository could not be read (named in the review summary); set when `repository` is absent for a failure. */
  repositoryUnavailable?: string;
  /** Web host of the GitHub the app talks to, for permalinks in the body (GHES: its own host). Default https://github.com. */
  githubWebUrl?: string;
  /** Fingerprints of findings already posted on this PR; not posted again. */
  postedFingerprints?: ReadonlySet<string>;
  /** Model usage of the job outside the chunks (the fix check), counted in the review's cost. */
  extraUsage?: TokenUsage;
  /** Called once the plan has chunks, right before the first model call (the worker charges the budget here). */
  beforeModelCalls?: (plan: ReviewPlan) => Promise<void>;
  /** Called as chunks finish (CLI progress). */
  onChunkDone?: (done: number, total: number) => void;
}

export interface ReviewDiffResult {
  plan: ReviewPlan;
  review: AssembledReview;
  failedChunks: number;
  /** What the model's tools did and cost (agentic mode); null when no tools were offered. */
  toolUse: ToolUse | null;
}

/**
 * The review itself, with no GitHub in it: plan the diff, review the chunks concurrently (bounded),
 * assemble one review. The worker and the CLI both run it; only the model call is I/O, and it is injected.
 */
export async function reviewDiff(
  input: ReviewDiffInput,
  deps: { reviewer: ChunkReviewer; settings: ReviewSettings; log: Logger },
): Promise<ReviewDiffResult> {
  const { settings, reviewer, log } = deps;
  const scope = await readScopeTexts(input.diff, input.repository, settings, log);
  const plan = planReview(scope?.files ?? input.diff, settings, {
    extraSkipped: input.unreviewable ?? [],
    ...(input.anchorDiff === undefined ? {} : { anchorDiffText: input.anchorDiff }),
    ...(scope ? { scope: { texts: scope.texts, maxLines: settings.context.scopeLines } } : {}),
  });
  log.info({ files: plan.files.length, chunks: plan.chunks.length, skipped: plan.skipped.length }, "Review planned");
  if (plan.chunks.length > 0) await input.beforeModelCalls?.(plan);

  const tools = prepareReviewTools(input.repository, input.repositoryUnavailable, settings, plan);
  const limit = pLimit(settings.chunkConcurrency);
  let done = 0;
  const reviewPiece: ReviewPiece = (chunk, usage, maxOutputTokens) => {
    const prompt = buildReviewPrompt(chunk, input.pullRequest, {
      extraInstructions: repositoryGuidanceFor(chunk.files.map((file) => file.path), settings),
      language: settings.language,
      readsRepository: scope !== null || tools.chunk !== undefined,
    });
    return reviewer.reviewChunk(prompt, { chunkIndex: chunk.index, reasoningEffort: settings.reasoningEffort, usage, ...(maxOutputTokens ? { maxOutputTokens } : {}), ...(tools.chunk ? { tools: tools.chunk } : {}) });
  };
  const perChunk = await Promise.all(
    plan.chunks.map((chunk) =>
      limit(async () => {
        try {
          return await reviewChunkOrHalves(chunk, reviewPiece, (error) => reviewer.isFatal(error), log);
        } catch (error) {
          // A bad key fails every call the same way: the queued chunks are not sent at all.
          limit.clearQueue();
          throw error;
        } finally {
          input.onChunkDone?.(++done, plan.chunks.length);
        }
      }),
    ),
  );
  const results = perChunk.flat();
  const failed = results.filter((result) => !result.ok);
  if (results.length > 0 && failed.length === results.length) throw everyChunkFailed(failed);
  const { owner, repo } = input.pullRequest;
  const outOfDiff =
    (scope || tools.chunk) && input.repository
      ? await checkOutOfDiff(results, plan.anchors, input.repository, scope?.texts ?? new Map<string, string>(), { webUrl: input.githubWebUrl ?? "https://github.com", owner, repo, headSha: input.headSha }, log)
      : undefined;
  const report = tools.report();
  const review = assembleReview({
    results,
    plan,
    headSha: input.headSha,
    jobHash: input.jobHash,
    model: settings.model,
    severityThreshold: settings.severityThreshold,
    maxComments: settings.maxComments,
    ...(input.postedFingerprints ? { postedFingerprints: input.postedFingerprints } : {}),
    ...(outOfDiff ? { outOfDiff } : {}),
    ...(report ? { repositoryContext: report } : {}),
    ...(input.extraUsage ? { extraUsage: input.extraUsage } : {}),
  });
  return { plan, review, failedChunks: failed.length, toolUse: report?.toolUse ?? null };
}

/**
 * Nothing to post. The error states what the failed calls cost; when every failure was a cut-off
 * output, retrying the job would send the same calls again, so it is not retried.
 */
function everyChunkFailed(failed: ChunkResult[]): Error {
  const usage = sumUsage(failed);
  const first = failed[0];
  const message =
    `Every chunk of the review failed (model usage ${usage.inputTokens} tokens in / ${usage.outputTokens} out, $${usage.usdSpent.toFixed(4)}); ` +
    `first error: ${first && !first.ok ? first.error : "unknown"}`;
  return failed.every((result) => !result.ok && !result.retryable) ? new UnrecoverableError(message) : new Error(message);
}

