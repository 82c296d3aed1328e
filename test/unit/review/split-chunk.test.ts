import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseUnifiedDiff } from "../../../src/diff/parse-unified-diff.js";
import type { FileDiff } from "../../../src/diff/types.js";
import { chunkDiff } from "../../../src/review/chunk-diff.js";
import { splitChunk } from "../../../src/review/split-chunk.js";
import type { Chunk } from "../../../src/review/types.js";

const FIXTURES = new URL("../../fixtures/diffs/", import.meta.url);
const parse = (name: string): FileDiff[] => parseUnifiedDiff(readFileSync(new URL(name, FIXTURES), "utf8"));
const chunksOf = (name: string, budgetTokens = 12_000): Chunk[] => chunkDiff(parse(name), { budgetTokens }).chunks;

/** Every line of a chunk as path, kind and numbers, in order. */
const linesOf = (chunk: Chunk): string[] =>
  chunk.files.flatMap((file) => file.hunks.flatMap((hunk) => hunk.lines.map((line) => `${file.path} ${line.kind} ${line.oldLine} ${line.newLine}`)));

describe("splitChunk", () => {
  it.each(readdirSync(FIXTURES).filter((name) => name.endsWith(".diff")))("%s: the halves hold every line of the chunk once, in order", (name) => {
    for (const chunk of chunksOf(name)) {
      const halves = splitChunk(chunk);
      if (linesOf(chunk).length < 2) {
        expect(halves).toBeNull();
        continue;
      }
      expect(halves).not.toBeNull();
      const [first, second] = halves!;
      expect(linesOf(first).length).toBeGreaterThan(0);
      expect(linesOf(second).length).toBeGreaterThan(0);
      expect([...linesOf(first), ...linesOf(second)]).toEqual(linesOf(chunk));
      expect(first.index).toBe(chunk.index);
      expect(second.index).toBe(chunk.index);
    }
  });

  it("cuts between hunks when there are several, balancing their sizes", () => {
    const [chunk] = chunksOf("multi-hunk.diff");
    const [first, second] = splitChunk(chunk!)!;
    const hunks = chunk!.files[0]!.hunks;
    expect(hunks).toHaveLength(3);
    expect([...first.files[0]!.hunks, ...second.files[0]!.hunks]).toEqual(hunks);
    expect(first.tokens + second.tokens).toBeGreaterThanOrEqual(chunk!.tokens);
  });

  it("cuts one hunk into two renumbered parts", () => {
    const [chunk] = chunksOf("new-file.diff");
    expect(chunk!.files[0]!.hunks).toHaveLength(1);
    const [first, second] = splitChunk(chunk!)!;
    const a = first.files[0]!.hunks[0]!;
    const b = second.files[0]!.hunks[0]!;
    expect(a.header).toMatch(/\(part 1\/2\)$/);
    expect(b.header).toMatch(/\(part 2\/2\)$/);
    expect(b.newStart).toBe(a.newStart + a.newLines);
    expect(Math.abs(a.lines.length - b.lines.length)).toBeLessThanOrEqual(Math.ceil(a.lines.length / 2));
  });

  it("keeps the files of a multi-file chunk whole on each side of the cut", () => {
    const [chunk] = chunksOf("one-line-file.diff");
    expect(chunk!.files).toHaveLength(2);
    const [first, second] = splitChunk(chunk!)!;
    expect(first.files.map((file) => file.path)).toEqual([".node-version"]);
    expect(second.files.map((file) => file.path)).toEqual([".nvmrc"]);
  });
});
