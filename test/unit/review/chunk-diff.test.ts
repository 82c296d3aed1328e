import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseUnifiedDiff } from "../../../src/diff/parse-unified-diff.js";
import type { DiffLine, FileDiff } from "../../../src/diff/types.js";
import { countTokens } from "../../../src/llm/count-tokens.js";
import { chunkDiff, MAX_LINE_CHARS } from "../../../src/review/chunk-diff.js";
import { renderFiles } from "../../../src/review/render-hunk.js";
import type { Chunk } from "../../../src/review/types.js";

const FIXTURES = new URL("../../fixtures/diffs/", import.meta.url);
const parse = (name: string): FileDiff[] => parseUnifiedDiff(readFileSync(new URL(name, FIXTURES), "utf8"));
const ALL_FIXTURES = readdirSync(FIXTURES).filter((name) => name.endsWith(".diff"));
// Every fixture as one big PR; the prefix keeps paths that several fixtures share apart.
const CORPUS: FileDiff[] = ALL_FIXTURES.flatMap((name) => parse(name).map((file) => ({ ...file, path: `${name}/${file.path}` })));

const exactTokens = (chunk: Chunk): number => countTokens(renderFiles(chunk.files));
const lineKey = (path: string, line: DiffLine): string => `${path}\0${line.kind}\0${line.oldLine}\0${line.newLine}`;

/** Mean fill of all chunks but the last, by a real count of each chunk's rendered text. */
function meanFill(chunks: Chunk[], budget: number): number {
  const body = chunks.slice(0, -1);
  return body.reduce((sum, chunk) => sum + exactTokens(chunk) / budget, 0) / body.length;
}

describe("chunkDiff on the fixture corpus", () => {
  it.each([600, 1_000, 2_000, 4_000, 12_000])("budget %i: no chunk over budget, and the summed count is the real one", (budget) => {
    const { chunks } = chunkDiff(CORPUS, { budgetTokens: budget });
    expect(chunks.length).toBeGreaterThan(0);
    for (const chunk of chunks) {
      expect(exactTokens(chunk)).toBeLessThanOrEqual(budget);
      expect(chunk.tokens).toBe(exactTokens(chunk));
    }
  });

  it.each([600, 2_000, 12_000])("budget %i: every hunk line is in exactly one chunk, except split overlaps", (budget) => {
    const { chunks, skipped } = chunkDiff(CORPUS, { budgetTokens: budget });
    expect(skipped).toEqual([]);
    const seen = new Map<string, number>();
    const inSlices = new Set<string>();
    for (const file of chunks.flatMap((chunk) => chunk.files)) {
      for (const hunk of file.hunks) {
        for (const line of hunk.lines) {
          const key = lineKey(file.path, line);
          seen.set(key, (seen.get(key) ?? 0) + 1);
          if (/\(part \d+\/\d+\)$/.test(hunk.header)) inSlices.add(key);
        }
      }
    }
    let expected = 0;
    for (const file of CORPUS.filter((f) => !f.binary)) {
      for (const line of file.hunks.flatMap((hunk) => hunk.lines)) {
        expected++;
        const key = lineKey(file.path, line);
        expect(seen.get(key), key).toBeGreaterThanOrEqual(1);
        if (!inSlices.has(key)) expect(seen.get(key), key).toBe(1);
      }
    }
    expect(seen.size).toBe(expected);
  });

  it.each([600, 2_000, 12_000])("budget %i: a file's pieces come in order, one piece per chunk", (budget) => {
    const position = new Map<string, number>();
    for (const file of CORPUS) file.hunks.flatMap((hunk) => hunk.lines).forEach((line, i) => position.set(lineKey(file.path, line), i));
    const { chunks } = chunkDiff(CORPUS, { budgetTokens: budget });
    const last = new Map<string, number>();
    for (const chunk of chunks) {
      expect(new Set(chunk.files.map((file) => file.path)).size).toBe(chunk.files.length);
      for (const file of chunk.files) {
        const positions = file.hunks.flatMap((hunk) => hunk.lines.map((line) => position.get(lineKey(file.path, line))!));
        // Within a piece strictly in diff order; a later piece may repeat only the 3 overlap lines.
        positions.forEach((p, i) => i > 0 && expect(p, file.path).toBeGreaterThan(positions[i - 1]!));
        expect(positions[0]!, file.path).toBeGreaterThanOrEqual((last.get(file.path) ?? -1) - 2);
        last.set(file.path, positions.at(-1)!);
      }
    }
  });

  it.each([2_000, 4_000, 8_000, 12_000])("budget %i: chunks but the last are at least 85%% full", (budget) => {
    const { chunks } = chunkDiff(CORPUS, { budgetTokens: budget });
    const fill = meanFill(chunks, budget);
    console.log(`chunkDiff fill, fixture corpus, budget ${budget}: ${chunks.length} chunks, mean fill ${(fill * 100).toFixed(1)}%`);
    expect(fill).toBeGreaterThanOrEqual(0.85);
  });

  it.each<[string, number]>([
    ["release-zod-3.22.4-3.23.7.diff", 3_000],
    ["release-zod-3.22.4-3.23.7.diff", 12_000],
    ["release-parse-diff-0.11.1-0.12.0.diff", 1_500],
    ["generated.diff", 1_000],
  ])("%s alone at budget %i: chunks but the last are at least 85%% full", (name, budget) => {
    const { chunks } = chunkDiff(parse(name), { budgetTokens: budget });
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    const fill = meanFill(chunks, budget);
    console.log(`chunkDiff fill, ${name}, budget ${budget}: ${chunks.length} chunks, mean fill ${(fill * 100).toFixed(1)}%`);
    expect(fill).toBeGreaterThanOrEqual(0.85);
  });

  it("is deterministic", () => {
    expect(chunkDiff(CORPUS, { budgetTokens: 3_000 })).toEqual(chunkDiff(CORPUS, { budgetTokens: 3_000 }));
  });
});

