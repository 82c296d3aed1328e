import type { AnchorMap } from "../diff/anchor-map.js";
import type { DiffLine, Side } from "../diff/types.js";
import { fitsQuote, parseQuote, rateQuoteFit, type Quote, type QuoteFit } from "./match-quote.js";
import { outOfDiffKey } from "./out-of-diff.js";
import { renderComment } from "./render-review.js";
import type { Finding, ReviewComment } from "./types.js";

export interface AnchorFindingsOptions {
  /** How many lines either side of the cited line are searched for the finding's quote. Default 10. */
  quoteWindow?: number;
  /**
   * Lines outside the diff checked to exist at the head (see out-of-diff.ts), with their text. A finding
   * that cites one of them (side RIGHT) with a quote that fits it is about that line: it goes into the
   * body, never moved onto a diff line its quote happens to match nearby. Default: none.
   */
  outOfDiff?: ReadonlyMap<string, string>;
}

export interface AnchoredFinding {
  finding: Finding;
  comment: ReviewComment;
}

export interface AnchorFindingsResult {
  /** Comments GitHub accepts as they are, each with the finding it came from. */
  comments: AnchoredFinding[];
  /** Findings with no line in the diff to sit on; they go into the review body. */
  unanchored: Finding[];
}

interface Target {
  side: Side;
  line: number;
  hunk: number;
  /** How far the anchor moved from the cited line, to move a range's start along with it. */
  shift: number | null;
}

/**
 * Places each finding on a line GitHub accepts. A finding with a quote goes to the line within
 * `quoteWindow` of the cited one that the quote fits best (whole lines before fragments, then the
 * nearest), looking on the cited side first and on the other side only when the cited side has no
 * match; with no match it is returned as unanchored, never left on a line its quote contradicts. A
 * finding without a quote stays on the cited line, or for a LEFT citation of an unchanged line, moves
 * to that line on RIGHT. Ranges are kept inside the anchor's hunk or dropped.
 */
export function anchorFindings(
  findings: readonly Finding[],
  anchors: AnchorMap,
  options: AnchorFindingsOptions = {},
): AnchorFindingsResult {
  const window = options.quoteWindow ?? 10;
  const comments: AnchoredFinding[] = [];
  const unanchored: Finding[] = [];
  const seen = new Set<string>();

  for (const finding of findings) {
    const path = resolvePath(finding.path, anchors);
    const quote = parseQuote(finding.quote, finding.startLine !== null);
    if (citesLineOutsideDiff(finding, quote, path, anchors, options.outOfDiff)) {
      unanchored.push(finding);
      continue;
    }
    const target = path === null ? null : locate(finding, quote, path, anchors, window);
    if (path === null || target === null) {
      unanchored.push(finding);
      continue;
    }
    // Findings from overlapping chunks, or two off-by-some citations, can land on the same spot.
    const key = `${path}\0${target.side}\0${target.line}\0${finding.title.trim().toLowerCase()}`;
    if (seen.has(key)) continue;
    seen.add(key);

    const start = rangeStart(finding, path, target, anchors);
    const placed = {
      path,
      line: target.line,
      side: target.side,
      ...(start === null ? {} : { start_line: start, start_side: target.side }),
    };
    const quoteMatches = quote !== null && quoteFitsPlacement(quote, path, target, start, anchors);
    comments.push({ finding, comment: { ...placed, body: renderComment(finding, { ...placed, quoteMatches }) } });
  }
  return { comments, unanchored };
}

/** A RIGHT citation of a line that is not in the diff but exists at the head, and that the quote (if any) fits. */
function citesLineOutsideDiff(finding: Finding, quote: Quote | null, path: string | null, anchors: AnchorMap, outOfDiff: ReadonlyMap<string, string> | undefined): boolean {
  if (!outOfDiff || finding.side !== "RIGHT") return false;
  if (path !== null && anchors.isAnchorable(path, "RIGHT", finding.line)) return false;
  const text = outOfDiff.get(outOfDiffKey(finding.path, finding.line));
  if (text === undefined) return false;
  return quote === null || rateQuoteFit(quote, [{ kind: "context", content: text, oldLine: null, newLine: finding.line }], 0) > 0;
}

/** The diff's spelling of a path the model may have written as `./x`, `b/x` or `/x`. */
function resolvePath(path: string, anchors: AnchorMap): string | null {
  if (anchors.hasFile(path)) return path;
  const bare = path.replace(/^(?:\.\/|[ab]\/|\/)/, "");
  return bare !== path && anchors.hasFile(bare) ? bare : null;
}

