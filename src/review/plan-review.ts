import { buildAnchorMap, type AnchorMap } from "../diff/anchor-map.js";
import { selectReviewableFiles, type SkipReason } from "../diff/file-filter.js";
import { parseUnifiedDiff } from "../diff/parse-unified-diff.js";
import type { FileDiff } from "../diff/types.js";
import { chunkDiff, type ChunkDiffOptions } from "./chunk-diff.js";
import { prioritiseFiles } from "./prioritise-files.js";
import { widenHunks } from "./widen-hunks.js";
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
  /**
   * Widen each hunk to its enclosing scope (context mode `scope`/`agentic`): the text at the head of the
   * files that were read, by path, and the most lines a hunk is widened by (REVIEW_CONTEXT_LINES).
   * Files without a text are not widened. Default: no widening (context mode `diff`).
   */
  scope?: { texts: ReadonlyMap<string, string>; maxLines: number };
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
  const { files, overMaxFiles, filtered } = pickReviewableFiles(diff, settings);
  const capped: SkippedFile[] = overMaxFiles.map((file) => ({ path: file.path, reason: `over the per-PR cap of ${settings.maxFiles} files` }));

  const tokenChunks = Math.floor(settings.maxInputTokens / settings.chunkTokens);
  const maxChunks = Math.max(1, Math.min(settings.maxChunks, tokenChunks));
  const cap =
    tokenChunks < settings.maxChunks
      ? `the per-PR cap of ${settings.maxInputTokens.toLocaleString("en-US")} input tokens`
      : `the per-PR cap of ${settings.maxChunks} chunk${settings.maxChunks === 1 ? "" : "s"}`;
  const { chunks, skipped: overBudget, partial } = chunkFiles(files, { budgetTokens: settings.chunkTokens, maxChunks }, options.scope);
  for (const path of partial) capped.push({ path, reason: `only its beginning was reviewed: over ${cap}` });
  for (const path of overBudget) capped.push({ path, reason: `over ${cap}` });

  const skipped = [...extraSkipped, ...capped, ...filtered.map(({ path, reason }) => ({ path, reason: FILTER_REASON[reason] }))];
  // Built from the diff's own hunks: scope lines are never anchors.
  const anchors = buildAnchorMap(anchorDiffText === undefined ? files : parseUnifiedDiff(anchorDiffText));
  return { files, chunks, skipped, uncovered: [...new Set(capped.map(({ path }) => path))], anchors };
}

/**
 * The files a review reads, most important first, up to `maxFiles`: what the worker reads from the
 * repository to widen, before planning. Parses `diff` unless given parsed files. Pure.
 */
export function pickReviewableFiles(
  diff: string | FileDiff[],
  settings: Pick<PlanSettings, "maxFiles" | "exclude" | "include">,
): { files: FileDiff[]; overMaxFiles: FileDiff[]; filtered: ReturnType<typeof selectReviewableFiles>["skipped"] } {
  const parsed = typeof diff === "string" ? parseUnifiedDiff(diff) : diff;
  const { reviewable, skipped } = selectReviewableFiles(parsed, { exclude: settings.exclude, include: settings.include ?? [] });
  const ordered = prioritiseFiles(reviewable);
  return { files: ordered.slice(0, settings.maxFiles), overMaxFiles: ordered.slice(settings.maxFiles), filtered: skipped };
}

/**
 * Chunks the files, widened when texts are given. Widening is context, not coverage: when the wider
 * hunks would leave files out of the review (over `maxChunks`) that the bare diff keeps in, the bare
 * diff is reviewed.
 */
function chunkFiles(files: FileDiff[], options: ChunkDiffOptions, scope: PlanReviewOptions["scope"]) {
  if (!scope || scope.maxLines <= 0 || scope.texts.size === 0) return chunkDiff(files, options);
  const widened = files.map((file) => {
    const text = scope.texts.get(file.path);
    return text === undefined ? file : { ...file, hunks: widenHunks(file, text, scope.maxLines) };
  });
  const result = chunkDiff(widened, options);
  if (result.skipped.length === 0 && result.partial.length === 0) return result;
  const bare = chunkDiff(files, options);
  return bare.skipped.length + bare.partial.length < result.skipped.length + result.partial.length ? bare : result;
}
