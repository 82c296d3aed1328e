import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assembleReview, type ChunkResult } from "../../../src/review/assemble-review.js";
import { fingerprintFinding } from "../../../src/review/finding-fingerprint.js";
import { planReview } from "../../../src/review/plan-review.js";
import { parseReviewMarker } from "../../../src/review/review-marker.js";
import type { Finding, Severity } from "../../../src/review/types.js";

const diff = readFileSync(new URL("../../fixtures/diffs/release-picomatch-4.0.2-4.0.3.diff", import.meta.url), "utf8");
const plan = planReview(diff, { chunkTokens: 12_000, maxFiles: 300, maxChunks: 20, maxInputTokens: 400_000, exclude: [] });
const file = plan.files[0]!;
const added = file.hunks.flatMap((hunk) => hunk.lines).filter((line) => line.kind === "add" || line.kind === "context");
const SHA = "a".repeat(40);

function finding(index: number, severity: Severity, title = `Finding ${index}`): Finding {
  const line = added[index]!;
  return { path: file.path, line: line.newLine!, side: "RIGHT", startLine: null, severity, title, body: "Body.", suggestion: null, quote: null };
}

function assemble(findings: Finding[], options: { severityThreshold?: Severity; maxComments?: number; posted?: Set<string>; failed?: boolean } = {}) {
  const results: ChunkResult[] = [{ chunk: plan.chunks[0]!, ok: true, review: { summary: "Looks risky.", findings }, usage: { inputTokens: 1_000, outputTokens: 200, usdSpent: 0.01 } }];
  if (options.failed) {
    // Four attempts answered 503; the last of them billed a reply the gateway then lost.
    results.push({ chunk: plan.chunks[0]!, ok: false, error: "AI/ML API answered 503", usage: { inputTokens: 700, outputTokens: 50, usdSpent: 0.002 }, retryable: true });
  }
  return assembleReview({
    results,
    plan,
    headSha: SHA,
    jobHash: "job",
    model: "openai/gpt-5-1-codex",
    severityThreshold: options.severityThreshold ?? "P3",
    maxComments: options.maxComments ?? 25,
    ...(options.posted ? { postedFingerprints: options.posted } : {}),
  });
}

describe("assembleReview", () => {
  it("drops findings below the severity threshold", () => {
    const review = assemble([finding(0, "P0"), finding(1, "P1"), finding(2, "P3")], { severityThreshold: "P1" });
    expect(review.comments).toHaveLength(2);
    expect(review.severityCounts).toEqual({ P0: 1, P1: 1, P2: 0, P3: 0 });
  });

  it("gives the inline slots to the most severe findings and lists the rest in the body", () => {
    const review = assemble([finding(0, "P3"), finding(1, "P0"), finding(2, "P2"), finding(3, "P1")], { maxComments: 2 });
    expect(review.comments.map((comment) => comment.line)).toEqual([added[1]!.newLine, added[3]!.newLine]);
    expect(review.bodyOnlyFindings).toBe(2);
    expect(review.body).toContain("Finding 0");
    expect(review.body).toContain("Finding 2");
  });

  it("does not repeat a finding an earlier review posted, even when its line moved", () => {
    const first = assemble([finding(0, "P1", "Null check missing"), finding(1, "P2")]);
    const posted = new Set(parseReviewMarker(first.body)!.fingerprints);
    expect(posted.size).toBe(2);
    const again = assemble([finding(0, "P1", "null-check  missing!"), finding(4, "P1", "New problem")], { posted });
    expect(again.comments.map((comment) => comment.line)).toEqual([added[4]!.newLine]);
    expect(again.repeatedFindings).toBe(1);
    // The fingerprint ignores the line number: the same code and title elsewhere is the same finding.
    expect(fingerprintFinding({ path: "a.ts", title: "X" }, "  return x;")).toBe(fingerprintFinding({ path: "a.ts", title: "x" }, "return x;"));
  });

  it("writes the marker with the head, the job and the fingerprints", () => {
    const review = assemble([finding(0, "P1")]);
    expect(parseReviewMarker(review.body)).toEqual({ headSha: SHA, job: "job", fingerprints: review.fingerprints });
  });

  it("names the files of a failed chunk and still reports the rest", () => {
    const review = assemble([finding(0, "P1")], { failed: true });
    expect(review.comments).toHaveLength(1);
    expect(review.body).toContain("the model call failed (AI/ML API answered 503)");
  });

  it("counts the usage of failed chunks in the review's cost", () => {
    const review = assemble([finding(0, "P1")], { failed: true });
    expect(review.usage).toMatchObject({ inputTokens: 1_700, outputTokens: 250 });
    expect(review.usage.usdSpent).toBeCloseTo(0.012, 10);
    expect(review.body).toContain("1,700 tokens in / 250 out · $0.01");
  });

  it("keeps a fallback body that carries every inline finding at its anchored line", () => {
    const review = assemble([finding(0, "P1", "Anchored one")]);
    expect(review.fallbackBody).toContain("Anchored one");
    expect(review.fallbackBody).toContain(`${file.path}:${added[0]!.newLine}`);
  });
});
