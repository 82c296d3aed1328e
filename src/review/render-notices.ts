import { createHash } from "node:crypto";
import type { RepoConfig } from "../config/repo-config.js";
import { renderCodeSpan } from "./neutralise-model-text.js";
import { renderInline } from "./render-review.js";

export const NO_ACCESS_REPLY =
  "only people with write access to this repository can ask codex-review for that, so the request was not run.";

/** Hidden marker of a config-error notice: the same problems in the same file are reported once per PR. */
export function configNoticeMarker(source: string, errors: string[]): string {
  const hash = createHash("sha256").update([source, ...errors].join("\n")).digest("hex").slice(0, 16);
  return `<!-- codex-review:config-error=${hash} -->`;
}

export function renderConfigNotice(source: string, errors: string[]): string {
  return [
    `**codex-review**: ${renderCodeSpan(source)} has problems, so this pull request is reviewed with the default settings.`,
    "",
    ...errors.map((error) => `- ${renderInline(error)}`),
    "",
    "Fix the file and push; `/codex help` shows the settings in use.",
    configNoticeMarker(source, errors),
  ].join("\n");
}

const COMMANDS: Array<[string, string]> = [
  ["/codex review", "Review what changed since the last review (the whole PR if there was none)."],
  ["/codex review full", "Review the whole pull request again."],
  ["/codex pause", "Stop automatic reviews on this pull request."],
  ["/codex resume", "Resume automatic reviews on this pull request."],
  ["/codex help", "Show this help and the active configuration."],
];

/** The help reply: commands and the configuration in force for this repository. Pure. */
export function renderHelp(appSlug: string, config: RepoConfig, source: string | null, paused: boolean, unknownCommand: string | null): string {
  const lines: string[] = [];
  if (unknownCommand) lines.push(`Unknown command ${renderCodeSpan(unknownCommand)}. These are the commands:`, "");
  lines.push("| Command | What it does |", "| --- | --- |");
  for (const [command, what] of COMMANDS) lines.push(`| \`${command}\` | ${what} |`);
  lines.push("", `\`@${appSlug} <command>\` works too. Reviews and pause/resume need write access to the repository.`, "");
  lines.push(`**Configuration** (${source ? `from ${renderCodeSpan(source)}` : "defaults; add `.github/codex-review.yml` to change them"}):`, "");
  lines.push("```json", ...renderConfigJson(config), "```");
  lines.push("", `Automatic reviews on this pull request: **${paused ? "paused" : "on"}**.`);
  return lines.join("\n");
}

function renderConfigJson(config: RepoConfig): string[] {
  return JSON.stringify(config, null, 2)
    .split("\n")
    .map((line) => line.replace(/`/g, "'"));
}
