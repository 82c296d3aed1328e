import type { DiffLine, FileDiff, Hunk, ScopeLine } from "../diff/types.js";
import { countTokens } from "../llm/count-tokens.js";
import { cutText } from "../diff/cut-text.js";
import { renderDiffLine, renderFileHeader, renderHunkHeader, renderLineAnchor, renderLineBody, renderScopeAnchor, renderScopeBody } from "./render-hunk.js";
import type { Chunk } from "./types.js";

export interface ChunkDiffOptions {
  /** Most tokens of rendered diff text one chunk may hold. */
  budgetTokens: number;
  /**
   * Most chunks to return. When the files need more, the longest prefix of `files` (pass them in
   * priority order) that fits is kept and the rest are reported as skipped. Default: no limit.
   */
  maxChunks?: number;
  /**
   * Share of the budget kept free because chunk sizes are sums of per-line counts, which can differ
   * by a token here and there from counting the joined text. Default 0.02.
   */
  safetyMargin?: number;
  /** Lines repeated at the start of the next slice when a hunk over budget is split. Default 3. */
  overlapLines?: number;
}

export interface ChunkDiffResult {
  chunks: Chunk[];
  /** Paths left out because of `maxChunks`, or because the path alone fills the budget. */
  skipped: string[];
  /** A first file that alone needs more than `maxChunks` chunks: only its first hunks are in the chunks. */
  partial: string[];
}

/** A whole hunk, or a slice of one that is over budget; `tokens` includes its header line. */
interface Atom {
  hunk: Hunk;
  tokens: number;
  /** The hunk a slice was cut from; two slices of one hunk overlap, so they never share a chunk. */
  source: Hunk;
}

interface PreparedFile {
  index: number;
  file: FileDiff;
  headerTokens: number;
  atoms: Atom[];
  total: number;
}

interface Bin {
  used: number;
  entries: Array<{ file: PreparedFile; atoms: Atom[] }>;
}

const TRUNCATION_NOTE = " …[line truncated]";
/**
 * Longer lines are cut before counting: they are minified or generated code that nobody reviews line
 * by line, and tokenizing a 1 MB line alone takes a tenth of a second.
 */
export const MAX_LINE_CHARS = 4_000;

/**
 * Packs files into chunks of at most `budgetTokens` rendered tokens.
 *
 * Every line and header is tokenized exactly once and chunk sizes are sums of those counts, so the
 * cost stays linear in the diff size. Files go in largest first (first-fit decreasing); a file stays
 * whole when some chunk has room for it. A file is split at hunk boundaries only when it is over
 * budget, or when the files still to come are too few to fill the gaps left in open chunks (then
 * splitting it into those gaps saves a chunk). A file's pieces land in increasing chunk order.
 * Over `maxChunks`, files are dropped whole from the end of `files`, so pass them most important first.
 */
export function chunkDiff(files: FileDiff[], options: ChunkDiffOptions): ChunkDiffResult {
  const { budgetTokens, maxChunks = Number.POSITIVE_INFINITY, safetyMargin = 0.02, overlapLines = 3 } = options;
  if (!(budgetTokens > 0)) throw new RangeError(`chunkDiff: budgetTokens must be > 0, got ${budgetTokens}`);
  const cap = Math.floor(budgetTokens * (1 - safetyMargin));
  // Gaps smaller than this are not worth a split: a chunk 90% full is full enough.
  const minGap = Math.ceil(cap * 0.1);

  // Big diffs repeat anchors ("R12") and bodies ("  }") a lot; count each distinct text once.
  const memo = new Map<string, number>();
  const countMemo = (text: string): number => {
    let tokens = memo.get(text);
    if (tokens === undefined) memo.set(text, (tokens = countTokens(text)));
    return tokens;
  };
  const countLine = (line: DiffLine): number => countMemo(renderLineAnchor(line)) + countMemo(renderLineBody(line));
  const countScopeLine = (line: ScopeLine): number => countMemo(renderScopeAnchor(line)) + countMemo(renderScopeBody(line));

  const skipped: string[] = [];
  const prepared: PreparedFile[] = [];
  files.forEach((file, index) => {
    // Binary files, pure renames and mode changes have no lines to read; the file filter reports them.
    if (file.binary || file.hunks.length === 0) return;
    const headerTokens = countTokens(renderFileHeader(file));
    const room = cap - headerTokens;
    // Below this a hunk header plus one line may not fit; only absurd budgets or paths get here.
    if (room < 256) {
      skipped.push(file.path);
      return;
    }
    const atoms = file.hunks.flatMap((hunk) => atomsOfHunk(cutLongLines(hunk), room, overlapLines, countLine, countScopeLine));
    prepared.push({ index, file, headerTokens, atoms, total: headerTokens + sumTokens(atoms) });
  });

  let kept = packFiles(prepared, cap, minGap);
  const partial: string[] = [];
  if (kept.length > maxChunks) {
    // Files come in priority order: review the longest prefix of them that fits the cap, so a cut
    // drops the least important files whole instead of whatever the packing happened to place last.
    let fits = 0;
    let fails = prepared.length;
    while (fails - fits > 1) {
      const mid = Math.floor((fits + fails) / 2);
      if (packFiles(prepared.slice(0, mid), cap, minGap).length <= maxChunks) fits = mid;
      else fails = mid;
    }
    if (fits === 0 && maxChunks >= 1) {
      // The first file alone needs more chunks than the cap allows: review its beginning.
      kept = packFiles(prepared.slice(0, 1), cap, minGap).slice(0, maxChunks);
      partial.push(prepared[0]!.file.path);
      fits = 1;
    } else {
      kept = fits === 0 ? [] : packFiles(prepared.slice(0, fits), cap, minGap);
    }
    for (const file of prepared.slice(fits)) skipped.push(file.file.path);
  }

  const chunks = kept.map((bin, index): Chunk => {
    const entries = [...bin.entries].sort((a, b) => a.file.index - b.file.index);
    return {
      index,
      tokens: bin.used,
      files: entries.map(({ file, atoms }) => ({
        path: file.file.path,
        oldPath: file.file.oldPath,
        status: file.file.status,
        hunks: atoms.map((atom) => atom.hunk),
      })),
    };
  });
  return { chunks, skipped, partial };
}

