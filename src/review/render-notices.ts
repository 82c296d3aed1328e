import { createHash } from "node:crypto";
import type { RepoConfig } from "../config/repo-config.js";
import { renderCodeSpan } from "./neutralise-model-text.js";
import { renderInline } from "./render-review.js";

export const NO_ACCESS_REPLY =
  "only people with write access to this repository can ask codex-review for that, so the request was not run. " +
  "Further requests from accounts without write access may go unanswered for an hour.";

/** Hidden marker of a config-error notice: the same problems in the same file are reported once per PR. */
export function configNoticeMarker(source: string, errors: string[]): string {
  const hash = createHash("sha256").update([source, ...errors].join("\n")).digest("hex").slice(0, 16);
  return `<!-- codex-review:config-error=${hash} -->`;
}

/** Errors a config notice lists; the rest are counted. A comment over 65,536 characters is refused (422), and the job would fail on it at every retry. */
const MAX_LISTED_ERRORS = 20;

export function renderConfigNotice(source: string, errors: string[]): string {
  const unlisted = errors.length - MAX_LISTED_ERRORS;
  return [
    `**codex-review**: ${renderCodeSpan(source)} has problems, so this pull request is reviewed with the default settings.`,
    "",
    ...errors.slice(0, MAX_LISTED_ERRORS).map((error) => `- ${renderInline(error)}`),
    ...(unlisted > 0 ? [`- …and ${unlisted} more`] : []),
    "",
    "Fix the file and push; `/codex help` shows the settings in use.",
    configNoticeMarker(source, errors),
  ].join("\n");
}

/** "No new changes of this pull request since abc1234": an incremental review with nothing of the PR's own to look at. */
export function renderNothingNewTitle(since: string): string {
  return `No new changes of this pull request since ${since.slice(0, 7)}`;
}

export function renderNothingNewSummary(since: string): string {
  return [
    `The commits pushed since ${since.slice(0, 7)} do not change this pull request's own changes (an update from the base branch, for example), so no review was run.`,
    "`/codex review full` reviews the whole pull request again.",
  ].join("\n\n");
}

/** Hidden marker of the answer to one `/codex review` comment: a retried job finds it and does not answer twice. */
export function nothingNewMarker(commentId: number): string {
  return `<!-- codex-review:nothing-new-for=${commentId} -->`;
}

/** The answer to `/codex review` when nothing of the pull request changed since the last review. */
export function renderNothingNewReply(requestedBy: string | null, since: string, commentId: number): string {
  const who = requestedBy ? `@${requestedBy} ` : "";
  return [
    `${who}there are no new changes of this pull request since ${since.slice(0, 7)}, the last reviewed commit, so there is nothing new to review. \`/codex review full\` reviews the whole pull request again.`,
    nothingNewMarker(commentId),
  ].join("\n\n");
}

/** The reply to `/codex ask` without a question; it carries the answer marker, so a retried job posts it once. */
export function renderAskUsage(requestedBy: string, marker: string): string {
  return [
    `@${requestedBy} \`/codex ask\` needs a question after it, for example \`/codex ask what calls parseHeader, and does any caller pass null?\` The question may span several lines.`,
    marker,
  ].join("\n\n");
}

const COMMANDS: Array<[string, string]> = [
  ["/codex review", "Review what changed since the last review (the whole PR if there was none)."],
  ["/codex review full", "Review the whole pull request again."],
  ["/codex ask <question>", "Answer a question about this pull request in one comment (the question may span several lines)."],
  ["/codex pause", "Stop automatic reviews on this pull request."],
  ["/codex resume", "Resume automatic reviews on this pull request."],
  ["/codex resolve", "Resolve all of codex-review's open threads on this pull request; their findings are not raised again."],
  ["/codex help", "Show this help and the active configuration."],
];

/** The limits a review runs with: the env's ceilings, or the repository's lower values. */
export interface LimitsInForce {
  maxFiles: number;
  maxChunks: number;
  maxInputTokens: number;
  reasoningEffort: string | null;
}

/** The help reply: commands and the configuration in force for this repository. Pure. */
export function renderHelp(
  appSlug: string,
  config: RepoConfig,
  source: string | null,
  paused: boolean,
  unknownCommand: string | null,
  limits?: LimitsInForce,
): string {
  const lines: string[] = [];
  if (unknownCommand) lines.push(`Unknown command ${renderCodeSpan(unknownCommand)}. These are the commands:`, "");
  lines.push("| Command | What it does |", "| --- | --- |");
  for (const [command, what] of COMMANDS) lines.push(`| \`${command}\` | ${what} |`);
  lines.push(
    "",
    `\`@${appSlug} <command>\` works too. Reviews, questions, pause/resume and resolve need write access to the repository; a question costs one model call from the same budget as requested reviews.`,
    "",
  );
  lines.push(`**Configuration** (${source ? `from ${renderCodeSpan(source)}` : "defaults; add `.github/codex-review.yml` to change them"}):`, "");
  lines.push("```json", ...renderConfigJson(config), "```");
  if (limits) {
    lines.push(
      "",
      `**Limits in force** (the operator's settings are ceilings: \`caps\` and \`reasoning_effort\` can only lower them): ` +
        `max_files ${limits.maxFiles}, max_chunks ${limits.maxChunks}, max_input_tokens ${limits.maxInputTokens}, reasoning_effort ${limits.reasoningEffort ?? "the model client's default"}.`,
    );
  }
  lines.push("", `Automatic reviews on this pull request: **${paused ? "paused" : "on"}**.`);
  return lines.join("\n");
}

function renderConfigJson(config: RepoConfig): string[] {
  return JSON.stringify(config, null, 2)
    .split("\n")
    .map((line) => line.replace(/`/g, "'"));
}
