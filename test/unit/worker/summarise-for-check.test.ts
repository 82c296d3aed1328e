import { describe, expect, it } from "vitest";
import type { ReviewOutcome } from "../../../src/worker/review-outcome.js";
import { summariseForCheck } from "../../../src/worker/summarise-for-check.js";

const posted = (counts: Partial<Record<"P0" | "P1" | "P2" | "P3", number>>, failedChunks = 0): ReviewOutcome => ({
  status: "posted",
  reviewId: 1,
  headSha: "abc1234",
  mode: "full",
  filesReviewed: 3,
  comments: 2,
  bodyOnlyFindings: 0,
  repeatedFindings: 0,
  severityCounts: { P0: 0, P1: 0, P2: 0, P3: 0, ...counts },
  failedChunks,
  usage: { inputTokens: 10, outputTokens: 5, usdSpent: 0.001 },
});

describe("summariseForCheck", () => {
  it.each<[string, ReviewOutcome, string]>([
    ["clean review", posted({}), "success"],
    ["only P2/P3", posted({ P2: 1, P3: 2 }), "success"],
    ["a P1", posted({ P1: 1 }), "neutral"],
    ["a failed chunk", posted({}, 1), "neutral"],
    ["paused", { status: "skipped", reason: "paused" }, "skipped"],
    ["superseded", { status: "superseded", headSha: "a", currentHeadSha: "b" }, "neutral"],
  ])("%s -> %s", (_name, outcome, conclusion) => {
    expect(summariseForCheck(outcome)[0]).toBe(conclusion);
  });

  it("never reports a skipped review as success, and says why", () => {
    const [conclusion, output] = summariseForCheck({ status: "skipped", reason: "the pull request is a draft" });
    expect(conclusion).not.toBe("success");
    expect(output.title).toContain("draft");
  });

  it("skips a push with no new changes of the pull request, naming the last reviewed commit and the full review command", () => {
    const [conclusion, output] = summariseForCheck({ status: "nothing-new", since: "0123456789abcdef0123456789abcdef01234567" });
    expect(conclusion).toBe("skipped");
    expect(output.title).toBe("No new changes of this pull request since 0123456");
    expect(output.summary).toContain("`/codex review full`");
  });

  it("states files, findings by severity and tokens", () => {
    const [, output] = summariseForCheck(posted({ P0: 1, P3: 1 }));
    expect(output.summary).toContain("3 file(s)");
    expect(output.summary).toContain("P0 1, P1 0, P2 0, P3 1");
    expect(output.summary).toContain("10 in / 5 out");
  });

  it("names the files the model read, its tool calls by tool and outcome, and what they cost", () => {
    const outcome = posted({});
    const toolUse = {
      calls: { search_code: { ok: 1 }, read_file: { ok: 2, missing: 1 } },
      filesRead: ["src/checkout.ts", "src/a`b.ts"],
      outputTokens: 812,
      followUpInputTokens: 5_310,
      modelCalls: 3,
      refusedChunks: 0,
    };
    const [, output] = summariseForCheck({ ...outcome, ...(outcome.status === "posted" ? { toolUse } : {}) } as ReviewOutcome);
    expect(output.summary).toContain("Tool calls: 4 (search_code 1, read_file 3 (1 missing)), costing 812 tokens of tool output and 5310 input tokens of follow-up calls.");
    expect(output.summary).toContain("Files read (2): `src/checkout.ts`, `` src/a`b.ts ``.");
    expect(summariseForCheck(posted({}))[1].summary).not.toContain("Tool calls");
  });
});