describe("chunkDiff packing rules", () => {
  const zod = parse("release-zod-3.22.4-3.23.7.diff");

  it("keeps a file whole when some chunk has room for it", () => {
    const { chunks } = chunkDiff(zod, { budgetTokens: 12_000 });
    const pieces = new Map<string, number>();
    for (const file of chunks.flatMap((chunk) => chunk.files)) pieces.set(file.path, (pieces.get(file.path) ?? 0) + 1);
    const cap = 12_000 * 0.98;
    for (const file of zod.filter((f) => f.hunks.length > 0)) {
      if (countTokens(renderFiles([file])) <= cap * 0.5) expect(pieces.get(file.path), file.path).toBe(1);
    }
  });

  it("splits files at hunk boundaries into the gaps when too little is left to fill them", () => {
    // Five files of about 60% of a chunk each: kept whole they need five chunks at 60%; split into
    // the gaps they need three or four.
    const budget = 4_000;
    const source = zod.flatMap((file) => file.hunks).filter((hunk) => countTokens(renderFiles([{ path: "x", oldPath: null, status: "modified", hunks: [hunk] }])) < 300);
    let next = 0;
    const files: FileDiff[] = Array.from({ length: 5 }, (_, f) => {
      const hunks = [];
      while (countTokens(renderFiles([{ path: `f${f}.ts`, oldPath: null, status: "modified", hunks }])) < budget * 0.6) hunks.push(source[next++ % source.length]!);
      return { path: `f${f}.ts`, oldPath: null, status: "modified", binary: false, additions: 0, deletions: 0, hunks };
    });
    const { chunks } = chunkDiff(files, { budgetTokens: budget });
    const fill = meanFill(chunks, budget);
    console.log(`chunkDiff fill, five files of 60% each, budget ${budget}: ${chunks.length} chunks, mean fill ${(fill * 100).toFixed(1)}%`);
    expect(chunks.length).toBeLessThanOrEqual(4);
    expect(fill).toBeGreaterThanOrEqual(0.85);
    for (const chunk of chunks) expect(exactTokens(chunk)).toBeLessThanOrEqual(budget);
  });

  it("over maxChunks keeps the longest prefix of files that fits, whole, and names the rest as skipped", () => {
    const all = chunkDiff(zod, { budgetTokens: 12_000 });
    const capped = chunkDiff(zod, { budgetTokens: 12_000, maxChunks: 3 });
    expect(all.chunks.length).toBeGreaterThan(3);
    expect(capped.chunks.length).toBeLessThanOrEqual(3);
    expect(capped.partial).toEqual([]);
    const withLines = zod.filter((file) => file.hunks.length > 0).map((file) => file.path);
    const reviewed = [...new Set(capped.chunks.flatMap((chunk) => chunk.files.map((file) => file.path)))];
    // The files kept are the first ones in the order given, and the skipped ones are all the others.
    expect(reviewed.length).toBeGreaterThan(0);
    expect(new Set(reviewed)).toEqual(new Set(withLines.slice(0, reviewed.length)));
    expect(capped.skipped).toEqual(withLines.slice(reviewed.length));
    // Kept files are whole: every line of theirs is in some chunk.
    for (const path of reviewed) {
      const lines = capped.chunks.flatMap((chunk) => chunk.files.filter((file) => file.path === path).flatMap((file) => file.hunks.flatMap((hunk) => hunk.lines)));
      const source = zod.find((file) => file.path === path)!.hunks.flatMap((hunk) => hunk.lines);
      expect(new Set(lines.map((line) => lineKey(path, line)))).toEqual(new Set(source.map((line) => lineKey(path, line))));
    }
    // One more file would not have fitted.
    expect(chunkDiff(zod.slice(0, zod.findIndex((file) => file.path === withLines[reviewed.length]) + 1), { budgetTokens: 12_000 }).chunks.length).toBeGreaterThan(3);
  });

  it("reviews the beginning of the first file when it alone needs more than maxChunks", () => {
    const biggest = [...zod].sort((a, b) => b.additions + b.deletions - (a.additions + a.deletions))[0]!;
    const others = zod.filter((file) => file !== biggest && file.hunks.length > 0);
    const capped = chunkDiff([biggest, ...others], { budgetTokens: 1_000, maxChunks: 2 });
    expect(capped.chunks).toHaveLength(2);
    expect(capped.partial).toEqual([biggest.path]);
    expect(capped.chunks.every((chunk) => chunk.files.every((file) => file.path === biggest.path))).toBe(true);
    expect(capped.skipped).toEqual(others.map((file) => file.path));
    expect(chunkDiff([biggest], { budgetTokens: 1_000, maxChunks: 0 })).toMatchObject({ chunks: [], skipped: [biggest.path], partial: [] });
  });

  it("ignores binary files and files without hunks; the file filter reports those", () => {
    const files = [...parse("binary-file.diff"), ...parse("rename-pure.diff"), ...parse("mode-change.diff")];
    expect(files.length).toBeGreaterThan(0);
    const { chunks, skipped } = chunkDiff(files, { budgetTokens: 2_000 });
    expect(chunks.flatMap((chunk) => chunk.files).every((file) => file.hunks.length > 0)).toBe(true);
    expect(skipped).toEqual([]);
  });

  it("returns no chunks for an empty diff and rejects a non-positive budget", () => {
    expect(chunkDiff([], { budgetTokens: 1_000 })).toEqual({ chunks: [], skipped: [], partial: [] });
    expect(() => chunkDiff(zod, { budgetTokens: 0 })).toThrow(RangeError);
  });
});

