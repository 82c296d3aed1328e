import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildAnchorMap } from "../../../src/diff/anchor-map.js";
import { parseUnifiedDiff } from "../../../src/diff/parse-unified-diff.js";
import type { FileDiff, Side } from "../../../src/diff/types.js";
import { anchorFindings } from "../../../src/review/anchor-findings.js";
import type { Finding } from "../../../src/review/types.js";
import {
  findInvalidAnchors,
  generateFindings,
  generateOffByFewCitations,
  loadDiffCorpus,
  suggestionBlockOf,
} from "../../support/anchor-corpus.js";
import { seededRandom } from "../../support/seeded-random.js";

const FIXTURES = new URL("../../fixtures/diffs/", import.meta.url);
const parse = (name: string): FileDiff[] => parseUnifiedDiff(readFileSync(new URL(name, FIXTURES), "utf8"));
const ALL_FIXTURES = readdirSync(FIXTURES).filter((name) => name.endsWith(".diff"));

// multi-hunk.diff, parse.js: hunks on new lines 2-8, 99-105, 227-237; deleted old lines 5, 102, 234.
const ANCHORS = buildAnchorMap(parse("multi-hunk.diff"));

const finding = (overrides: Partial<Finding>): Finding => ({
  path: "parse.js",
  line: 5,
  side: "RIGHT",
  startLine: null,
  severity: "P1",
  title: "A problem",
  body: "Why it matters.",
  suggestion: null,
  quote: null,
  ...overrides,
});

type Placement = { side: Side; line: number; start_line?: number } | "unanchored";

describe("anchorFindings: placing one finding", () => {
  it.each<[string, Partial<Finding>, Placement]>([
    ["the cited line when it is in the diff", { line: 6 }, { side: "RIGHT", line: 6 }],
    ["the cited line when its quote agrees", { line: 5, quote: "  const lines = input.split(/\\r?\\n/);" }, { side: "RIGHT", line: 5 }],
    ["a fragment of the line as quote", { line: 5, quote: "input.split(/\\r?\\n/)" }, { side: "RIGHT", line: 5 }],
    ["off by 3 inside the hunk, found by its quote", { line: 8, quote: "const lines = input.split(/\\r?\\n/);" }, { side: "RIGHT", line: 5 }],
    ["off by 3 past the hunk, found by its quote", { line: 108, quote: "newStart: +newStart," }, { side: "RIGHT", line: 103 }],
    ["a quote with other whitespace", { line: 110, quote: "newStart:   +newStart," }, { side: "RIGHT", line: 103 }],
    ["a deleted line quoted under the wrong side", { line: 6, quote: 'const lines = input.split("\\n");' }, { side: "LEFT", line: 5 }],
    ["a cited line its quote contradicts, with no match nearby: the body", { line: 6, quote: "nothing like this" }, "unanchored"],
    ["an unknown line, no quote", { line: 50 }, "unanchored"],
    ["an unknown line, quote not nearby", { line: 50, quote: "const files = [];" }, "unanchored"],
    ["a quote more than 10 lines away", { line: 19, quote: "const files = [];" }, "unanchored"],
    ["line 0 and negative lines", { line: 0, quote: null }, "unanchored"],
    ["a deleted line on LEFT", { side: "LEFT", line: 234 }, { side: "LEFT", line: 234 }],
    ["an unchanged line cited on LEFT, moved to RIGHT", { side: "LEFT", line: 230 }, { side: "RIGHT", line: 231 }],
    [
      "an unchanged line cited on LEFT with its quote, moved to RIGHT",
      { side: "LEFT", line: 230, quote: '.replace(gitFileHeaderRegex, "");' },
      { side: "RIGHT", line: 231 },
    ],
    ["an unchanged line cited on LEFT, its quote contradicting it", { side: "LEFT", line: 230, quote: "nothing like this" }, "unanchored"],
    ["a LEFT line outside the diff", { side: "LEFT", line: 50 }, "unanchored"],
    ["a path the diff does not have", { path: "other.js" }, "unanchored"],
    ["a ./-prefixed path", { path: "./parse.js", line: 6 }, { side: "RIGHT", line: 6 }],
    ["a b/-prefixed path", { path: "b/parse.js", line: 6 }, { side: "RIGHT", line: 6 }],
  ])("%s", (_, overrides, expected) => {
    const { comments, unanchored } = anchorFindings([finding(overrides)], ANCHORS);
    if (expected === "unanchored") {
      expect(comments).toEqual([]);
      expect(unanchored).toHaveLength(1);
      return;
    }
    expect(unanchored).toEqual([]);
    expect(comments).toHaveLength(1);
    const { comment } = comments[0]!;
    expect(comment.path).toBe("parse.js");
    expect({ side: comment.side, line: comment.line }).toEqual(expected);
    expect(comment.start_line).toBeUndefined();
    expect(comment.start_side).toBeUndefined();
  });
});

