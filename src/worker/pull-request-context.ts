import type { Logger } from "pino";
import { effectiveSettings } from "../config/effective-settings.js";
import { DEFAULT_REPO_CONFIG, parseRepoConfigText, type RepoConfig } from "../config/repo-config.js";
import { extractReviewSection } from "../config/review-guidelines.js";
import { commentOnPullRequest } from "../github/conversation.js";
import type { GithubClient, PullRequestRef } from "../github/github-client.js";
import { pullHasCommentWith } from "../github/issue-comments.js";
import { appBotLogin } from "../github/own-review-author.js";
import type { ConfigFiles } from "../github/review-context.js";
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
export async function resolveRepoSettings(
  github: GithubClient,
  ref: PullRequestRef,
  files: ConfigFiles,
  base: ReviewSettings,
  log: Logger,
  /** The App's slug: only its own earlier notice counts as already posted. */
  appSlug: string,
): Promise<RepoSettings> {
  const source = files.config?.source ?? null;
  const { config, errors } = files.config ? parseRepoConfigText(files.config.text) : { config: DEFAULT_REPO_CONFIG, errors: [] };
  if (errors.length > 0 && source) {
    log.warn({ source, errors }, "Invalid repository config; using defaults");
    if (!(await pullHasCommentWith(github, ref, configNoticeMarker(source, errors), appBotLogin(appSlug)))) {
      await commentOnPullRequest(github, ref, renderConfigNotice(source, errors));
    }
  }
  const guidelines = files.agents ? extractReviewSection(files.agents) : null;
  return { config, source, settings: effectiveSettings(base, config, guidelines) };
}