/**
 * First-fit decreasing over whole files; a file is split at hunk boundaries only when it is over
 * budget, or when the files still to come are too few to fill the gaps left in open chunks.
 */
function packFiles(prepared: readonly PreparedFile[], cap: number, minGap: number): Bin[] {
  const order = [...prepared].sort((a, b) => b.total - a.total || a.index - b.index);
  // remainingAfter[p]: tokens of the files placed after position p, i.e. what can still fill gaps.
  const remainingAfter = new Array<number>(order.length).fill(0);
  for (let p = order.length - 2; p >= 0; p--) remainingAfter[p] = remainingAfter[p + 1]! + order[p + 1]!.total;

  const bins: Bin[] = [];
  const add = (bin: Bin, file: PreparedFile, atoms: Atom[]): void => {
    bin.entries.push({ file, atoms });
    bin.used += file.headerTokens + sumTokens(atoms);
  };
  const openBin = (file: PreparedFile, atoms: Atom[]): void => {
    const bin: Bin = { used: 0, entries: [] };
    bins.push(bin);
    add(bin, file, atoms);
  };
  const firstFit = (tokens: number, from: number): Bin | undefined => {
    for (let b = from; b < bins.length; b++) if (bins[b]!.used + tokens <= cap) return bins[b];
    return undefined;
  };
  const usefulFree = (): number => {
    let free = 0;
    for (const bin of bins) if (cap - bin.used >= minGap) free += cap - bin.used;
    return free;
  };

  order.forEach((file, position) => {
    const enoughToFillGaps = remainingAfter[position]! >= usefulFree();
    if (file.total <= cap && isOnePiece(file.atoms)) {
      const bin = firstFit(file.total, 0);
      if (bin) return add(bin, file, file.atoms);
      if (enoughToFillGaps) return openBin(file, file.atoms);
    }
    let next = 0; // first atom not yet placed
    if (!enoughToFillGaps) {
      for (let b = 0; b < bins.length && next < file.atoms.length; b++) {
        const rest = file.atoms.slice(next);
        const whole = isOnePiece(rest) ? firstFit(file.headerTokens + sumTokens(rest), b) : undefined;
        if (whole) {
          add(whole, file, rest);
          return;
        }
        const free = cap - bins[b]!.used;
        if (free < minGap) continue;
        const take = longestPrefix(file.atoms, next, free - file.headerTokens);
        if (take > 0) {
          add(bins[b]!, file, file.atoms.slice(next, next + take));
          next += take;
        }
      }
    }
    while (next < file.atoms.length) {
      // Every atom fits an empty chunk by construction, so each new chunk takes at least one.
      const take = Math.max(1, longestPrefix(file.atoms, next, cap - file.headerTokens));
      openBin(file, file.atoms.slice(next, next + take));
      next += take;
    }
  });
  return bins;
}

function sumTokens(atoms: readonly Atom[]): number {
  let total = 0;
  for (const atom of atoms) total += atom.tokens;
  return total;
}

function isOnePiece(atoms: readonly Atom[]): boolean {
  return atoms.every((atom, i) => i === 0 || atom.source !== atoms[i - 1]!.source);
}