describe("anchorFindings: modified lines on the commander 12.0.0 -> 12.1.0 release diff", () => {
  // lib/command.js: old L422-L423 were re-wrapped as R438-R442, so the deleted L422 holds the text of
  // both R438 and R439 and sits between R437 and R438. lib/help.js: L52 became R52-R54 the same way.
  const commander = buildAnchorMap(parse("release-commander-12.0.0-12.1.0.diff"));
  const command = (overrides: Partial<Finding>) => finding({ path: "lib/command.js", ...overrides });
  const help = (overrides: Partial<Finding>) => finding({ path: "lib/help.js", ...overrides });

  const right = (line: number): Placement => ({ side: "RIGHT", line });
  const left = (line: number): Placement => ({ side: "LEFT", line });

  it.each<[string, Finding, Placement]>([
    ["R438 cited with the quote of R439 stays on the new side", command({ line: 438, quote: "      this._addImplicitHelpCommand ??" }), right(439)],
    ["R437 cited with the quote of R438", command({ line: 437, quote: "    const hasImplicitHelpCommand =" }), right(438)],
    ["R442 cited with the quote of R439", command({ line: 442, quote: "this._addImplicitHelpCommand ??" }), right(439)],
    ["R51 cited with the quote of R53", help({ line: 51, quote: "        ? option.short.replace(/^-/, '')" }), right(53)],
    ["a whole-line match two lines away over a fragment of the cited line", help({ line: 75, quote: "visibleOptions.push(" }), right(77)],
    [
      "the deleted line, cited on LEFT one off",
      command({ side: "LEFT", line: 423, quote: "const hasImplicitHelpCommand = this._addImplicitHelpCommand ??" }),
      left(422),
    ],
    [
      "a fragment on the cited side over a whole line on the other",
      command({ side: "LEFT", line: 422, quote: "!this._actionHandler &&" }),
      left(423),
    ],
    [
      "a quote found only on the other side",
      help({ side: "LEFT", line: 75, quote: "cmd.createOption(helpOption.long, helpOption.description)," }),
      right(78),
    ],
  ])("%s", (_, cited, expected) => {
    const { comments, unanchored } = anchorFindings([cited], commander);
    expect(unanchored).toEqual([]);
    expect(comments.map(({ comment }) => ({ side: comment.side, line: comment.line }))).toEqual([expected]);
  });

  // lib/help.js R77-R79 and R81-R83 are the same call with `long` and `short`: first and last lines equal.
  it.each<[string, Finding, { line: number; start_line?: number }]>([
    [
      "a two-line quote over its first line alone, nearer",
      help({ line: 78, quote: "visibleOptions.push(\n  cmd.createOption(helpOption.short, helpOption.description)," }),
      { line: 81 },
    ],
    [
      "a range quoted in full over its last line alone, nearer",
      help({ line: 82, startLine: 81, quote: "cmd.createOption(helpOption.long, helpOption.description),\n);" }),
      { line: 79, start_line: 78 },
    ],
  ])("%s", (_, cited, expected) => {
    const { comments } = anchorFindings([cited], commander);
    expect(comments.map(({ comment: { side, line, start_line } }) => ({ side, line, start_line }))).toEqual([
      { side: "RIGHT", start_line: undefined, ...expected },
    ]);
  });
});

