import type { DiffLine, FileDiff, Side } from "./types.js";

/**
 * Which (path, side, line) GitHub accepts for a review comment: RIGHT on an added or context line
 * (by new line number), LEFT on a deleted line (by old line number), and nothing outside the hunks.
 * Every lookup is a Map hit, since it runs over diffs of 100,000+ lines.
 */
export interface AnchorMap {
  hasFile(path: string): boolean;
  isAnchorable(path: string, side: Side, line: number): boolean;
  /** Index into the file's `hunks`; a multi-line comment must start and end in the same hunk. */
  hunkIndexOf(path: string, side: Side, line: number): number | null;
  /** Content of the line without its +/-/space prefix. */
  lineText(path: string, side: Side, line: number): string | null;
  /** The hunk's lines in order, for re-anchoring a finding by its quoted text. */
  linesOfHunk(path: string, hunkIndex: number): readonly DiffLine[] | null;
  hunkCount(path: string): number;
}

interface Anchor {
  hunkIndex: number;
  line: DiffLine;
}

interface FileAnchors {
  left: Map<number, Anchor>;
  right: Map<number, Anchor>;
  hunks: readonly (readonly DiffLine[])[];
}

export function buildAnchorMap(files: readonly FileDiff[]): AnchorMap {
  const byPath = new Map<string, FileAnchors>();
  for (const file of files) byPath.set(file.path, indexFile(file));

  const find = (path: string, side: Side, line: number): Anchor | undefined => {
    const file = byPath.get(path);
    return (side === "LEFT" ? file?.left : file?.right)?.get(line);
  };

  return {
    hasFile: (path) => byPath.has(path),
    isAnchorable: (path, side, line) => find(path, side, line) !== undefined,
    hunkIndexOf: (path, side, line) => find(path, side, line)?.hunkIndex ?? null,
    lineText: (path, side, line) => find(path, side, line)?.line.content ?? null,
    linesOfHunk: (path, hunkIndex) => byPath.get(path)?.hunks[hunkIndex] ?? null,
    hunkCount: (path) => byPath.get(path)?.hunks.length ?? 0,
  };
}

function indexFile(file: FileDiff): FileAnchors {
  const left = new Map<number, Anchor>();
  const right = new Map<number, Anchor>();
  file.hunks.forEach((hunk, hunkIndex) => {
    for (const line of hunk.lines) {
      // Context lines sit on both sides of the diff, but GitHub anchors them on RIGHT only.
      if (line.kind === "del" && line.oldLine !== null) left.set(line.oldLine, { hunkIndex, line });
      else if (line.kind !== "del" && line.newLine !== null) right.set(line.newLine, { hunkIndex, line });
    }
  });
  return { left, right, hunks: file.hunks.map((hunk) => hunk.lines) };
}
