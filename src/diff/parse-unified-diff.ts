import parseDiff from "parse-diff";
import { countChanges } from "./count-changes.js";
import { cutText } from "./cut-text.js";
import type { DiffLine, FileDiff, FileStatus, Hunk } from "./types.js";

/**
 * Parses a unified diff as GitHub returns it (`application/vnd.github.v3.diff`) into files.
 *
 * parse-diff reads the hunks; around it we fix what it gets wrong or ignores: `\ No newline at end
 * of file` markers (it turns them into changes), CRLF (it leaves `\r` in content), C-quoted paths
 * (it leaves `\303\251` escapes), renames (no status), binary files (no flag), and a mid-hunk `diff
 * --git` of a miscounted hunk (it swallows the next file). Never throws: bad input yields [] or the
 * files that could be read.
 */
export function parseUnifiedDiff(text: string): FileDiff[] {
  if (typeof text !== "string" || text.length === 0) return [];
  const lines = text.split("\n").map(cutHeaderLine);
  if (lines.at(-1) === "") lines.pop(); // the final newline, not an empty context line

  const starts: number[] = [];
  lines.forEach((line, index) => {
    if (line.startsWith("diff --git ")) starts.push(index);
  });
  if (starts.length === 0) return parsePlainDiff(lines);

  const files: FileDiff[] = [];
  starts.forEach((start, i) => {
    const file = parseGitSegment(lines.slice(start, starts[i + 1] ?? lines.length));
    if (file) files.push(file);
  });
  return files;
}

interface SegmentHeader {
  diffOld: string | null;
  diffNew: string | null;
  minus: string | null;
  plus: string | null;
  renameFrom: string | null;
  renameTo: string | null;
  copyFrom: string | null;
  copyTo: string | null;
  newFile: boolean;
  deletedFile: boolean;
  binary: boolean;
}

const DEV_NULL = "/dev/null";

/** One `diff --git` section: extended headers read here, hunks by parse-diff. */
function parseGitSegment(lines: string[]): FileDiff | null {
  try {
    const header = readGitHeader(lines);
    const hunks = header.binary ? [] : parseHunks(lines);
    const oldPath = header.renameFrom ?? header.copyFrom ?? nonNull(header.minus) ?? header.diffOld;
    const newPath = header.renameTo ?? header.copyTo ?? nonNull(header.plus) ?? header.diffNew;
    const deleted = header.deletedFile || header.plus === DEV_NULL;
    const added = header.newFile || header.minus === DEV_NULL || header.copyTo !== null;
    const path = deleted ? oldPath : newPath;
    if (!path) return null;

    let status: FileStatus = "modified";
    if (deleted) status = "deleted";
    else if (added) status = "added";
    else if (header.renameTo !== null || (oldPath !== null && oldPath !== newPath)) status = "renamed";
    // A copy keeps its source as oldPath: its hunks are relative to that file.
    const keepOldPath = !deleted && oldPath !== null && oldPath !== path;
    return buildFileDiff(path, keepOldPath ? oldPath : null, status, header.binary, hunks);
  } catch {
    return null;
  }
}

function readGitHeader(lines: string[]): SegmentHeader {
  const [diffOld, diffNew] = parseDiffGitLine(lines[0] ?? "");
  const header: SegmentHeader = {
    diffOld,
    diffNew,
    minus: null,
    plus: null,
    renameFrom: null,
    renameTo: null,
    copyFrom: null,
    copyTo: null,
    newFile: false,
    deletedFile: false,
    binary: false,
  };
  for (const line of lines.slice(1)) {
    if (line.startsWith("@@")) break; // extended headers end at the first hunk
    if (line.startsWith("--- ")) header.minus = stripPrefix(parsePathField(line.slice(4)), "a/");
    else if (line.startsWith("+++ ")) header.plus = stripPrefix(parsePathField(line.slice(4)), "b/");
    else if (line.startsWith("rename from ")) header.renameFrom = parsePathField(line.slice(12));
    else if (line.startsWith("rename to ")) header.renameTo = parsePathField(line.slice(10));
    else if (line.startsWith("copy from ")) header.copyFrom = parsePathField(line.slice(10));
    else if (line.startsWith("copy to ")) header.copyTo = parsePathField(line.slice(8));
    else if (line.startsWith("new file mode ")) header.newFile = true;
    else if (line.startsWith("deleted file mode ")) header.deletedFile = true;
    else if (line.startsWith("Binary files ") || line === "GIT binary patch") {
      header.binary = true;
      break;
    }
  }
  return header;
}

function parseHunks(lines: string[]): Hunk[] {
  // Markers are not lines of either file; dropping them first also avoids parse-diff's crash on a
  // marker that follows a hunk header directly. The extended headers (read above) are left out too:
  // parse-diff would run its path patterns over the `diff --git` line, which are slow on long paths.
  const firstHunk = lines.findIndex((line) => line.startsWith("@@"));
  if (firstHunk < 0) return [];
  const body = lines.slice(firstHunk).filter((line) => !line.startsWith("\\")).join("\n");
  let parsed: parseDiff.File[];
  try {
    parsed = parseDiff(body);
  } catch {
    return [];
  }
  return parsed.flatMap((file) => file.chunks.map(toHunk));
}

function toHunk(chunk: parseDiff.Chunk): Hunk {
  const lines: DiffLine[] = [];
  for (const change of chunk.changes) {
    const content = change.content.slice(1);
    if (change.type === "normal") lines.push({ kind: "context", content, oldLine: change.ln1, newLine: change.ln2 });
    else if (change.type === "del") lines.push({ kind: "del", content, oldLine: change.ln, newLine: null });
    else lines.push({ kind: "add", content, oldLine: null, newLine: change.ln });
  }
  return {
    header: chunk.content,
    oldStart: chunk.oldStart,
    oldLines: chunk.oldLines,
    newStart: chunk.newStart,
    newLines: chunk.newLines,
    lines,
  };
}