function longestPrefix(atoms: readonly Atom[], from: number, room: number): number {
  let used = 0;
  let count = 0;
  for (let i = from; i < atoms.length && used + atoms[i]!.tokens <= room; i++, count++) {
    if (i > from && atoms[i]!.source === atoms[i - 1]!.source) break;
    used += atoms[i]!.tokens;
  }
  return count;
}

/**
 * The hunk as one atom when it fits `room` (with its scope lines when they fit too), else consecutive
 * line slices that overlap a little. Scope lines count like diff lines, so a widened chunk stays within
 * the budget; a hunk too big to keep its scope loses it before it loses a diff line.
 */
function atomsOfHunk(
  widened: Hunk,
  room: number,
  overlapLines: number,
  countLine: (line: DiffLine) => number,
  countScopeLine: (line: ScopeLine) => number,
): Atom[] {
  const scope = widened.scope;
  const hunk: Hunk = scope ? { ...widened, scope: undefined } : widened;
  const headerTokens = countTokens(renderHunkHeader(hunk));
  const lineTokens = hunk.lines.map(countLine);
  let total = headerTokens;
  for (const tokens of lineTokens) total += tokens;
  if (scope) {
    let withScope = total;
    for (const line of [...scope.before, ...scope.after]) withScope += countScopeLine(line);
    if (withScope <= room) return [{ hunk: widened, tokens: withScope, source: widened }];
  }
  if (total <= room) return [{ hunk, tokens: total, source: hunk }];

  // Room for a slice header, which is the original one plus new numbers and a "(part i/n)" note.
  const lineRoom = room - headerTokens - 24;
  const lines = [...hunk.lines];
  const ranges: Array<[number, number]> = [];
  let start = 0;
  while (start < lines.length) {
    let used = 0;
    let end = start;
    while (end < lines.length && used + lineTokens[end]! <= lineRoom) used += lineTokens[end++]!;
    if (end === start) {
      // One line longer than a whole chunk (minified code): keep its start, which is what gets anchored.
      const truncated = truncateLine(lines[start]!, Math.floor(lineRoom / 2));
      lines[start] = truncated.line;
      lineTokens[start] = truncated.tokens;
      end = start + 1;
    }
    ranges.push([start, end]);
    if (end >= lines.length) break;
    start = Math.max(end - overlapLines, start + 1);
  }
  return ranges.map(([from, to], part) => {
    const slice = makeSlice(hunk, lines.slice(from, to), part + 1, ranges.length);
    let tokens = countTokens(renderHunkHeader(slice));
    for (let i = from; i < to; i++) tokens += lineTokens[i]!;
    return { hunk: slice, tokens, source: hunk };
  });
}

function cutLongLines(hunk: Hunk): Hunk {
  const cut = <T extends { content: string }>(line: T): T =>
    line.content.length > MAX_LINE_CHARS ? { ...line, content: cutText(line.content, MAX_LINE_CHARS) + TRUNCATION_NOTE } : line;
  const long = (line: { content: string }) => line.content.length > MAX_LINE_CHARS;
  const scope = hunk.scope;
  const longScope = scope !== undefined && (scope.before.some(long) || scope.after.some(long));
  if (!hunk.lines.some(long) && !longScope) return hunk;
  return {
    ...hunk,
    lines: hunk.lines.map(cut),
    ...(scope ? { scope: { before: scope.before.map(cut), after: scope.after.map(cut) } } : {}),
  };
}


/** A hunk of `lines` (consecutive lines of `hunk`), its header renumbered and marked "(part i/n)". */
export function makeSlice(hunk: Hunk, lines: DiffLine[], part: number, parts: number): Hunk {
  const oldNumbers = lines.flatMap((line) => (line.oldLine === null ? [] : [line.oldLine]));
  const newNumbers = lines.flatMap((line) => (line.newLine === null ? [] : [line.newLine]));
  const oldStart = oldNumbers[0] ?? hunk.oldStart;
  const newStart = newNumbers[0] ?? hunk.newStart;
  const section = /^@@[^@]*@@(.*)$/.exec(hunk.header)?.[1] ?? "";
  return {
    header: `@@ -${oldStart},${oldNumbers.length} +${newStart},${newNumbers.length} @@${section} (part ${part}/${parts})`,
    oldStart,
    oldLines: oldNumbers.length,
    newStart,
    newLines: newNumbers.length,
    lines,
  };
}

function truncateLine(line: DiffLine, maxTokens: number): { line: DiffLine; tokens: number } {
  const full = countTokens(renderDiffLine(line));
  let chars = Math.floor((line.content.length * maxTokens) / full);
  for (;;) {
    const candidate: DiffLine = { ...line, content: cutText(line.content, chars) + TRUNCATION_NOTE };
    const tokens = countTokens(renderDiffLine(candidate));
    if (tokens <= maxTokens || chars === 0) return { line: candidate, tokens };
    chars = Math.floor(chars * 0.7);
  }
}
