import { renderCodeSpan } from "./neutralise-model-text.js";
import { renderInline } from "./render-review.js";
import { countToolCalls, type ToolUse } from "./tool-use.js";

/** Files named at most in the review body; the rest are counted. */
const MAX_FILES_NAMED = 15;

/** What the review read beyond the diff, for the review body and the check run. */
export interface RepositoryContextReport {
  /** The conversations' tool use; null when no tools were offered. */
  toolUse: ToolUse | null;
  /** Why the review saw less than its mode promises (repository unreadable, search unavailable, tools refused). */
  notes: string[];
}

/** "read_file 3, search_code 2 (1 over budget)": calls per tool, with what did not return content. Pure. */
export function describeToolCalls(use: ToolUse): string {
  return Object.entries(use.calls)
    .map(([tool, byOutcome]) => {
      const total = Object.values(byOutcome).reduce((a, b) => a + (b ?? 0), 0);
      const failed = Object.entries(byOutcome)
        .filter(([outcome, count]) => outcome !== "ok" && count)
        .map(([outcome, count]) => `${count} ${outcome.replace(/_/g, " ")}`);
      return `${tool} ${total}${failed.length > 0 ? ` (${failed.join(", ")})` : ""}`;
    })
    .join(", ");
}

/** The accounting in a few lines (the check run's summary): tool calls, files read, tokens. Pure. */
export function summariseToolUse(use: ToolUse): string {
  const calls = countToolCalls(use);
  const refused = use.refusedChunks > 0 ? `\nThe model endpoint did not accept tools: ${use.refusedChunks} chunk(s) reviewed from the diff alone.` : "";
  if (calls === 0) return `Tool calls: none; the model read nothing beyond the diff.${refused}`;
  return (
    `Tool calls: ${calls} (${describeToolCalls(use)}), costing ${use.outputTokens} tokens of tool output and ${use.followUpInputTokens} input tokens of follow-up calls.\n` +
    `Files read (${use.filesRead.length}): ${renderFileList(use.filesRead) || "none"}.${refused}`
  );
}

function renderFileList(paths: readonly string[]): string {
  const more = paths.length > MAX_FILES_NAMED ? `, …and ${paths.length - MAX_FILES_NAMED} more` : "";
  return paths.slice(0, MAX_FILES_NAMED).map(renderCodeSpan).join(", ") + more;
}

/** The review body's "Repository context" section; empty when there is nothing to say. Pure. */
export function renderRepositoryContext(report: RepositoryContextReport): string {
  const lines: string[] = [];
  const use = report.toolUse;
  if (use && countToolCalls(use) > 0) {
    lines.push(
      `- The model made ${countToolCalls(use)} tool call(s): ${describeToolCalls(use)}.`,
      use.filesRead.length > 0 ? `- Files it read: ${renderFileList(use.filesRead)}.` : "- It read no file.",
      `- Cost: ${use.outputTokens.toLocaleString("en-US")} tokens of tool output; the follow-up model calls took ${use.followUpInputTokens.toLocaleString("en-US")} input tokens (included in the total below).`,
    );
  } else if (use) {
    lines.push("- The model read nothing beyond the diff.");
  }
  for (const note of report.notes) lines.push(`- ${renderInline(note)}`);
  return lines.length > 0 ? ["#### Repository context", ...lines].join("\n") : "";
}