describe("chunkDiff on hunks over budget", () => {
  const newFile = parse("new-file.diff").find((file) => file.hunks.length > 0);
  // A real file's lines repeated into one 600-line added hunk.
  const source = newFile!.hunks.flatMap((hunk) => hunk.lines.map((line) => line.content));
  const lines: DiffLine[] = Array.from({ length: 600 }, (_, i) => ({ kind: "add", content: source[i % source.length]!, oldLine: null, newLine: i + 1 }));
  const big: FileDiff = {
    path: "src/big.js",
    oldPath: null,
    status: "added",
    binary: false,
    additions: 600,
    deletions: 0,
    hunks: [{ header: "@@ -0,0 +1,600 @@", oldStart: 0, oldLines: 0, newStart: 1, newLines: 600, lines }],
  };

  it.each([400, 1_000, 3_000])("budget %i: slices on line boundaries, overlapping by 3 lines, all within budget", (budget) => {
    const { chunks } = chunkDiff([big], { budgetTokens: budget });
    expect(chunks.length).toBeGreaterThan(1);
    const slices = chunks.flatMap((chunk) => chunk.files.flatMap((file) => file.hunks));
    slices.forEach((slice, i) => {
      expect(slice.header).toMatch(new RegExp(`\\(part ${i + 1}/${slices.length}\\)$`));
      expect(slice.newStart).toBe(slice.lines[0]!.newLine);
      if (i > 0) expect(slice.lines[0]!.newLine).toBe(slices[i - 1]!.lines.at(-1)!.newLine! - 2);
    });
    expect(slices.at(-1)!.lines.at(-1)!.newLine).toBe(600);
    for (const chunk of chunks) expect(exactTokens(chunk)).toBeLessThanOrEqual(budget);
  });

  it("cuts a line longer than MAX_LINE_CHARS, and one longer than a chunk, to fit", () => {
    const minified = "var a=" + "function(b){return b+1},".repeat(2_000);
    const hunk = { ...big.hunks[0]!, lines: [{ kind: "add" as const, content: minified, oldLine: null, newLine: 1 }] };
    for (const budget of [300, 12_000]) {
      const { chunks } = chunkDiff([{ ...big, hunks: [hunk] }], { budgetTokens: budget });
      const content = chunks[0]!.files[0]!.hunks[0]!.lines[0]!.content;
      expect(content.length).toBeLessThanOrEqual(MAX_LINE_CHARS + 20);
      expect(content).toMatch(/…\[line truncated\]$/);
      expect(exactTokens(chunks[0]!)).toBeLessThanOrEqual(budget);
    }
  });
});

