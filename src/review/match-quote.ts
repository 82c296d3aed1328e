import { cutText } from "../diff/cut-text.js";
import type { DiffLine } from "../diff/types.js";

/**
 * A finding's quote as it is compared with code: its non-blank lines, trimmed, whitespace runs
 * collapsed (the model re-indents what it copies and may leave out blank lines).
 */
export interface Quote {
  lines: readonly string[];
  /** Index of the quote line that sits on the comment's line: the last for a range (which ends there), else the first. */
  key: number;
}

/**
 * How well a quote fits one line, best first:
 * 3 every quote line equals the non-blank line it aligns with (for a one-line quote: the line itself);
 * 2 the key line equals the line; 1 the line contains the key line (a fragment); 0 no match.
 */
export type QuoteFit = 0 | 1 | 2 | 3;

/** A fragment shorter than this would match half the file. */
const MIN_FRAGMENT_CHARS = 4;

export function parseQuote(text: string | null, isRange: boolean): Quote | null {
  const lines = (text ?? "").split("\n").map(normaliseCode).filter((line) => line.length > 0);
  if (lines.length === 0) return null;
  return { lines, key: isRange ? lines.length - 1 : 0 };
}

/**
 * The quote's fit on `view[index]`, where `view` is one side's view of a hunk: its lines that exist on
 * that side (context and added lines for RIGHT, context and deleted lines for LEFT), in order.
 */
export function rateQuoteFit(quote: Quote, view: readonly DiffLine[], index: number): QuoteFit {
  const key = quote.lines[quote.key]!;
  const text = normaliseCode(view[index]!.content);
  if (text !== key) return matchesQuoteLine(text, key) ? 1 : 0;
  if (quote.lines.length === 1) return 3;
  const pairs = alignQuote(quote, view, index, 0, view.length - 1);
  return pairs.length === quote.lines.length && pairs.every(([line, code]) => line === code) ? 3 : 2;
}

/**
 * Whether the quote agrees with the lines `view[start..end]` a comment sits on: its key line matches
 * `view[end]`, and every other quote line that falls inside the range matches the line it aligns with.
 */
export function fitsQuote(quote: Quote, view: readonly DiffLine[], start: number, end: number): boolean {
  if (!matchesQuoteLine(normaliseCode(view[end]!.content), quote.lines[quote.key]!)) return false;
  return alignQuote(quote, view, end, start, end).every(([line, code]) => matchesQuoteLine(code, line));
}

/** Whole line, or a fragment of it long enough to mean something. */
function matchesQuoteLine(code: string, line: string): boolean {
  return code === line || (line.length >= MIN_FRAGMENT_CHARS && code.includes(line));
}

/**
 * Lines and quotes are compared on their first COMPARED_CHARS characters: a quote that long already
 * names its line, and a hostile megabyte-long line must not be re-scanned for every candidate line.
 */
const COMPARED_CHARS = 1_000;

function normaliseCode(code: string): string {
  return cutText(code.trimStart(), COMPARED_CHARS).trimEnd().replace(/\s+/g, " ");
}

/**
 * Pairs of (quote line, code) with the key line on `view[index]` and the other quote lines on the
 * non-blank lines before and after it, within `view[low..high]`.
 */
function alignQuote(quote: Quote, view: readonly DiffLine[], index: number, low: number, high: number): Array<[string, string]> {
  const pairs: Array<[string, string]> = [[quote.lines[quote.key]!, normaliseCode(view[index]!.content)]];
  for (const step of [-1, 1]) {
    let q = quote.key + step;
    for (let i = index + step; i >= low && i <= high && q >= 0 && q < quote.lines.length; i += step) {
      const code = normaliseCode(view[i]!.content);
      if (code.length === 0) continue;
      pairs.push([quote.lines[q]!, code]);
      q += step;
    }
  }
  return pairs;
}
