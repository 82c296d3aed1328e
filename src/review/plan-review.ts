import { buildAnchorMap, type AnchorMap } from "../diff/anchor-map.js";
import { selectReviewableFiles, type SkipReason } from "../diff/file-filter.js";
import { parseUnifiedDiff } from "../diff/parse-unified-diff.js";
import type { FileDiff } from "../diff/types.js";
import { chunkDiff } from "./chunk-diff.js";
import { prioritiseFiles } from "./prioritise-files.js";
import type { ReviewSettings } from "./review-settings.js";
import type { Chunk, SkippedFile } from "./types.js";

export type { SkippedFile };

export interface ReviewPlan {
  /** The reviewable files, most important first (see prioritiseFiles); the anchor map covers them all. */
  files: FileDiff[];
  chunks: Chunk[];
  /** Files not (fully) reviewed: no patch from GitHub first, then what a cap cut, then what the filter skipped. */
  skipped: SkippedFile[];
  /** Reviewable files a cap cut (wholly or after their beginning): the next incremental review carries them. */
  uncovered: string[];
  anchors: AnchorMap;
}

type PlanSettings = Pick<ReviewSettings, "chunkTokens" | "maxFiles" | "maxChunks" | "maxInputTokens" | "exclude"> &
  Partial<Pick<ReviewSettings, "include">>;

export interface PlanReviewOptions {
  /** Files known unreviewable before parsing (e.g. GitHub sent no patch); listed first. Default: none. */
  extraSkipped?: SkippedFile[];
  /**
   * The whole PR's diff when `diff` covers only part of it (an increment): comments are anchored against it,
   * since GitHub checks them against the PR's diff. Default: `diff`.
   */
  anchorDiffText?: string;
}

const FILTER_REASON: Record<SkipReason, string> = {
  binary: "binary file",
  deleted: "deleted file",
  excluded: "matches an exclude glob",
  generated: "generated file",
  "rename-only": "renamed without changes",
  "no-changes": "no changed lines",
};

/**
 * Parse (unless given parsed files), filter, prioritise, cap and chunk a PR's diff: everything between fetching the diff and
 * calling the model. Caps cut in priority order (source > tests > docs/config, larger changes first),
 * so what they leave out is the least important part of the PR. Pure.
 */
export function planReview(diff: string | FileDiff[], settings: PlanSettings, options: PlanReviewOptions = {}): ReviewPlan {
  const { extraSkipped = [], anchorDiffText } = options;
  const parsed = typeof diff === "string" ? parseUnifiedDiff(diff) : diff;
  const { reviewable, skipped: filtered } = selectReviewableFiles(parsed, { exclude: settings.exclude, include: settings.include ?? [] });
  const ordered = prioritiseFiles(reviewable);
  const capped: SkippedFile[] = [];

  const files = ordered.slice(0, settings.maxFiles);
  for (const file of ordered.slice(settings.maxFiles)) {
    capped.push({ path: file.path, reason: `over the per-PR cap of ${settings.maxFiles} files` });
  }

  const tokenChunks = Math.floor(settings.maxInputTokens / settings.chunkTokens);
  const maxChunks = Math.max(1, Math.min(settings.maxChunks, tokenChunks));
  const cap =
    tokenChunks < settings.maxChunks
      ? `the per-PR cap of ${settings.maxInputTokens.toLocaleString("en-US")} input tokens`
      : `the per-PR cap of ${settings.maxChunks} chunk${settings.maxChunks === 1 ? "" : "s"}`;
  const { chunks, skipped: overBudget, partial } = chunkDiff(files, { budgetTokens: settings.chunkTokens, maxChunks });
  for (const path of partial) capped.push({ path, reason: `only its beginning was reviewed: over ${cap}` });
  for (const path of overBudget) capped.push({ path, reason: `over ${cap}` });

  const skipped = [...extraSkipped, ...capped, ...filtered.map(({ path, reason }) => ({ path, reason: FILTER_REASON[reason] }))];
  const anchors = buildAnchorMap(anchorDiffText === undefined ? files : parseUnifiedDiff(anchorDiffText));
  return { files, chunks, skipped, uncovered: [...new Set(capped.map(({ path }) => path))], anchors };
}
