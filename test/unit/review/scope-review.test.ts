import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { githubWebUrl } from "../../../src/config/env.js";
import { parseUnifiedDiff } from "../../../src/diff/parse-unified-diff.js";
import { countTokens } from "../../../src/llm/count-tokens.js";
import { anchorFindings } from "../../../src/review/anchor-findings.js";
import { assembleReview } from "../../../src/review/assemble-review.js";
import { buildReviewPrompt, OUT_OF_DIFF_INSTRUCTIONS } from "../../../src/review/build-review-prompt.js";
import { blobUrlOf, outOfDiffKey, permalinkOf } from "../../../src/review/out-of-diff.js";
import { planReview } from "../../../src/review/plan-review.js";
import { renderFiles, SCOPE_FORMAT_LEGEND } from "../../../src/review/render-hunk.js";
import type { Chunk, Finding } from "../../../src/review/types.js";
import { applyFileDiff } from "../../support/apply-file-diff.js";

/*
 * The widened plan of a real diff (multi-hunk.diff over parse-diff 0.12.0's parse.js): what the model
 * sees, what the chunk budget counts, and where findings on scope lines end up.
 */

const DIFF = readFileSync(new URL("../../fixtures/diffs/multi-hunk.diff", import.meta.url), "utf8");
const [FILE] = parseUnifiedDiff(DIFF);
const HEAD = applyFileDiff(readFileSync(new URL("../../../node_modules/parse-diff/parse.js", import.meta.url), "utf8"), FILE!);
const HEAD_LINES = HEAD.split("\n");
const SETTINGS = { chunkTokens: 12_000, maxFiles: 300, maxChunks: 20, maxInputTokens: 400_000, exclude: [] };
const SCOPE = { texts: new Map([["parse.js", HEAD]]), maxLines: 80 };
const SHA = "c".repeat(40);
const PR = { owner: "octo-org", repo: "hello-world", number: 7, title: "Parse counts", body: "", baseRef: "main", headRef: "topic" };

const scopeLinesOf = (chunks: Chunk[]) => chunks.flatMap((chunk) => chunk.files.flatMap((file) => file.hunks.flatMap((hunk) => [...(hunk.scope?.before ?? []), ...(hunk.scope?.after ?? [])])));

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

describe("planReview with scope texts", () => {
  const bare = planReview(DIFF, SETTINGS);
  const widened = planReview(DIFF, SETTINGS, { scope: SCOPE });

  it("shows the enclosing functions as S lines and counts them in the chunk's tokens", () => {
    const scopeLines = scopeLinesOf(widened.chunks);
    expect(scopeLines.length).toBeGreaterThan(50);
    expect(scopeLinesOf(bare.chunks)).toEqual([]);
    const text = renderFiles(widened.chunks[0]!.files);
    expect(text).toContain("S89    const chunk = (line, match) => {\n");
    // The chunker sums per-line counts; the real count of the rendered text is within a token or two of it.
    expect(Math.abs(widened.chunks[0]!.tokens - countTokens(text))).toBeLessThanOrEqual(3);
    expect(widened.chunks[0]!.tokens).toBeGreaterThan(bare.chunks[0]!.tokens);
  });

  it("builds the same anchors: no scope line is a line GitHub accepts a comment on", () => {
    for (const line of scopeLinesOf(widened.chunks)) {
      expect(widened.anchors.isAnchorable("parse.js", "RIGHT", line.line)).toBe(false);
      expect(bare.anchors.isAnchorable("parse.js", "RIGHT", line.line)).toBe(false);
    }
    // A finding that cites any scope line, with no quote, is never an inline comment.
    const cited = scopeLinesOf(widened.chunks).map((line) => finding({ line: line.line }));
    const { comments, unanchored } = anchorFindings(cited, widened.anchors);
    expect(comments).toEqual([]);
    expect(unanchored).toHaveLength(cited.length);
  });

  it("keeps every chunk within a small budget: a hunk too big for its scope loses the scope first", () => {
    for (const budget of [700, 1_200, 2_000]) {
      const plan = planReview(DIFF, { ...SETTINGS, chunkTokens: budget }, { scope: SCOPE });
      for (const chunk of plan.chunks) expect(countTokens(renderFiles(chunk.files))).toBeLessThanOrEqual(budget);
      expect(plan.skipped).toEqual([]);
    }
  });

  it("reviews the bare diff when the widened one would leave files out of the per-PR caps", () => {
    const oneChunk = bare.chunks[0]!.tokens + 400;
    const capped = planReview(DIFF, { ...SETTINGS, chunkTokens: oneChunk, maxChunks: 1, maxInputTokens: oneChunk }, { scope: SCOPE });
    expect(capped.skipped).toEqual([]);
    expect(capped.chunks).toHaveLength(1);
    expect(scopeLinesOf(capped.chunks)).toEqual([]);
  });
});

