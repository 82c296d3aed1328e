import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseUnifiedDiff } from "../../../src/diff/parse-unified-diff.js";
import { fitsQuote, parseQuote, rateQuoteFit } from "../../../src/review/match-quote.js";

// multi-hunk.diff, parse.js, first hunk on RIGHT: R2..R8, with blank lines R4 and R7.
const [file] = parseUnifiedDiff(readFileSync(new URL("../../fixtures/diffs/multi-hunk.diff", import.meta.url), "utf8"));
const view = file!.hunks[0]!.lines.filter((line) => line.newLine !== null);
const at = (newLine: number) => view.findIndex((line) => line.newLine === newLine);

describe("parseQuote", () => {
  it("keeps the non-blank lines, trimmed and whitespace-collapsed, keyed on the first (or the last for a range)", () => {
    expect(parseQuote("  a  =  1;\n\n   b();  ", false)).toEqual({ lines: ["a = 1;", "b();"], key: 0 });
    expect(parseQuote("a;\nb;", true)).toEqual({ lines: ["a;", "b;"], key: 1 });
    expect(parseQuote(" \n\t", false)).toBeNull();
    expect(parseQuote(null, false)).toBeNull();
  });
});

// R3 and R5, with the blank R4 between them.
const TWO_LINES = 'if (typeof input !== "string" || input.match(/^\\s+$/)) return [];\nconst lines = input.split(/\\r?\\n/);';

describe("rateQuoteFit", () => {
  it.each<[string, string, boolean, number, number]>([
    ["a one-line quote equal to the line", "  const lines = input.split(/\\r?\\n/);", false, 5, 3],
    ["a fragment of the line", "input.split(", false, 5, 1],
    ["a fragment under 4 characters", "[];", false, 8, 0],
    ["a quote of another line", "const files = [];", false, 5, 0],
    ["quote lines equal to consecutive lines, a blank one skipped", TWO_LINES, false, 3, 3],
    ["the same quote keyed on its last line, for a range", TWO_LINES, true, 5, 3],
    ["only the key line equal", "const lines = input.split(/\\r?\\n/);\nsomething else", false, 5, 2],
    ["a quote running past the hunk", "const files = [];\nwhat follows", false, 8, 2],
  ])("%s", (_, text, isRange, newLine, fit) => {
    expect(rateQuoteFit(parseQuote(text, isRange)!, view, at(newLine))).toBe(fit);
  });
});

describe("fitsQuote", () => {
  it.each<[string, string, boolean, number, number, boolean]>([
    ["one line, whole", "if (lines.length === 0) return [];", false, 6, 6, true],
    ["one line, a fragment", "lines.length === 0", false, 6, 6, true],
    ["one line, contradicted", "const files = [];", false, 6, 6, false],
    ["a range its quote covers", TWO_LINES, true, 3, 5, true],
    ["a range shorter than its quote: the lines outside are not checked", TWO_LINES, true, 5, 5, true],
    ["a range whose first line the quote contradicts", "const files = [];\nconst lines = input.split(/\\r?\\n/);", true, 3, 5, false],
  ])("%s", (_, text, isRange, start, end, fits) => {
    expect(fitsQuote(parseQuote(text, isRange)!, view, at(start), at(end))).toBe(fits);
  });
});