describe("anchorFindings: ranges", () => {
  it.each<[string, Partial<Finding>, { line: number; start_line?: number }]>([
    ["a range inside the hunk", { line: 6, startLine: 3 }, { line: 6, start_line: 3 }],
    ["a start above the hunk, clamped to its first line", { line: 5, startLine: 1 }, { line: 5, start_line: 2 }],
    ["a start in another hunk, clamped into this one", { line: 101, startLine: 5 }, { line: 101, start_line: 99 }],
    ["a start equal to the line, dropped", { line: 5, startLine: 5 }, { line: 5 }],
    ["a start after the line, dropped", { line: 5, startLine: 7 }, { line: 5 }],
    [
      "a range off by 3, moved whole by its quote",
      { line: 108, startLine: 107, quote: "      newLines: toNumOfLines(newNumLines),\n    };" },
      { line: 105, start_line: 104 },
    ],
  ])("%s", (_, overrides, expected) => {
    const [anchored] = anchorFindings([finding(overrides)], ANCHORS).comments;
    const { line, start_line, start_side, side } = anchored!.comment;
    expect({ line, ...(start_line === undefined ? {} : { start_line }) }).toEqual(expected);
    expect(start_side).toBe(start_line === undefined ? undefined : side);
  });
});

describe("anchorFindings: suggestions", () => {
  it.each<[string, Partial<Finding>, boolean]>([
    ["a one-line suggestion on RIGHT", { line: 6, quote: "if (lines.length === 0) return [];" }, true],
    ["a range kept as the model wrote it", { line: 6, startLine: 3, quote: "if (lines.length === 0) return [];" }, true],
    [
      "a range whose whole quote matches it",
      { line: 6, startLine: 5, quote: "  const lines = input.split(/\\r?\\n/);\n  if (lines.length === 0) return [];" },
      true,
    ],
    ["no quote to check the line against", { line: 6 }, false],
    [
      "a range whose quote does not match its first line",
      { line: 6, startLine: 5, quote: "const files = [];\nif (lines.length === 0) return [];" },
      false,
    ],
    ["a range moved whole by its quote", { line: 108, startLine: 107, quote: "      newLines: toNumOfLines(newNumLines),\n    };" }, true],
    ["a range clamped into the hunk", { line: 5, startLine: 1 }, false],
    ["a range whose start was dropped", { line: 5, startLine: 7 }, false],
    ["a LEFT comment", { side: "LEFT", line: 234 }, false],
  ])("%s: applicable block = %s", (_, overrides, applicable) => {
    const [anchored] = anchorFindings([finding({ ...overrides, suggestion: "  replaced();" })], ANCHORS).comments;
    const { comment, finding: source } = anchored!;
    expect(comment.body.includes("```suggestion\n  replaced();\n```")).toBe(applicable);
    expect(comment.body).toContain("  replaced();");
    if (applicable) {
      // The block GitHub applies replaces exactly the lines the model wrote it for.
      const modelSpan = source.startLine === null ? 1 : source.line - source.startLine + 1;
      expect(comment.side).toBe("RIGHT");
      expect(comment.start_line === undefined ? 1 : comment.line - comment.start_line + 1).toBe(modelSpan);
    }
  });
});

