import type { Hunk } from "../diff/types.js";
import { makeSlice } from "./chunk-diff.js";
import { renderDiffLine, renderHunk } from "./render-hunk.js";
import type { Chunk, ChunkFile } from "./types.js";

interface Piece {
  file: ChunkFile;
  hunk: Hunk;
  size: number;
}

/**
 * Two halves of a chunk whose review did not fit the model's output cap, of about equal size: cut
 * between hunks when it has two or more, else between the lines of its one hunk. Null when there is
 * nothing to cut (a single line). Both halves keep the chunk's index. Pure.
 */
export function splitChunk(chunk: Chunk): [Chunk, Chunk] | null {
  const pieces: Piece[] = chunk.files.flatMap((file) => file.hunks.map((hunk) => ({ file, hunk, size: renderHunk(hunk).length })));
  if (pieces.length >= 2) {
    const cut = balancedCut(pieces.map((piece) => piece.size));
    return [halfOf(chunk, pieces.slice(0, cut), pieces), halfOf(chunk, pieces.slice(cut), pieces)];
  }
  const only = pieces[0];
  if (!only || only.hunk.lines.length < 2) return null;
  const cut = balancedCut(only.hunk.lines.map((line) => renderDiffLine(line).length));
  const slice = (hunk: Hunk): Piece => ({ file: only.file, hunk, size: renderHunk(hunk).length });
  const first = slice(makeSlice(only.hunk, only.hunk.lines.slice(0, cut), 1, 2));
  const second = slice(makeSlice(only.hunk, only.hunk.lines.slice(cut), 2, 2));
  return [halfOf(chunk, [first], [first, second]), halfOf(chunk, [second], [first, second])];
}

/** The index in 1..sizes.length-1 that splits `sizes` into two runs of the most equal sums. */
function balancedCut(sizes: readonly number[]): number {
  const total = sizes.reduce((sum, size) => sum + size, 0);
  let best = 1;
  let bestGap = Number.POSITIVE_INFINITY;
  let left = 0;
  for (let cut = 1; cut < sizes.length; cut++) {
    left += sizes[cut - 1]!;
    const gap = Math.abs(total - 2 * left);
    if (gap < bestGap) {
      best = cut;
      bestGap = gap;
    }
  }
  return best;
}

/** A chunk of `pieces` (in their order), its token count estimated from its share of the whole. */
function halfOf(chunk: Chunk, pieces: readonly Piece[], all: readonly Piece[]): Chunk {
  const files: ChunkFile[] = [];
  for (const piece of pieces) {
    const last = files.at(-1);
    if (last && last.path === piece.file.path) last.hunks.push(piece.hunk);
    else files.push({ ...piece.file, hunks: [piece.hunk] });
  }
  const size = (list: readonly Piece[]) => list.reduce((sum, piece) => sum + piece.size, 0);
  return { index: chunk.index, files, tokens: Math.ceil((chunk.tokens * size(pieces)) / Math.max(1, size(all))) };
}
