import { countChanges } from "../diff/count-changes.js";
import type { FileDiff, Hunk } from "../diff/types.js";

export interface IncrementInput {
  /** The pull request's diff (merge base...head), parsed: the numbering GitHub checks comments against. */
  pullFiles: FileDiff[];
  /** What the commits since the last review changed (last reviewed head...head), parsed. */
  newChanges: FileDiff[];
  /** Paths the new commits changed but whose patch is unknown (GitHub omits large ones): all their PR hunks count. */
  changedWithoutPatch?: ReadonlySet<string>;
  /** Whether an earlier review could not cover a path: its PR hunks are all included. */
  isCarried?: (path: string) => boolean;
}

export interface Increment {
  /** The PR's own files and hunks to review, numbered as in the PR diff. */
  files: FileDiff[];
  /** Paths included because the new commits touched them. */
  touched: string[];
  /** Paths included (whole) because an earlier review did not cover them. */
  carried: string[];
}

/**
 * The part of a pull request that the commits since its last review touched: the hunks of the PR diff
 * that overlap lines those commits changed, plus the files an earlier review could not cover.
 *
 * Both diffs number the head's lines the same way (RIGHT side), so they can be laid over each other.
 * What the new commits changed but the PR diff does not show as changed (a merge of the base branch, a
 * revert to the base's text) is not the PR's own change, and is left out: a push that only merges the
 * base yields nothing. Pure.
 */
export function selectIncrement(input: IncrementInput): Increment {
  const changedPoints = new Map<string, Set<number>>();
  for (const file of input.newChanges) {
    const points = changedPoints.get(file.path) ?? new Set<number>();
    for (const hunk of file.hunks) collectPoints(hunk, points, "touch");
    changedPoints.set(file.path, points);
  }
  const files: FileDiff[] = [];
  const touched: string[] = [];
  const carried: string[] = [];
  for (const file of input.pullFiles) {
    if (input.isCarried?.(file.path)) {
      files.push(file);
      carried.push(file.path);
      continue;
    }
    const points = changedPoints.get(file.path);
    if (!points && !input.changedWithoutPatch?.has(file.path)) continue;
    const hunks = !points || input.changedWithoutPatch?.has(file.path) ? file.hunks : file.hunks.filter((hunk) => overlaps(hunk, points));
    // A file without hunks (binary, rename only, mode change) counts when the new commits list it too.
    if (hunks.length === 0 && file.hunks.length > 0) continue;
    files.push(hunks.length === file.hunks.length ? file : withHunks(file, hunks));
    touched.push(file.path);
  }
  return { files, touched, carried };
}

/*
 * Positions on the head's line numbering, doubled so that the gap between two lines has a place too:
 * line n is 2n, the gap after line n is 2n + 1.
 */

/** Whether one of the hunk's own changes sits where the new commits changed something. */
function overlaps(hunk: Hunk, changed: ReadonlySet<number>): boolean {
  const own = new Set<number>();
  collectPoints(hunk, own, "exact");
  for (const point of own) if (changed.has(point)) return true;
  return false;
}

/**
 * An added line is its own position. A pure deletion (not followed by added lines) leaves no line
 * behind: it is the gap where it happened, and for the new commits' side ("touch") also the lines on
 * either side of that gap, since deleting lines the PR added shows in the PR diff only as a change to
 * its neighbours.
 */
function collectPoints(hunk: Hunk, into: Set<number>, mode: "touch" | "exact"): void {
  // git writes `+c,0` with c the line before the deletion; otherwise c is the hunk's first line.
  let lastRight = hunk.newLines === 0 ? hunk.newStart : hunk.newStart - 1;
  let pendingDeletion = false;
  const markDeletion = () => {
    into.add(2 * lastRight + 1);
    if (mode === "touch") into.add(2 * lastRight).add(2 * lastRight + 2);
    pendingDeletion = false;
  };
  for (const line of hunk.lines) {
    if (line.kind === "del") {
      pendingDeletion = true;
      continue;
    }
    if (line.kind === "add") {
      pendingDeletion = false; // a replacement: the added lines stand for it
      into.add(2 * (line.newLine ?? 0));
    } else if (pendingDeletion) {
      markDeletion();
    }
    lastRight = line.newLine ?? lastRight;
  }
  if (pendingDeletion) markDeletion();
}

function withHunks(file: FileDiff, hunks: Hunk[]): FileDiff {
  return { ...file, hunks, ...countChanges(hunks) };
}
