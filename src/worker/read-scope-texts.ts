import type { Logger } from "pino";
import { parseUnifiedDiff } from "../diff/parse-unified-diff.js";
import type { FileDiff } from "../diff/types.js";
import type { RepositoryReader } from "../repository/repository-reader.js";
import { pickReviewableFiles } from "../review/plan-review.js";
import type { ReviewSettings } from "../review/review-settings.js";
import { readHeadTexts } from "./read-head-texts.js";

export interface ScopeTexts {
  /** The diff, parsed once for picking the files and for planning. */
  files: FileDiff[];
  /** The head's text of the files the review reads (those it could read). */
  texts: Map<string, string>;
}

/**
 * In `scope` and `agentic` modes, the text at the head of every file the plan will review, so planning
 * can widen its hunks; null in `diff` mode or without a repository (the review is today's diff review).
 */
export async function readScopeTexts(
  diff: string | FileDiff[],
  reader: RepositoryReader | undefined,
  settings: ReviewSettings,
  log: Logger,
): Promise<ScopeTexts | null> {
  if (!reader || settings.context.mode === "diff" || settings.context.scopeLines <= 0) return null;
  const files = typeof diff === "string" ? parseUnifiedDiff(diff) : diff;
  // Deleted files are not reviewed; binary ones have no lines to widen.
  const paths = pickReviewableFiles(files, settings).files.filter((file) => !file.binary && file.status !== "deleted").map((file) => file.path);
  const texts = await readHeadTexts(reader, paths, log);
  log.info({ files: paths.length, read: texts.size }, "Read the reviewed files at the head for their scope");
  return { files, texts };
}
