import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildAnchorMap } from "../../../src/diff/anchor-map.js";
import { parseUnifiedDiff } from "../../../src/diff/parse-unified-diff.js";
import type { FileDiff, Side } from "../../../src/diff/types.js";

const FIXTURES = new URL("../../fixtures/diffs/", import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), "utf8");
const parse = (name: string): FileDiff[] => parseUnifiedDiff(fixture(name));
const ALL_FIXTURES = readdirSync(FIXTURES).filter((name) => name.endsWith(".diff"));

describe("buildAnchorMap: known anchors", () => {
  it.each<[string, string, Side, number, string | null]>([
    // multi-hunk: new-side hunks 2-8, 99-105, 227-237
    ["multi-hunk.diff", "parse.js", "RIGHT", 5, "  const lines = input.split(/\\r?\\n/);"],
    ["multi-hunk.diff", "parse.js", "LEFT", 5, '  const lines = input.split("\\n");'],
    ["multi-hunk.diff", "parse.js", "RIGHT", 2, "  if (!input) return [];"],
    ["multi-hunk.diff", "parse.js", "LEFT", 2, null], // context lines anchor on RIGHT only
    ["multi-hunk.diff", "parse.js", "RIGHT", 1, null], // above the first hunk
    ["multi-hunk.diff", "parse.js", "RIGHT", 8, "  const files = [];"],
    ["multi-hunk.diff", "parse.js", "RIGHT", 9, null], // between hunks
    ["multi-hunk.diff", "parse.js", "RIGHT", 98, null],
    ["multi-hunk.diff", "parse.js", "RIGHT", 99, "      content: line,"],
    ["multi-hunk.diff", "parse.js", "RIGHT", 230, "    .replace(/\\\\([0-7]{3})/g, (_, octal) => String.fromCharCode(parseInt(octal, 8)))"],
    ["multi-hunk.diff", "parse.js", "LEFT", 234, "  string = makeString(string);"],
    ["multi-hunk.diff", "parse.js", "RIGHT", 237, "  const trimmingString = formTrimmingString(trimmingChars);"],
    ["multi-hunk.diff", "parse.js", "RIGHT", 238, null], // below the last hunk
    ["multi-hunk.diff", "parse.js", "RIGHT", 0, null],
    ["multi-hunk.diff", "parse.js", "RIGHT", -1, null],
    ["zero-context.diff", "parse.js", "RIGHT", 98, "    const hunkHeader = line;"],
    ["zero-context.diff", "parse.js", "RIGHT", 97, null],
    ["zero-context.diff", "parse.js", "LEFT", 122, "    currentFile.deletions++;"],
    ["zero-context.diff", "parse.js", "RIGHT", 122, null],
    ["one-line-file.diff", ".nvmrc", "RIGHT", 1, "22"],
    ["one-line-file.diff", ".nvmrc", "LEFT", 1, "24"],
    ["one-line-file.diff", ".nvmrc", "RIGHT", 2, null],
    ["no-newline-eof.diff", ".borp.yaml", "RIGHT", 6, "  - 'test/**/*.spec.js'"],
    ["no-newline-eof.diff", ".borp.yaml", "RIGHT", 7, null], // the marker is no line
    ["crlf.diff", "lib/types-crlf.d.ts", "RIGHT", 15, "    binary?: true;"],
    ["deleted-file.diff", "index.d.ts", "LEFT", 1, "declare function parseDiff(input?: string | null): parseDiff.File[];"],
    ["deleted-file.diff", "index.d.ts", "RIGHT", 1, null],
    ["rename-pure.diff", "LICENSE.md", "RIGHT", 1, null],
    ["rename-with-changes.diff", "lib/parse-diff.js", "LEFT", 5, '  const lines = input.split("\\n");'],
    ["rename-with-changes.diff", "parse.js", "LEFT", 5, null], // comments use the new path
    ["binary-file.diff", "docs/demo.png", "RIGHT", 1, null],
    ["unicode-paths-quoted.diff", "docs/café.md", "RIGHT", 7, "Simple unified diff parser for JavaScript and TypeScript"],
    ["unicode-paths-quoted.diff", "docs/caf\\303\\251.md", "RIGHT", 7, null],
    ["unicode-paths-quoted.diff", 'docs/say "hi".txt', "RIGHT", 1, "24"],
    ["release-zod-3.22.4-3.23.7.diff", "lib/types.js", "LEFT", 400, "            //"],
    ["release-zod-3.22.4-3.23.7.diff", "lib/types.js", "RIGHT", 427, "            return parseUtil_1.INVALID;"],
    ["release-zod-3.22.4-3.23.7.diff", "lib/types.js", "LEFT", 402, null],
  ])("%s %s %s %i -> %j", (name, path, side, line, text) => {
    const anchors = buildAnchorMap(parse(name));
    expect(anchors.isAnchorable(path, side, line)).toBe(text !== null);
    expect(anchors.lineText(path, side, line)).toBe(text);
  });

  it.each<[Side, number, number | null]>([
    ["RIGHT", 2, 0],
    ["LEFT", 5, 0],
    ["RIGHT", 102, 1],
    ["LEFT", 102, 1],
    ["RIGHT", 227, 2],
    ["LEFT", 234, 2],
    ["RIGHT", 50, null],
    ["LEFT", 229, null],
  ])("hunkIndexOf(parse.js, %s, %i) = %s", (side, line, index) => {
    expect(buildAnchorMap(parse("multi-hunk.diff")).hunkIndexOf("parse.js", side, line)).toBe(index);
  });

  it("returns a hunk's lines in order for re-anchoring by quoted text", () => {
    const anchors = buildAnchorMap(parse("multi-hunk.diff"));
    const lines = anchors.linesOfHunk("parse.js", 1);
    expect(lines?.map((l) => l.newLine ?? l.oldLine)).toEqual([99, 100, 101, 102, 102, 103, 104, 105]);
    expect(lines?.[3]).toEqual({ kind: "del", content: "      oldLines: toNumOfLines(oldNumLines),", oldLine: 102, newLine: null });
    expect(anchors.linesOfHunk("parse.js", 3)).toBeNull();
    expect(anchors.linesOfHunk("parse.js", -1)).toBeNull();
    expect(anchors.linesOfHunk("nope.js", 0)).toBeNull();
    expect(anchors.hunkCount("parse.js")).toBe(3);
    expect(anchors.hunkCount("nope.js")).toBe(0);
  });

  it("knows which files it has, binary and rename-only ones included", () => {
    const anchors = buildAnchorMap([...parse("binary-file.diff"), ...parse("rename-pure.diff")]);
    expect(["assets/favicon.ico", "docs/demo.png", "index.js", "LICENSE.md"].map(anchors.hasFile)).toEqual([true, true, true, true]);
    expect(anchors.hasFile("LICENSE")).toBe(false);
  });
});

