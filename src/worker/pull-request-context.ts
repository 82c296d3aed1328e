import type { Logger } from "pino";
import { effectiveSettings } from "../config/effective-settings.js";
import type { RepoConfig } from "../config/repo-config.js";
import { commentOnPullRequest } from "../github/conversation.js";
import type { GithubClient, PullRequestRef } from "../github/github-client.js";
import { pullHasCommentWith } from "../github/issue-comments.js";
import { loadRepoConfig, loadReviewGuidelines } from "../github/load-repo-config.js";
import { configNoticeMarker, renderConfigNotice } from "../review/render-notices.js";
import type { ReviewSettings } from "../review/review-settings.js";

export interface RepoSettings {
  config: RepoConfig;
  source: string | null;
  settings: ReviewSettings;
}

/**
 * The repository's config (reported once per PR when it is bad, then replaced by the defaults) and the
 * review settings it yields, AGENTS.md review guidelines included.
 */
export async function loadRepoSettings(github: GithubClient, ref: PullRequestRef, base: ReviewSettings, log: Logger): Promise<RepoSettings> {
  const loaded = await loadRepoConfig(github, ref);
  if (loaded.errors.length > 0 && loaded.source) {
    log.warn({ source: loaded.source, errors: loaded.errors }, "Invalid repository config; using defaults");
    if (!(await pullHasCommentWith(github, ref, configNoticeMarker(loaded.source, loaded.errors)))) {
      await commentOnPullRequest(github, ref, renderConfigNotice(loaded.source, loaded.errors));
    }
  }
  const guidelines = loaded.config.enabled ? await loadReviewGuidelines(github, ref) : null;
  return { config: loaded.config, source: loaded.source, settings: effectiveSettings(base, loaded.config, guidelines) };
}
