import type { FileDiff, Hunk, ScopeLine } from "../diff/types.js";
import { findEnclosingScope, indentOf } from "./find-enclosing-scope.js";

/**
 * Files longer than this are not widened: splitting a generated 20 MB file into lines costs more than
 * its scope is worth, and nobody reviews such a file by function.
 */
export const MAX_WIDENED_FILE_CHARS = 5_000_000;

/**
 * The file's hunks, each with the unchanged lines of the file at the head around it up to its enclosing
 * function, method or class (`hunk.scope`), at most `maxLines` extra lines per hunk. A hunk whose scope
 * starts further up than `maxLines` gets none; an end further down is cut. Overlapping widened ranges are
 * merged: no line is shown twice, and no scope line is a diff line. Hunks whose lines do not match
 * `headText` (not the reviewed head) leave the whole file unwidened. Pure.
 */
export function widenHunks(file: FileDiff, headText: string, maxLines: number): Hunk[] {
  if (maxLines <= 0 || file.hunks.length === 0 || headText.length > MAX_WIDENED_FILE_CHARS) return file.hunks;
  const lines = splitLines(headText);
  if (!file.hunks.every((hunk) => matchesHead(hunk, lines))) return file.hunks;

  const widened = file.hunks.map((hunk) => widenedRange(hunk, lines, maxLines));
  if (widened.every(({ range }) => range === null)) return file.hunks;
  let shownUpTo = 0; // last new-file line already shown, as a diff line or a scope line
  return file.hunks.map((hunk, index) => {
    const { covered, range } = widened[index]!;
    const nextStart = widened[index + 1]?.covered.start ?? lines.length + 1;
    const before = range ? linesBetween(lines, Math.max(range.start, shownUpTo + 1), covered.start - 1) : [];
    const after = range ? linesBetween(lines, covered.end + 1, Math.min(range.end, nextStart - 1)) : [];
    shownUpTo = Math.max(shownUpTo, covered.end, after.at(-1)?.line ?? 0);
    return before.length + after.length === 0 ? hunk : { ...hunk, scope: { before, after } };
  });
}

/** The file's lines without their line ends; a final newline does not start another line. */
function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines.map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
}

const stripCr = (text: string) => (text.endsWith("\r") ? text.slice(0, -1) : text);

function matchesHead(hunk: Hunk, lines: readonly string[]): boolean {
  return hunk.lines.every((line) => line.newLine === null || lines[line.newLine - 1] === stripCr(line.content));
}

interface Widened {
  /** New-file lines the hunk itself shows; `end < start` for a hunk of deletions only. */
  covered: { start: number; end: number };
  range: { start: number; end: number } | null;
}

function widenedRange(hunk: Hunk, lines: readonly string[], maxLines: number): Widened {
  const covered = hunk.newLines === 0 ? { start: hunk.newStart + 1, end: hunk.newStart } : { start: hunk.newStart, end: hunk.newStart + hunk.newLines - 1 };
  const change = changedSpan(hunk, lines.length);
  if (change === null) return { covered, range: null };
  const scope = findEnclosingScope(lines, {
    ...change,
    lowest: Math.max(1, covered.start - maxLines),
    highest: Math.min(lines.length, covered.end + maxLines),
  });
  if (scope === null) return { covered, range: null };
  const extraBefore = Math.max(0, covered.start - scope.start);
  if (extraBefore > maxLines) return { covered, range: null };
  const end = Math.min(scope.end, Math.max(covered.end, covered.start - 1) + (maxLines - extraBefore));
  return { covered, range: { start: Math.min(scope.start, covered.start), end } };
}

/**
 * The new-file lines the change touches, and the indentation of its code. A deleted line sits where it
 * was: on the new line after the one before it (where its replacement, if any, is); deleted code counts
 * for the indentation, it was in the scope.
 */
function changedSpan(hunk: Hunk, lineCount: number): { first: number; last: number; indent: number } | null {
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  let indent = Number.POSITIVE_INFINITY;
  let previousNew = hunk.newLines === 0 ? hunk.newStart : hunk.newStart - 1;
  for (const line of hunk.lines) {
    if (line.kind === "context") {
      previousNew = line.newLine ?? previousNew;
      continue;
    }
    const at = line.kind === "add" ? line.newLine! : Math.min(Math.max(previousNew + 1, 1), lineCount);
    if (line.kind === "add") previousNew = at;
    first = Math.min(first, at);
    last = Math.max(last, at);
    const width = indentOf(line.content);
    // A closing `}` belongs to the body it closes, one level in.
    if (width !== null) indent = Math.min(indent, CLOSER_ONLY.test(line.content) ? width + 1 : width);
  }
  if (last === 0 || lineCount === 0) return null;
  return { first: Math.max(1, first), last: Math.min(lineCount, last), indent: Number.isFinite(indent) ? indent : 0 };
}

const CLOSER_ONLY = /^\s*[}\])]+[;,)]*\s*$/;

function linesBetween(lines: readonly string[], from: number, to: number): ScopeLine[] {
  const shown: ScopeLine[] = [];
  for (let line = Math.max(1, from); line <= Math.min(to, lines.length); line++) shown.push({ line, content: lines[line - 1]! });
  return shown;
}
