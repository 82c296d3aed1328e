import { effectiveSettings } from "../config/effective-settings.js";
import { commentOnPullRequest } from "../github/conversation.js";
import { pullHasCommentWith } from "../github/issue-comments.js";
import { loadRepoConfig, loadReviewGuidelines } from "../github/load-repo-config.js";
import { configNoticeMarker, renderConfigNotice } from "../review/render-notices.js";
/**
 * The repository's config (reported once per PR when it is bad, then replaced by the defaults) and the
 * review settings it yields, AGENTS.md review guidelines included.
 */
export async function loadRepoSettings(github, ref, base, log) {
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
