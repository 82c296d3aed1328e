import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { planReview } from "../../../src/review/plan-review.js";
import { renderReviewBody } from "../../../src/review/render-review.js";
import { newFileDiff } from "../../support/new-file-diff.js";

const FIXTURES = new URL("../../fixtures/diffs/", import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), "utf8");

const UNCAPPED = { chunkTokens: 12_000, maxFiles: 300, maxChunks: 20, maxInputTokens: 400_000, exclude: [] };

// Diff order mixes the classes so that a plain "first N files" cap would pick the wrong ones.
const PR = [
  newFileDiff("README.md", 120),
  newFileDiff("test/parser.test.ts", 80),
  newFileDiff("src/small.ts", 10),
  newFileDiff("package.json", 5),
  newFileDiff("src/large.ts", 60),
  newFileDiff("docs/guide.md", 200),
  newFileDiff("src/medium.ts", 30),
].join("");

const reviewedPaths = (plan: ReturnType<typeof planReview>) => [...new Set(plan.chunks.flatMap((chunk) => chunk.files.map((file) => file.path)))];

describe("planReview: prioritisation under caps", () => {
  it("orders files source > tests > docs/config, larger changes first, before any cap", () => {
    const plan = planReview(PR, UNCAPPED);
    expect(plan.files.map((file) => file.path)).toEqual([
      "src/large.ts",
      "src/medium.ts",
      "src/small.ts",
      "test/parser.test.ts",
      "docs/guide.md",
      "README.md",
      "package.json",
    ]);
    expect(plan.skipped).toEqual([]);
    expect(reviewedPaths(plan)).toHaveLength(7);
  });

  it("the file cap keeps the most important files and names the others with the cap", () => {
    const plan = planReview(PR, { ...UNCAPPED, maxFiles: 2 });
    expect(plan.files.map((file) => file.path)).toEqual(["src/large.ts", "src/medium.ts"]);
    expect(new Set(reviewedPaths(plan))).toEqual(new Set(["src/large.ts", "src/medium.ts"]));
    expect(plan.skipped).toEqual(
      ["src/small.ts", "test/parser.test.ts", "docs/guide.md", "README.md", "package.json"].map((path) => ({ path, reason: "over the per-PR cap of 2 files" })),
    );
  });

  it("the chunk cap drops the least important files whole", () => {
    // 2,000-token chunks hold about one of the larger files each.
    const all = planReview(PR, { ...UNCAPPED, chunkTokens: 2_000 });
    expect(all.chunks.length).toBeGreaterThan(3);
    const plan = planReview(PR, { ...UNCAPPED, chunkTokens: 2_000, maxChunks: 2 });
    expect(plan.chunks.length).toBeLessThanOrEqual(2);
    const reviewed = reviewedPaths(plan);
    const order = all.files.map((file) => file.path);
    // What is reviewed is a prefix of the priority order; the rest is named, with the cap.
    expect(new Set(reviewed)).toEqual(new Set(order.slice(0, reviewed.length)));
    expect(reviewed).toContain("src/large.ts");
    expect(plan.skipped).toEqual(order.slice(reviewed.length).map((path) => ({ path, reason: "over the per-PR cap of 2 chunks" })));
  });

  it("the input token cap works like a chunk cap and says so", () => {
    const plan = planReview(PR, { ...UNCAPPED, chunkTokens: 2_000, maxInputTokens: 4_500 });
    expect(plan.chunks.length).toBeLessThanOrEqual(2);
    expect(plan.skipped.length).toBeGreaterThan(0);
    for (const skipped of plan.skipped) expect(skipped.reason).toBe("over the per-PR cap of 4,500 input tokens");
    expect(plan.skipped.map((file) => file.path)).toContain("package.json");
  });

  it("reviews the beginning of the most important file when it alone is over the cap, and says so", () => {
    const plan = planReview(PR, { ...UNCAPPED, chunkTokens: 700, maxChunks: 1 });
    expect(plan.chunks).toHaveLength(1);
    expect(reviewedPaths(plan)).toEqual(["src/large.ts"]);
    expect(plan.skipped[0]).toEqual({ path: "src/large.ts", reason: "only its beginning was reviewed: over the per-PR cap of 1 chunk" });
    expect(plan.skipped).toHaveLength(7);
  });

  it("lists files with no patch first, then what a cap cut, then what the filter skipped, in plain words", () => {
    const diff = PR + fixture("generated.diff") + fixture("binary-file.diff");
    const plan = planReview(diff, { ...UNCAPPED, maxFiles: 6 }, { extraSkipped: [{ path: "huge/data.ts", reason: "GitHub sent no patch for it" }] });
    expect(plan.skipped[0]).toEqual({ path: "huge/data.ts", reason: "GitHub sent no patch for it" });
    const reasons = plan.skipped.map((file) => file.reason);
    const capped = reasons.filter((reason) => reason === "over the per-PR cap of 6 files").length;
    expect(capped).toBeGreaterThan(0);
    expect(reasons.slice(1, 1 + capped).every((reason) => reason === "over the per-PR cap of 6 files")).toBe(true);
    expect(plan.skipped[1]).toEqual({ path: "docs/guide.md", reason: "over the per-PR cap of 6 files" });
    expect(plan.skipped).toContainEqual({ path: "package-lock.json", reason: "matches an exclude glob" });
    expect(plan.skipped).toContainEqual({ path: "assets/favicon.ico", reason: "binary file" });
    expect(plan.skipped.map((file) => file.reason)).toContain("generated file");
    // Only what a cap cut is left for a later review; filtered files and files without a patch are not.
    expect(plan.uncovered).toEqual([...new Set(plan.skipped.slice(1, 1 + capped).map((file) => file.path))]);
  });

  it("counts a file reviewed only in part as uncovered", () => {
    const plan = planReview(PR, { ...UNCAPPED, chunkTokens: 700, maxChunks: 1 });
    expect(plan.uncovered[0]).toBe("src/large.ts");
    expect(plan.uncovered).toEqual(plan.skipped.map((file) => file.path));
  });

  it("the review body names every file a cap skipped, with its reason", () => {
    const plan = planReview(PR, { ...UNCAPPED, maxFiles: 2 });
    const body = renderReviewBody({
      summaries: [],
      unanchored: [],
      commentCount: 0,
      skippedFiles: plan.skipped,
      failedChunks: [],
      usage: { inputTokens: 1_234, outputTokens: 56, usdSpent: 0.0123 },
      headSha: "a".repeat(40),
      model: "openai/gpt-5-1-codex",
      marker: "",
    });
    expect(body).toContain("#### Not reviewed");
    for (const path of ["src/small.ts", "test/parser.test.ts", "docs/guide.md", "README.md", "package.json"]) {
      expect(body).toContain(`- \`${path}\`: over the per-PR cap of 2 files`);
    }
    expect(body).toContain("1,234 tokens in / 56 out");
    expect(body).toContain("$0.01");
  });

  it("anchors against the whole PR's diff when given one", () => {
    const plan = planReview(newFileDiff("src/small.ts", 10), UNCAPPED, { anchorDiffText: PR });
    expect(plan.files.map((file) => file.path)).toEqual(["src/small.ts"]);
    expect(plan.anchors.isAnchorable("src/large.ts", "RIGHT", 60)).toBe(true);
  });
});