describe("buildAnchorMap: over the whole corpus", () => {
  it.each(ALL_FIXTURES)("%s: added lines anchor RIGHT, deleted LEFT, context RIGHT only, nothing outside hunks", (name) => {
    const files = parse(name);
    const anchors = buildAnchorMap(files);
    for (const file of files) {
      const inNewRange = new Set<number>();
      const inOldRange = new Set<number>();
      file.hunks.forEach((hunk, index) => {
        for (let n = hunk.newStart; n < hunk.newStart + hunk.newLines; n++) inNewRange.add(n);
        for (let n = hunk.oldStart; n < hunk.oldStart + hunk.oldLines; n++) inOldRange.add(n);
        for (const line of hunk.lines) {
          if (line.kind === "add" || line.kind === "context") {
            expect(anchors.isAnchorable(file.path, "RIGHT", line.newLine as number)).toBe(true);
            expect(anchors.hunkIndexOf(file.path, "RIGHT", line.newLine as number)).toBe(index);
            expect(anchors.lineText(file.path, "RIGHT", line.newLine as number)).toBe(line.content);
          }
          if (line.kind === "del") {
            expect(anchors.isAnchorable(file.path, "LEFT", line.oldLine as number)).toBe(true);
            expect(anchors.hunkIndexOf(file.path, "LEFT", line.oldLine as number)).toBe(index);
            expect(anchors.lineText(file.path, "LEFT", line.oldLine as number)).toBe(line.content);
          }
          if (line.kind === "context") expect(anchors.isAnchorable(file.path, "LEFT", line.oldLine as number)).toBe(false);
        }
      });
      // The header ranges alone say which lines a comment may sit on: RIGHT exactly the new ranges,
      // LEFT only inside the old ranges, and exactly as many LEFT anchors as deleted lines.
      const maxLine = Math.max(0, ...inNewRange, ...inOldRange) + 3;
      let leftAnchors = 0;
      for (let n = -1; n <= maxLine; n++) {
        expect(anchors.isAnchorable(file.path, "RIGHT", n)).toBe(inNewRange.has(n));
        if (anchors.isAnchorable(file.path, "LEFT", n)) {
          expect(inOldRange.has(n)).toBe(true);
          leftAnchors++;
        }
      }
      expect(leftAnchors).toBe(file.deletions);
    }
  });

  it("indexes a 100,000-line diff quickly", () => {
    // The largest real diff, repeated under distinct paths, stands in for a huge PR.
    const base = fixture("release-zod-3.22.4-3.23.7.diff");
    const copies = Math.ceil(100_000 / base.split("\n").length);
    const copy = (i: number): string =>
      base
        .replace(/^diff --git a\/(.*) b\/(.*)$/gm, `diff --git a/copy${i}/$1 b/copy${i}/$2`)
        .replace(/^--- a\//gm, `--- a/copy${i}/`)
        .replace(/^\+\+\+ b\//gm, `+++ b/copy${i}/`);
    const text = Array.from({ length: copies }, (_, i) => copy(i)).join("");
    expect(text.split("\n").length).toBeGreaterThanOrEqual(100_000);
    const started = performance.now();
    const files = parseUnifiedDiff(text);
    const anchors = buildAnchorMap(files);
    let hits = 0;
    for (const file of files) for (let n = 1; n <= 2_000; n++) if (anchors.isAnchorable(file.path, "RIGHT", n)) hits++;
    expect(files).toHaveLength(copies * 17);
    expect(new Set(files.map((file) => file.path)).size).toBe(files.length);
    expect(hits).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
