import { describe, expect, it } from "vitest";
import { hashPath, MAX_UNCOVERED_IN_MARKER, parseReviewMarker, renderReviewMarker } from "../../../src/review/review-marker.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";

describe("review marker", () => {
  it("reads markers posted before uncovered files were recorded", () => {
    const old = `Review\n\n<!-- codex-review:v1 head=${SHA} job=abcdef0123456789 fp=0123456789,abcdefabcd -->`;
    expect(parseReviewMarker(old)).toEqual({ headSha: SHA, job: "abcdef0123456789", fingerprints: ["0123456789", "abcdefabcd"], uncovered: [] });
  });

  it("round-trips uncovered files as short path hashes and ignores malformed ones", () => {
    const uncovered = ["src/a.ts", "src/b.ts"].map(hashPath);
    const marker = renderReviewMarker({ headSha: SHA, job: "job1", fingerprints: [], uncovered });
    expect(marker).toBe(`<!-- codex-review:v1 head=${SHA} job=job1 unc=${uncovered.join(",")} -->`);
    expect(parseReviewMarker(marker)!.uncovered).toEqual(uncovered);
    expect(parseReviewMarker(marker.replace("unc=", "unc=zz,"))!.uncovered).toEqual(uncovered);
    expect(hashPath("src/a.ts")).toMatch(/^[0-9a-f]{8}$/);
  });

  it("keeps the marker compact: at most MAX_UNCOVERED_IN_MARKER files", () => {
    const uncovered = Array.from({ length: 1_000 }, (_, i) => hashPath(`file-${i}.ts`));
    const marker = renderReviewMarker({ headSha: SHA, job: "job1", fingerprints: [], uncovered });
    expect(parseReviewMarker(marker)!.uncovered).toHaveLength(MAX_UNCOVERED_IN_MARKER);
    expect(marker.length).toBeLessThan(4_000);
  });
});
