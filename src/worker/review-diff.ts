import pLimit from "p-limit";
import picomatch from "picomatch";
import type { Logger } from "pino";
import type { ChunkReviewer } from "../llm/chunk-reviewer.js";
import { assembleReview, type AssembledReview, type ChunkResult } from "../review/assemble-review.js";
import { buildReviewPrompt } from "../review/build-review-prompt.js";
import { planReview, type ReviewPlan, type SkippedFile } from "../review/plan-review.js";
import type { ReviewSettings } from "../review/review-settings.js";
import type { Chunk, PullRequestContext } from "../review/types.js";

export interface ReviewDiffInput {
  diff: string;
  pullRequest: PullRequestContext;
  headSha: string;
  /** Hash of the job key, carried in the review's hidden marker. */
  jobHash: string;
  /** Files known unreviewable before parsing (e.g. GitHub sent no patch). */
  unreviewable?: SkippedFile[];
  /** The whole PR's diff when `diff` covers only new commits: comments are anchored against it. */
  anchorDiff?: string;
  /** Fingerprints of findings already posted on this PR; not posted again. */
  postedFingerprints?: ReadonlySet<string>;
  /** Called once the plan has chunks, right before the first model call (the worker charges the budget here). */
  beforeModelCalls?: (plan: ReviewPlan) => Promise<void>;
  /** Called as chunks finish (CLI progress). */
  onChunkDone?: (done: number, total: number) => void;
}

export interface ReviewDiffResult {
  plan: ReviewPlan;
  review: AssembledReview;
  failedChunks: number;
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
  const plan = planReview(input.diff, settings, {
    extraSkipped: input.unreviewable ?? [],
    ...(input.anchorDiff === undefined ? {} : { anchorDiffText: input.anchorDiff }),
  });
  log.info({ files: plan.files.length, chunks: plan.chunks.length, skipped: plan.skipped.length }, "Review planned");
  if (plan.chunks.length > 0) await input.beforeModelCalls?.(plan);

  const limit = pLimit(settings.chunkConcurrency);
  let done = 0;
  const results: ChunkResult[] = await Promise.all(
    plan.chunks.map((chunk) =>
      limit(async (): Promise<ChunkResult> => {
        const prompt = buildReviewPrompt(chunk, input.pullRequest, {
          extraInstructions: instructionsFor(chunk, settings),
          language: settings.language,
        });
        try {
          const reviewed = await reviewer.reviewChunk(prompt, { chunkIndex: chunk.index, reasoningEffort: settings.reasoningEffort });
          return { chunk, ok: true, ...reviewed };
        } catch (error) {
          if (reviewer.isFatal(error)) {
            // A bad key fails every call the same way: the queued chunks are not sent at all.
            limit.clearQueue();
            throw error;
          }
          log.warn({ chunk: chunk.index, err: error }, "Chunk review failed; posting the rest");
          return { chunk, ok: false, error: (error as Error).message };
        } finally {
          input.onChunkDone?.(++done, plan.chunks.length);
        }
      }),
    ),
  );
  const failedChunks = results.filter((result) => !result.ok).length;
  if (plan.chunks.length > 0 && failedChunks === plan.chunks.length) {
    const first = results.find((result) => !result.ok);
    throw new Error(`Every chunk of the review failed; first error: ${first && !first.ok ? first.error : "unknown"}`);
  }
  const review = assembleReview({
    results,
    plan,
    headSha: input.headSha,
    jobHash: input.jobHash,
    model: settings.model,
    severityThreshold: settings.severityThreshold,
    maxComments: settings.maxComments,
    ...(input.postedFingerprints ? { postedFingerprints: input.postedFingerprints } : {}),
  });
  return { plan, review, failedChunks };
}

/** The repository's instructions plus those of `path_instructions` whose glob matches a file of the chunk. */
function instructionsFor(chunk: Chunk, settings: ReviewSettings): string {
  const parts = settings.instructions ? [settings.instructions] : [];
  for (const rule of settings.pathInstructions) {
    const matches = picomatch(rule.path, { dot: true });
    const paths = chunk.files.map((file) => file.path).filter((path) => matches(path));
    if (paths.length > 0) parts.push(`For ${paths.join(", ")}: ${rule.instructions}`);
  }
  return parts.join("\n\n");
}
