import { buildAnchorMap, type AnchorMap } from "../diff/anchor-map.js";
import { selectReviewableFiles } from "../diff/file-filter.js";
import { parseUnifiedDiff } from "../diff/parse-unified-diff.js";
import type { FileDiff } from "../diff/types.js";
import { chunkDiff } from "./chunk-diff.js";
import type { ReviewSettings } from "./review-settings.js";
import type { Chunk, SkippedFile } from "./types.js";

export type { SkippedFile };

export interface ReviewPlan {
  files: FileDiff[];
  chunks: Chunk[];
  skipped: SkippedFile[];
  anchors: AnchorMap;
}

type PlanSettings = Pick<ReviewSettings, "chunkTokens" | "maxFiles" | "maxChunks" | "maxInputTokens" | "exclude">;

/** Parse, filter, cap and chunk a PR's diff: everything between fetching the diff and calling the model. Pure. */
export function planReview(diffText: string, settings: PlanSettings, extraSkipped: SkippedFile[] = []): ReviewPlan {
  const parsed = parseUnifiedDiff(diffText);
  const { reviewable, skipped } = selectReviewableFiles(parsed, { exclude: settings.exclude });
  const allSkipped: SkippedFile[] = [...extraSkipped, ...skipped];

  const files = reviewable.slice(0, settings.maxFiles);
  for (const file of reviewable.slice(settings.maxFiles)) allSkipped.push({ path: file.path, reason: "over the per-PR file cap" });

  const maxChunks = Math.max(1, Math.min(settings.maxChunks, Math.floor(settings.maxInputTokens / settings.chunkTokens)));
  const { chunks, skipped: overBudget } = chunkDiff(files, { budgetTokens: settings.chunkTokens, maxChunks });
  for (const path of overBudget) allSkipped.push({ path, reason: "over the per-PR chunk or token cap" });

  return { files, chunks, skipped: allSkipped, anchors: buildAnchorMap(files) };
}
