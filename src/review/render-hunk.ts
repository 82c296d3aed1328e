import { cutText } from "../diff/cut-text.js";
import type { DiffLine, Hunk, ScopeLine } from "../diff/types.js";
import type { ChunkFile } from "./types.js";

/**
 * How the model sees a diff. Every line carries the one anchor it may cite, so it never has to
 * work out line numbers itself:
 *
 *   FILE: src/a.ts (renamed from src/b.ts)
 *   @@ -10,3 +10,4 @@ function f
 *   R10  unchanged line      context: RIGHT, new-file line 10
 *   L11 -removed line        deleted: LEFT, old-file line 11
 *   R11 +added line          added:   RIGHT, new-file line 11
 *   S30  unchanged line      scope:   not in the diff (the enclosing function), never an anchor
 *
 * Each rendered piece ends with "\n", so a chunk's text is the plain concatenation of its pieces and
 * the chunker can count every piece once and add the counts up.
 */
export const DIFF_FORMAT_LEGEND =
  "Each diff line is `<anchor> <sign><code>`. Anchor `R<n>` = new-file line n (cite side RIGHT, line n); " +
  "`L<n>` = old-file line n of a deleted line (cite side LEFT, line n). Sign: `+` added, `-` deleted, space unchanged. " +
  "The code starts right after the sign.";

/**
 * Read with DIFF_FORMAT_LEGEND when a chunk shows scope lines: `S<n>` lines are the file at the head
 * around a hunk, not the diff, so the model never takes them for changes or cites them as diff lines.
 */
export const SCOPE_FORMAT_LEGEND =
  "Lines `S<n>  <code>` are not part of the diff: unchanged new-file line n, shown so you can see the function, method or class around a hunk. " +
  "Read them as context; they were not changed by this pull request.";

type FileHeaderInput = Pick<ChunkFile, "path" | "oldPath" | "status">;

/**
 * Paths are shown cut to this length: git allows any length, and the tokenizer's cost grows with the
 * square of an unbroken run of letters (a megabyte-long path name would take minutes to count).
 */
export const MAX_RENDERED_PATH_CHARS = 1_000;

export function renderFileHeader(file: FileHeaderInput): string {
  const notes: string[] = [];
  if (file.oldPath !== null && file.oldPath !== file.path) notes.push(`renamed from ${renderPath(file.oldPath)}`);
  if (file.status === "added") notes.push("new file");
  if (file.status === "deleted") notes.push("deleted file");
  return `FILE: ${renderPath(file.path)}${notes.length > 0 ? ` (${notes.join(", ")})` : ""}\n`;
}

function renderPath(path: string): string {
  return path.length <= MAX_RENDERED_PATH_CHARS ? path : `${cutText(path, MAX_RENDERED_PATH_CHARS)}…`;
}

export function renderHunkHeader(hunk: Hunk): string {
  return `${hunk.header}\n`;
}

export function renderDiffLine(line: DiffLine): string {
  return renderLineAnchor(line) + renderLineBody(line);
}

/**
 * `R12` / `L7`. The line's text splits into anchor and body exactly where the tokenizer splits it
 * too (digits, then a space-led piece), so their token counts add up to the line's.
 */
export function renderLineAnchor(line: DiffLine): string {
  return line.kind === "del" ? `L${line.oldLine ?? "?"}` : `R${line.newLine ?? "?"}`;
}

/** ` +code\n`: everything after the anchor. */
export function renderLineBody(line: DiffLine): string {
  const sign = line.kind === "add" ? "+" : line.kind === "del" ? "-" : " ";
  // A CR left over from a CRLF file would only cost tokens and confuse quotes.
  const content = line.content.endsWith("\r") ? line.content.slice(0, -1) : line.content;
  return ` ${sign}${content}\n`;
}

/** `S12` for a line of the enclosing scope; like the diff anchors, digits then a space-led body. */
export function renderScopeAnchor(line: ScopeLine): string {
  return `S${line.line}`;
}

/** `  code\n`: two spaces, so the code lines up with the diff lines' code. */
export function renderScopeBody(line: ScopeLine): string {
  const content = line.content.endsWith("\r") ? line.content.slice(0, -1) : line.content;
  return `  ${content}\n`;
}

export function renderScopeLine(line: ScopeLine): string {
  return renderScopeAnchor(line) + renderScopeBody(line);
}

/** The hunk header, then its scope lines before, its diff lines, its scope lines after: file order. */
export function renderHunk(hunk: Hunk): string {
  let text = renderHunkHeader(hunk);
  for (const line of hunk.scope?.before ?? []) text += renderScopeLine(line);
  for (const line of hunk.lines) text += renderDiffLine(line);
  for (const line of hunk.scope?.after ?? []) text += renderScopeLine(line);
  return text;
}

/** Whether any hunk of `files` shows scope lines (the prompt then explains them). */
export function hasScopeLines(files: ReadonlyArray<{ hunks: Hunk[] }>): boolean {
  return files.some((file) => file.hunks.some((hunk) => (hunk.scope?.before.length ?? 0) + (hunk.scope?.after.length ?? 0) > 0));
}

/** A file (or the part of it that is in one chunk): header, then its hunks in order. */
export function renderFile(file: FileHeaderInput & { hunks: Hunk[] }): string {
  let text = renderFileHeader(file);
  for (const hunk of file.hunks) text += renderHunk(hunk);
  return text;
}

export function renderFiles(files: ReadonlyArray<FileHeaderInput & { hunks: Hunk[] }>): string {
  return files.map(renderFile).join("");
}
