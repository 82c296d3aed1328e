import { describe, expect, it } from "vitest";
import { mergeChunkReviews } from "../../../src/review/merge-chunk-reviews.js";
import type { Finding } from "../../../src/review/types.js";

const finding = (overrides: Partial<Finding> = {}): Finding => ({
  path: "a.ts",
  line: 10,
  side: "RIGHT",
  startLine: null,
  severity: "P1",
  title: "Off by one",
  body: "b",
  suggestion: null,
  quote: null,
  ...overrides,
});

describe("mergeChunkReviews", () => {
  it.each<[string, Partial<Finding>, number]>([
    ["the same finding from two overlapping slices", { title: "  off BY one " }, 1],
    ["another line", { line: 11 }, 2],
    ["another side", { side: "LEFT" }, 2],
    ["another severity", { severity: "P2" }, 2],
    ["another title", { title: "Leak" }, 2],
    ["another file", { path: "b.ts" }, 2],
  ])("%s -> %i finding(s)", (_, second, count) => {
    const merged = mergeChunkReviews([
      { summary: "first", findings: [finding()] },
      { summary: "second", findings: [finding(second)] },
    ]);
    expect(merged.findings).toHaveLength(count);
    expect(merged.findings[0]).toEqual(finding());
  });

  it("keeps the non-empty summaries in chunk order", () => {
    expect(mergeChunkReviews([{ summary: " a ", findings: [] }, { summary: "", findings: [] }, { summary: "b", findings: [] }]).summaries).toEqual(["a", "b"]);
  });
});