describe("the prompt of a widened chunk", () => {
  const widened = planReview(DIFF, SETTINGS, { scope: SCOPE });
  const bare = planReview(DIFF, SETTINGS);

  it("explains S lines and out-of-diff findings only when they apply; a diff-mode prompt is unchanged", () => {
    const prompt = buildReviewPrompt(widened.chunks[0]!, PR, { readsRepository: true });
    expect(prompt.instructions).toContain(SCOPE_FORMAT_LEGEND);
    expect(prompt.instructions).toContain(OUT_OF_DIFF_INSTRUCTIONS);
    expect(prompt.input).toMatch(/^S225  const parseOldOrNewFile = \(line\) => \{$/m);
    const diffMode = buildReviewPrompt(bare.chunks[0]!, PR);
    expect(diffMode.instructions).not.toContain("S<n>");
    expect(diffMode.instructions).not.toContain(OUT_OF_DIFF_INSTRUCTIONS);
    expect(diffMode.input).not.toMatch(/^S\d+/m);
  });
});

describe("findings on scope lines and outside the diff", () => {
  const plan = planReview(DIFF, SETTINGS, { scope: SCOPE });
  // S107 `    oldLines: toNumOfLines(oldNumLines),` repeats the text of R102 in the hunk above, with a comment added there.
  const onScopeLine = finding({ line: 107, quote: "oldLines: toNumOfLines(oldNumLines),", title: "Counts read twice" });
  const verified = new Map([[outOfDiffKey("parse.js", 107), HEAD_LINES[106]!]]);

  it("a quote that also fits a nearby diff line moves the finding there unless the cited scope line is known to hold it", () => {
    expect(HEAD_LINES[106]).toBe("      oldLines: toNumOfLines(oldNumLines),");
    // Without knowing the line exists, the quote re-anchoring finds R102 within 10 lines: a wrong line.
    expect(anchorFindings([onScopeLine], plan.anchors).comments.map((c) => c.comment.line)).toEqual([102]);
    const placed = anchorFindings([onScopeLine], plan.anchors, { outOfDiff: verified });
    expect(placed.comments).toEqual([]);
    expect(placed.unanchored).toEqual([onScopeLine]);
  });

  it("lists them in the body under their file, linked to the line at the head when it exists, unlinked otherwise", () => {
    const blobUrl = blobUrlOf("https://github.com", PR.owner, PR.repo, SHA);
    const caller = finding({ path: "src/use (parse).js", line: 12, title: "Caller breaks", quote: null });
    const missing = finding({ path: "lib/gone.js", line: 3, title: "Gone", quote: null });
    const review = assembleReview({
      results: [{ chunk: plan.chunks[0]!, ok: true, review: { summary: "s", findings: [onScopeLine, caller, missing] }, usage: { inputTokens: 1, outputTokens: 1, usdSpent: 0 } }],
      plan,
      headSha: SHA,
      jobHash: "job",
      model: "m",
      severityThreshold: "P3",
      maxComments: 25,
      outOfDiff: { blobUrl, verified: new Map([...verified, [outOfDiffKey("src/use (parse).js", 12), "parse(x)"]]) },
    });
    expect(review.comments).toEqual([]);
    expect(review.bodyOnlyFindings).toBe(3);
    expect(review.body).toContain(`[\`parse.js:107\`](https://github.com/octo-org/hello-world/blob/${SHA}/parse.js#L107)`);
    expect(review.body).toContain(`[\`src/use (parse).js:12\`](https://github.com/octo-org/hello-world/blob/${SHA}/src/use%20%28parse%29.js#L12)`);
    expect(review.body).toContain("- `lib/gone.js:3` **P1**");
    expect(review.body).not.toContain("lib/gone.js#L3");
  });

  it("links on a GitHub Enterprise Server host", () => {
    expect(githubWebUrl("https://ghe.example.com/api/v3")).toBe("https://ghe.example.com");
    expect(githubWebUrl("http://127.0.0.1:4010/api/v3/")).toBe("http://127.0.0.1:4010");
    expect(githubWebUrl("https://api.github.com")).toBe("https://github.com");
    const blobUrl = blobUrlOf(githubWebUrl("https://ghe.example.com/api/v3"), "octo-org", "hello-world", SHA);
    expect(permalinkOf(blobUrl, "docs/café.md", 4)).toBe(`https://ghe.example.com/octo-org/hello-world/blob/${SHA}/docs/caf%C3%A9.md#L4`);
  });
});