describe("anchorFindings: over every fixture", () => {
  it.each(ALL_FIXTURES)("%s: every comment it returns is one GitHub accepts", (name) => {
    const files = parse(name);
    const anchors = buildAnchorMap(files);
    // Citations on and around every diff line, on both sides, some with a quote of a nearby line.
    const findings: Finding[] = [];
    for (const file of files) {
      const lines = file.hunks.flatMap((hunk) => hunk.lines);
      lines.forEach((line, i) => {
        const number = line.newLine ?? line.oldLine ?? 1;
        for (const offset of [-12, -3, 0, 1, 4]) {
          for (const side of ["LEFT", "RIGHT"] as const) {
            findings.push(
              finding({
                path: file.path,
                side,
                line: Math.max(1, number + offset),
                startLine: offset === 1 ? Math.max(1, number - 6) : null,
                quote: offset === -3 ? (lines[(i + 2) % lines.length]?.content ?? null) : null,
                title: `${i}/${offset}/${side}`,
                suggestion: "x();",
              }),
            );
          }
        }
      });
    }
    const { comments, unanchored } = anchorFindings(findings, anchors);
    expect(comments.length + unanchored.length).toBeLessThanOrEqual(findings.length);
    if (findings.length > 0 && files.some((file) => file.hunks.length > 0)) expect(comments.length).toBeGreaterThan(0);
    for (const { comment } of comments) {
      expect(anchors.isAnchorable(comment.path, comment.side, comment.line), JSON.stringify(comment)).toBe(true);
      if (comment.start_line !== undefined) {
        expect(comment.start_side).toBe(comment.side);
        expect(comment.start_line).toBeLessThan(comment.line);
        expect(anchors.isAnchorable(comment.path, comment.side, comment.start_line)).toBe(true);
        expect(anchors.hunkIndexOf(comment.path, comment.side, comment.start_line)).toBe(anchors.hunkIndexOf(comment.path, comment.side, comment.line));
      }
      if (comment.body.includes("```suggestion")) expect(comment.side).toBe("RIGHT");
    }
  });

  it("keeps one comment when two findings land on the same line with the same title", () => {
    const twice = [finding({ line: 8, quote: "const lines = input.split(/\\r?\\n/);" }), finding({ line: 5 })];
    expect(anchorFindings(twice, ANCHORS).comments).toHaveLength(1);
  });
});

