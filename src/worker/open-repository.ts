import type { Logger } from "pino";
import type { GithubClient } from "../github/github-client.js";
import type { RepositoryOpener, RepositoryReader, RepositoryTarget } from "../repository/repository-reader.js";
import type { ContextMode } from "../review/review-settings.js";

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
): Promise<{ reader: RepositoryReader | null; unavailable: string | null }> {
  if (mode === "diff" || !opener) return { reader: null, unavailable: null };
  try {
    return { reader: await opener.open(github, target), unavailable: null };
  } catch (error) {
    log.warn({ err: error, headSha: target.headSha }, "Could not open the repository at the head; reviewing the diff alone");
    return { reader: null, unavailable: `the repository could not be read at ${target.headSha.slice(0, 7)} (${(error as Error).message})` };
  }
}
