import type { Logger } from "pino";
import type { GithubClient } from "../github/github-client.js";
import type { RepositoryOpener, RepositoryReader, RepositoryTarget } from "../repository/repository-reader.js";
import type { FileDiff } from "../diff/types.js";
import { pickReviewableFiles } from "../review/plan-review.js";
import type { ContextMode, ReviewSettings } from "../review/review-settings.js";

type OpenedRepository = { reader: RepositoryReader | null; unavailable: string | null };

/**
 * The repository for a review of `diff`: opened only when the diff has a file the review will send to
 * the model. A PR of lockfiles, binaries or generated files is skipped without a model call, so its
 * snapshot (one tarball download, hundreds of megabytes on a large repository) would serve nothing.
 */
export async function openRepositoryForReview(
  opener: RepositoryOpener | undefined,
  github: GithubClient,
  target: RepositoryTarget,
  diff: string | FileDiff[],
  settings: Pick<ReviewSettings, "context" | "maxFiles" | "exclude" | "include">,
  log: Logger,
): Promise<OpenedRepository> {
  if (settings.context.mode === "diff" || !opener) return { reader: null, unavailable: null };
  if (pickReviewableFiles(diff, settings).files.length === 0) return { reader: null, unavailable: null };
  return openRepository(opener, github, target, settings.context.mode, log);
}

/**
 * The repository at the reviewed head, for scope and tools; null in `diff` mode or without an opener.
 * A snapshot that cannot be had is never a failed review: it is reviewed from the diff alone, and says so.
 */
export async function openRepository(
  opener: RepositoryOpener | undefined,
  github: GithubClient,
  target: RepositoryTarget,
  mode: ContextMode,
  log: Logger,
): Promise<OpenedRepository> {
  if (mode === "diff" || !opener) return { reader: null, unavailable: null };
  try {
    return { reader: await opener.open(github, target), unavailable: null };
  } catch (error) {
    log.warn({ err: error, headSha: target.headSha }, "Could not open the repository at the head; reviewing the diff alone");
    return { reader: null, unavailable: `the repository could not be read at ${target.headSha.slice(0, 7)} (${(error as Error).message})` };
  }
}