describe("chunkDiff speed", () => {
  it("chunks 3,000 files and 100,000 distinct lines in well under a second", () => {
    const source = CORPUS.flatMap((file) => file.hunks.flatMap((hunk) => hunk.lines.map((line) => line.content)));
    let next = 0;
    const files: FileDiff[] = Array.from({ length: 3_000 }, (_, f) => {
      const lines: DiffLine[] = Array.from({ length: 34 }, (_, i) => {
        // A unique suffix per line defeats the memo: the worst case for counting.
        const content = `${source[next++ % source.length]} // ${f}.${i}`;
        return i % 3 === 0 ? { kind: "del", content, oldLine: i + 1, newLine: null } : { kind: "add", content, oldLine: null, newLine: i + 1 };
      });
      return { path: `pkg/file-${f}.ts`, oldPath: null, status: "modified", binary: false, additions: 0, deletions: 0, hunks: [{ header: "@@ -1,34 +1,34 @@", oldStart: 1, oldLines: 34, newStart: 1, newLines: 34, lines }] };
    });
    const started = performance.now();
    const { chunks } = chunkDiff(files, { budgetTokens: 12_000 });
    const elapsed = performance.now() - started;
    console.log(`chunkDiff speed: 3,000 files, ${next} lines -> ${chunks.length} chunks in ${elapsed.toFixed(0)} ms`);
    expect(chunks.flatMap((chunk) => chunk.files)).toHaveLength(3_000);
    // The bound is loose for slow CI machines; a quadratic pass would take many seconds.
    expect(elapsed).toBeLessThan(2_000);
  });
});