function locate(finding: Finding, quote: Quote | null, path: string, anchors: AnchorMap, window: number): Target | null {
  if (quote === null) {
    const citedHunk = anchors.hunkIndexOf(path, finding.side, finding.line);
    if (citedHunk !== null) return { side: finding.side, line: finding.line, hunk: citedHunk, shift: 0 };
    return finding.side === "LEFT" ? contextLineOnRight(path, finding.line, anchors) : null;
  }
  const otherSide: Side = finding.side === "LEFT" ? "RIGHT" : "LEFT";
  return bestQuoteMatch(finding, path, quote, anchors, window, finding.side) ?? bestQuoteMatch(finding, path, quote, anchors, window, otherSide);
}

/** Where GitHub anchors a line: deleted lines on LEFT, added and unchanged ones on RIGHT. */
function anchorOf(line: DiffLine): { side: Side; line: number } | null {
  if (line.kind === "del") return line.oldLine === null ? null : { side: "LEFT", line: line.oldLine };
  return line.newLine === null ? null : { side: "RIGHT", line: line.newLine };
}

/** The hunk's lines that exist on `side` (a file's old or new text), in order. */
function viewOf(lines: readonly DiffLine[], side: Side): DiffLine[] {
  return lines.filter((line) => (side === "LEFT" ? line.oldLine : line.newLine) !== null);
}

/**
 * The line of `side`'s view, within `window` of the cited line, that the quote fits best: the best
 * fit, then the nearest. Distances are counted on the cited side, where a line missing from that side
 * sits just after the previous one.
 */
function bestQuoteMatch(finding: Finding, path: string, quote: Quote, anchors: AnchorMap, window: number, side: Side): Target | null {
  let best: { target: Target; fit: QuoteFit; distance: number } | null = null;
  for (let hunk = 0; hunk < anchors.hunkCount(path); hunk++) {
    const lines = anchors.linesOfHunk(path, hunk) ?? [];
    const positions = new Map<DiffLine, number>();
    let lastOld = 0;
    let lastNew = 0;
    for (const line of lines) {
      lastOld = line.oldLine ?? lastOld;
      lastNew = line.newLine ?? lastNew;
      const own = finding.side === "LEFT" ? line.oldLine : line.newLine;
      const position = own ?? (finding.side === "LEFT" ? lastOld : lastNew) + 0.5;
      if (Math.abs(position - finding.line) <= window) positions.set(line, position);
    }
    if (positions.size === 0) continue;
    const view = viewOf(lines, side);
    for (const [index, line] of view.entries()) {
      const position = positions.get(line);
      const anchor = anchorOf(line);
      if (position === undefined || anchor === null) continue;
      const fit = rateQuoteFit(quote, view, index);
      const distance = Math.abs(position - finding.line);
      if (fit === 0 || (best !== null && (fit < best.fit || (fit === best.fit && distance >= best.distance)))) continue;
      const shift = anchor.side === finding.side ? anchor.line - finding.line : null;
      best = { target: { ...anchor, hunk, shift }, fit, distance };
    }
  }
  return best?.target ?? null;
}

/**
 * Whether the quote agrees with the lines the comment finally sits on (the line, or the range from
 * `start`): only then may a suggestion replace them.
 */
function quoteFitsPlacement(quote: Quote, path: string, target: Target, start: number | null, anchors: AnchorMap): boolean {
  const view = viewOf(anchors.linesOfHunk(path, target.hunk) ?? [], target.side);
  const numberOf = (line: DiffLine) => (target.side === "LEFT" ? line.oldLine : line.newLine);
  const end = view.findIndex((line) => numberOf(line) === target.line);
  const first = start === null ? end : view.findIndex((line) => numberOf(line) === start);
  return end >= 0 && first >= 0 && fitsQuote(quote, view, first, end);
}

/** GitHub anchors unchanged lines on RIGHT only; a LEFT citation of one means the same line there. */
function contextLineOnRight(path: string, oldLine: number, anchors: AnchorMap): Target | null {
  for (let hunk = 0; hunk < anchors.hunkCount(path); hunk++) {
    for (const line of anchors.linesOfHunk(path, hunk) ?? []) {
      if (line.kind === "context" && line.oldLine === oldLine && line.newLine !== null) {
        return { side: "RIGHT", line: line.newLine, hunk, shift: null };
      }
    }
  }
  return null;
}

/** The range start GitHub accepts: same side, same hunk, before `line`; clamped into the hunk or null. */
function rangeStart(finding: Finding, path: string, target: Target, anchors: AnchorMap): number | null {
  if (finding.startLine === null || target.shift === null) return null;
  const start = finding.startLine + target.shift;
  if (start >= target.line) return null;
  if (anchors.hunkIndexOf(path, target.side, start) === target.hunk) return start;
  // The first line of the hunk on this side at or after `start`: clamps a start above the hunk.
  let clamped: number | null = null;
  for (const line of anchors.linesOfHunk(path, target.hunk) ?? []) {
    const anchor = anchorOf(line);
    if (anchor === null || anchor.side !== target.side || anchor.line < start || anchor.line >= target.line) continue;
    if (clamped === null || anchor.line < clamped) clamped = anchor.line;
  }
  return clamped;
}
