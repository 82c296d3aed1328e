import { neutraliseTags, REPOSITORY_TAG } from "../review/build-review-prompt.js";
import type { ReadFileResult, ListFilesResult, SearchCodeResult, SnapshotVersion } from "../repository/repository-reader.js";
import type { ToolOutcome } from "../review/tool-use.js";
import { MAX_READ_LINES, MAX_TOOL_LINE_CHARS } from "./repository-tools.js";

/** What one tool call sends back to the model, and how it ended. */
export interface RenderedToolOutput {
  output: string;
  outcome: ToolOutcome;
  /** The file read, for the summary's list; null when nothing was read. */
  fileRead: string | null;
}

/**
 * Repository content is untrusted like the diff: it is wrapped in its own tag and anything in it that
 * could open or close one of our tags is neutralised. Attributes are ours, but the path inside them
 * comes from the model (and so, possibly, from the PR): it is neutralised and its quotes escaped too.
 */
function delimit(attributes: Record<string, string | number>, body: string): string {
  const attrs = Object.entries(attributes)
    .map(([key, value]) => `${key}="${neutraliseTags(String(value)).replace(/["\n\r]/g, "?")}"`)
    .join(" ");
  return `<${REPOSITORY_TAG} ${attrs}>\n${neutraliseTags(body)}\n</${REPOSITORY_TAG}>`;
}

/** A message of ours to the model (an error, a refusal): no repository content, so no tag. */
export function renderToolNote(text: string, outcome: ToolOutcome): RenderedToolOutput {
  return { output: text, outcome, fileRead: null };
}

function cutLine(line: string): string {
  return line.length <= MAX_TOOL_LINE_CHARS ? line : `${line.slice(0, MAX_TOOL_LINE_CHARS)}… [line cut at ${MAX_TOOL_LINE_CHARS} characters]`;
}

export function renderReadFile(
  path: string,
  version: SnapshotVersion,
  startLine: number | null,
  endLine: number | null,
  result: ReadFileResult,
): RenderedToolOutput {
  switch (result.kind) {
    case "missing":
      return renderToolNote(`No file ${JSON.stringify(path)} at the ${version}.`, "missing");
    case "refused":
      return renderToolNote(`Refused to read ${JSON.stringify(path)}: ${result.reason}.`, "refused");
    case "binary":
      return renderToolNote(`${JSON.stringify(path)} is a binary file (${result.bytes} bytes) at the ${version}; it has no lines to show.`, "binary");
    case "text": {
      const lines = result.text.replace(/\r\n/g, "\n").split("\n");
      // A final newline ends the last line rather than starting an empty one.
      if (lines.length > 1 && lines.at(-1) === "") lines.pop();
      const total = lines.length;
      const from = Math.min(startLine ?? 1, total + 1);
      const to = Math.min(endLine ?? from + MAX_READ_LINES - 1, from + MAX_READ_LINES - 1, total);
      if (from > total) {
        return renderToolNote(`${JSON.stringify(path)} has only ${total} lines at the ${version}; nothing at line ${from}.`, "ok");
      }
      const numbered = lines.slice(from - 1, to).map((line, index) => `${from + index}: ${cutLine(line)}`);
      const more = to < total ? `\n[lines ${to + 1}-${total} not shown; read them with start_line ${to + 1}]` : "";
      const attributes = { tool: "read_file", path, version, lines: `${from}-${to}`, total_lines: total };
      return { output: delimit(attributes, numbered.join("\n")) + more, outcome: "ok", fileRead: path };
    }
  }
}

export function renderSearchCode(query: string, pathGlob: string | null, result: SearchCodeResult): RenderedToolOutput {
  if (result.kind === "unavailable") return renderToolNote(`Search is not available for this review: ${result.reason}. Use read_file and list_files.`, "unavailable");
  const lines = result.matches.map((match) => `${match.path}:${match.line}: ${cutLine(match.text)}`);
  const attributes = { tool: "search_code", query, ...(pathGlob ? { path_glob: pathGlob } : {}), matches: result.matches.length + result.omitted };
  const body = lines.length > 0 ? lines.join("\n") : "(no matches)";
  const more = result.omitted > 0 ? `\n[${result.omitted} more matches not shown; narrow the query or path_glob]` : "";
  return { output: delimit(attributes, body) + more, outcome: "ok", fileRead: null };
}

export function renderListFiles(path: string, result: ListFilesResult): RenderedToolOutput {
  switch (result.kind) {
    case "missing":
      return renderToolNote(`No directory ${JSON.stringify(path)} at the head.`, "missing");
    case "refused":
      return renderToolNote(`Refused to list ${JSON.stringify(path)}: ${result.reason}.`, "refused");
    case "entries": {
      const body = result.entries.map((entry) => (entry.type === "dir" ? `${entry.name}/` : entry.type === "symlink" ? `${entry.name} (symlink)` : entry.name));
      const more = result.omitted > 0 ? `\n[${result.omitted} more entries not shown]` : "";
      return { output: delimit({ tool: "list_files", path: path || "." }, body.join("\n") || "(empty)") + more, outcome: "ok", fileRead: null };
    }
  }
}
