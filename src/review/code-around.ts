import type { FileDiff } from "../diff/types.js";

/** Lines shown above and below a finding's line. */
export const CODE_AROUND_LINES = 20;
/** Lines at most shown from the PR diff for a finding with no line left (outdated). */
const MAX_DIFF_LINES = 120;

/** The file's lines around `line` at the head, numbered as `R<n> code`. `line` null: the file's start. Pure. */
export function codeAroundInText(text: string, line: number | null, around = CODE_AROUND_LINES): string {
  const lines = text.split(/\r?\n/);
  const centre = line ?? 1;
  const first = Math.max(1, centre - around);
  const last = Math.min(lines.length, centre + around);
  const shown: string[] = [];
  for (let at = first; at <= last; at++) shown.push(`R${at} ${lines[at - 1]}`);
  return shown.join("\n");
}

/**
 * What the PR diff at the head shows of the file around `line` (its head-side lines, `R<n> code`), or
 * all its hunks (capped) when the finding has no line on the head. Pure.
 */
export function codeAroundInDiff(file: FileDiff | undefined, line: number | null, around = CODE_AROUND_LINES): string | null {
  if (!file || file.hunks.length === 0) return null;
  const shown: string[] = [];
  for (const hunk of file.hunks) {
    for (const diffLine of hunk.lines) {
      if (diffLine.newLine === null) continue;
      if (line !== null && Math.abs(diffLine.newLine - line) > around) continue;
      shown.push(`R${diffLine.newLine} ${diffLine.content}`);
      if (shown.length >= MAX_DIFF_LINES) return shown.join("\n");
    }
  }
  return shown.length > 0 ? shown.join("\n") : null;
}