/** A diff without `diff --git` headers (plain `diff -u`): parse-diff's file split is all there is. */
function parsePlainDiff(lines: string[]): FileDiff[] {
  let parsed: parseDiff.File[];
  try {
    parsed = parseDiff(lines.filter((line) => !line.startsWith("\\")).join("\n"));
  } catch {
    return [];
  }
  const files: FileDiff[] = [];
  for (const file of parsed) {
    // parse-diff has already dropped the a/ b/ prefixes and any quotes here.
    const from = file.from ?? null;
    const to = file.to ?? null;
    const deleted = to === DEV_NULL;
    const added = from === DEV_NULL;
    const path = deleted ? from : to;
    if (!path || path === DEV_NULL) continue;
    const oldPath = !added && !deleted && from !== null && from !== to ? from : null;
    const status: FileStatus = deleted ? "deleted" : added ? "added" : oldPath ? "renamed" : "modified";
    files.push(buildFileDiff(path, oldPath, status, false, file.chunks.map(toHunk)));
  }
  return files;
}

function buildFileDiff(path: string, oldPath: string | null, status: FileStatus, binary: boolean, hunks: Hunk[]): FileDiff {
  return { path, oldPath, status, binary, hunks, ...countChanges(hunks) };
}

/**
 * `diff --git a/x b/y`, either side possibly C-quoted. Unquoted names may contain spaces, so when
 * both are unquoted the split is taken where the two names are equal (git's own rule); renames
 * also carry `rename from/to`, which win over this line.
 */
function parseDiffGitLine(line: string): [string | null, string | null] {
  const rest = line.slice("diff --git ".length);
  if (rest.startsWith('"')) {
    const first = readQuoted(rest);
    if (!first) return [null, null];
    const second = parsePathField(rest.slice(first.end).trimStart());
    return [stripPrefix(first.value, "a/"), stripPrefix(second, "b/")];
  }
  const quotedSecond = rest.lastIndexOf(' "');
  if (rest.endsWith('"') && quotedSecond > 0) {
    return [stripPrefix(rest.slice(0, quotedSecond), "a/"), stripPrefix(parsePathField(rest.slice(quotedSecond + 1)), "b/")];
  }
  const half = (rest.length - 1) / 2;
  if (Number.isInteger(half) && rest[half] === " " && rest.slice(2, half) === rest.slice(half + 3)) {
    const name = rest.slice(2, half);
    return [name, name];
  }
  const split = rest.indexOf(" b/");
  if (split < 0) return [null, null];
  return [stripPrefix(rest.slice(0, split), "a/"), stripPrefix(rest.slice(split + 1), "b/")];
}

/** A path after `--- `, `+++ `, `rename from ` etc.: quoted, or raw up to a tab (git adds one after names with spaces). */
function parsePathField(field: string): string {
  if (field.startsWith('"')) {
    const quoted = readQuoted(field);
    if (quoted) return quoted.value;
  }
  const tab = field.indexOf("\t");
  return tab < 0 ? field : field.slice(0, tab);
}

const C_ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, "\\": 92 };

/** Reads a git C-quoted string ("a/caf\303\251") from the start of `text`; octal escapes are UTF-8 bytes. */
function readQuoted(text: string): { value: string; end: number } | null {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  // Next '"' and '\\' at or after the current position, each searched for once per occurrence.
  let nextQuote = -1;
  let nextBackslash = -1;
  let i = 1;
  while (i < text.length) {
    const char = text[i];
    if (char === '"') return { value: new TextDecoder().decode(new Uint8Array(bytes)), end: i + 1 };
    if (char !== "\\") {
      // A raw run (quotePath=false leaves UTF-8 unescaped); encode it whole to keep surrogate pairs intact.
      if (nextQuote < i) nextQuote = indexOrEnd(text, '"', i);
      if (nextBackslash < i) nextBackslash = indexOrEnd(text, "\\", i);
      const runEnd = Math.min(nextQuote, nextBackslash);
      // An indexed loop: push(...encoded) overflows the call stack on a long path.
      const encoded = encoder.encode(text.slice(i, runEnd));
      for (let k = 0; k < encoded.length; k++) bytes.push(encoded[k]!);
      i = runEnd;
      continue;
    }
    const octal = /^[0-7]{3}/.exec(text.slice(i + 1, i + 4));
    const escaped = C_ESCAPES[text[i + 1] ?? ""];
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 4;
    } else if (escaped !== undefined) {
      bytes.push(escaped);
      i += 2;
    } else {
      bytes.push(92);
      i += 1;
    }
  }
  return null; // unterminated
}

function indexOrEnd(text: string, search: string, from: number): number {
  const at = text.indexOf(search, from);
  return at < 0 ? text.length : at;
}

function stripPrefix(path: string, prefix: "a/" | "b/"): string {
  return path.startsWith(prefix) ? path.slice(2) : path;
}

function nonNull(path: string | null): string | null {
  return path === DEV_NULL ? null : path;
}

/**
 * Hunk headers (and the `diff` lines of a plain diff) are cut to this length before parse-diff reads
 * them: its header patterns backtrack (quadratic) on long ones, and git's are short (the section text
 * after `@@` is one source line, at most 80 bytes). No content line starts with `@@` or `diff `.
 */
export const MAX_HEADER_LINE_CHARS = 1_000;

function cutHeaderLine(raw: string): string {
  const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
  const header = line.startsWith("@@") || (line.startsWith("diff ") && !line.startsWith("diff --git "));
  return header ? cutText(line, MAX_HEADER_LINE_CHARS) : line;
}