describe("anchorFindings: property tests over the corpus, checked by the GitHub fake's own validator", () => {
  const corpus = loadDiffCorpus();
  const normalise = (code: string) => code.trim().replace(/\s+/g, " ");

  it.each(corpus.map(({ name, text }, i) => [name, text, 1_000 + i] as const))(
    "%s: every comment it emits is one GitHub accepts (seed %#)",
    (_name, text, seed) => {
      const files = parseUnifiedDiff(text);
      const anchors = buildAnchorMap(files);
      const findings = generateFindings(files, seededRandom(seed));
      const { comments, unanchored } = anchorFindings(findings, anchors);
      const lines = files.reduce((sum, file) => sum + file.hunks.reduce((n, hunk) => n + hunk.lines.length, 0), 0);
      expect(findings).toHaveLength(lines * 4);
      if (lines > 0) expect(comments.length).toBeGreaterThan(0);
      expect(comments.length + unanchored.length).toBeLessThanOrEqual(findings.length);

      const invalid = findInvalidAnchors(text, comments.map((entry) => entry.comment));
      expect(invalid.slice(0, 5)).toEqual([]);

      // A quoted finding sits only on a line its quote matches: the quote's last line for a range, else its first.
      const contradicted = comments.filter(({ finding, comment }) => {
        const quoted = (finding.quote ?? "").split("\n").map(normalise).filter((line) => line.length > 0);
        const key = finding.startLine === null ? quoted[0] : quoted.at(-1);
        const text = normalise(anchors.lineText(comment.path, comment.side, comment.line) ?? "");
        return key !== undefined && text !== key && !(key.length >= 4 && text.includes(key));
      });
      expect(contradicted.slice(0, 5).map(({ finding, comment }) => ({ quote: finding.quote, side: comment.side, line: comment.line }))).toEqual([]);

      for (const { finding, comment } of comments) {
        const block = suggestionBlockOf(comment.body);
        if (block === null) continue;
        // GitHub applies the block to exactly the commented range: it must be the range the model wrote it for.
        expect(comment.side).toBe("RIGHT");
        const modelSpan = finding.startLine === null ? 1 : finding.line - finding.startLine + 1;
        const commentSpan = comment.start_line === undefined ? 1 : comment.line - comment.start_line + 1;
        expect(commentSpan, JSON.stringify({ finding, comment })).toBe(modelSpan);
        expect(block).toBe(finding.suggestion);
        expect(block.split("\n")).toHaveLength(commentSpan);
      }
    },
  );

  const offByFew = corpus.map(({ name, text }) => ({ name, files: parseUnifiedDiff(text) }));
  const offByFewCases = offByFew.map(({ files }) => generateOffByFewCitations(files));

  it.each(offByFew.map(({ name, files }, i) => [name, files, offByFewCases[i]!] as const))(
    "%s: an added line with a unique text, cited 1..5 lines off with its text as quote, lands exactly on it",
    (_name, files, cases) => {
      const { comments } = anchorFindings(
        cases.map(({ finding }) => finding),
        buildAnchorMap(files),
      );
      const placed = new Map(comments.map(({ finding, comment }) => [finding, { side: comment.side, line: comment.line }]));
      const misplaced = cases
        .filter(({ finding, expected }) => placed.get(finding)?.side !== expected.side || placed.get(finding)?.line !== expected.line)
        .map(({ finding }) => ({ title: finding.title, placed: placed.get(finding) ?? "body" }));
      expect(misplaced.slice(0, 5)).toEqual([]);
      expect(misplaced).toHaveLength(0);
    },
  );

  it("the off-by-few property covers thousands of citations over the corpus", () => {
    expect(offByFewCases.reduce((sum, cases) => sum + cases.length, 0)).toBeGreaterThan(10_000);
  });

  it("the generated findings exercise moved anchors, ranges and applicable suggestions", () => {
    const zod = corpus.find(({ name }) => name.startsWith("release-zod"))!;
    const files = parseUnifiedDiff(zod.text);
    const { comments } = anchorFindings(generateFindings(files, seededRandom(7)), buildAnchorMap(files));
    expect(comments.filter(({ finding, comment }) => comment.line !== finding.line).length).toBeGreaterThan(100);
    expect(comments.filter(({ comment }) => comment.start_line !== undefined).length).toBeGreaterThan(100);
    expect(comments.filter(({ comment }) => comment.side === "LEFT").length).toBeGreaterThan(100);
    expect(comments.filter(({ comment }) => suggestionBlockOf(comment.body) !== null).length).toBeGreaterThan(100);
  });

  it.each(corpus.map(({ name, text }) => [name, text] as const))("%s: every added and deleted line is reachable", (_name, text) => {
    const files = parseUnifiedDiff(text);
    const anchors = buildAnchorMap(files);
    const random = seededRandom(99);
    const expected: Array<{ side: Side; line: number }> = [];
    const findings: Finding[] = [];
    for (const file of files) {
      const all = file.hunks.flatMap((hunk) => hunk.lines);
      const texts = all.map((line) => normalise(line.content));
      for (const [i, line] of all.entries()) {
        if (line.kind === "context") continue;
        const side: Side = line.kind === "add" ? "RIGHT" : "LEFT";
        const number = (line.kind === "add" ? line.newLine : line.oldLine)!;
        const cite = (title: string, citedLine: number, quote: string | null) => {
          findings.push(finding({ path: file.path, side, line: citedLine, quote, title: `${title} ${file.path}:${side}${number}` }));
          expected.push({ side, line: number });
        };
        cite("exact", number, null);
        cite("exact with its quote", number, line.content);
        // Off by up to 10 lines, found by a quote no other line of the file contains.
        const quote = texts[i]!;
        const unique = quote.length >= 4 && texts.every((other, j) => j === i || !other.includes(quote));
        if (unique) cite("moved by its quote", Math.max(1, number + Math.floor(random() * 21) - 10), line.content);
      }
    }
    const { comments, unanchored } = anchorFindings(findings, anchors);
    const addedOrDeleted = files.reduce((sum, file) => sum + file.additions + file.deletions, 0);
    expect(findings.length).toBeGreaterThanOrEqual(addedOrDeleted * 2);
    expect(unanchored.map((f) => f.title).slice(0, 5)).toEqual([]);
    expect(comments).toHaveLength(findings.length);
    comments.forEach(({ comment }, i) => {
      expect({ side: comment.side, line: comment.line }, comments[i]!.finding.title).toEqual(expected[i]);
    });
    expect(findInvalidAnchors(text, comments.map((entry) => entry.comment))).toEqual([]);
  });
});
