import { describe, expect, it } from "vitest";
import { formatComment, formatReview } from "../../../src/cli/format-review.js";
import { renderComment } from "../../../src/review/render-review.js";
import type { Finding } from "../../../src/review/types.js";
import { cpuMs, LINEAR_TIME_LIMIT_MS } from "../../support/linear-time.js";

const finding: Finding = {
  path: "src/a.ts",
  line: 12,
  side: "RIGHT",
  startLine: 10,
  severity: "P2",
  title: "Off by one",
  body: "The loop stops one early.\nUse `<=`.",
  suggestion: null,
  quote: null,
};

describe("formatComment", () => {
  it("reads severity and title back from the rendered comment and indents the body", () => {
    const placed = { path: "src/a.ts", line: 12, side: "RIGHT" as const, start_line: 10, start_side: "RIGHT" as const };
    const text = formatComment({ ...placed, body: renderComment(finding, placed) });
    const [heading, ...body] = text.split("\n");
    expect(heading).toBe("src/a.ts:10-12 (RIGHT) [P2] Off by one");
    expect(body.join("\n")).toContain("    The loop stops one early.");
  });

  it("falls back to the raw body when the comment has no severity heading", () => {
    expect(formatComment({ path: "b.py", line: 3, side: "LEFT", body: "plain" })).toBe("b.py:3 (LEFT)\n    plain");
  });
});

describe("formatReview", () => {
  it("lists the comments, then the body without the hidden marker", () => {
    const text = formatReview({
      body: "Summary here\n\n<!-- codex-review:v1 head=abcdef0 job=123 -->",
      comments: [{ path: "b.py", line: 3, side: "RIGHT", body: "x" }],
    });
    expect(text).toBe("1 line comment(s)\n\nb.py:3 (RIGHT)\n    x\n\n--- review body ---\n\nSummary here\n");
  });

  it("prints a body of a megabyte of blank lines in linear time", () => {
    // `/\n*<!--.../g` took minutes on this body (bench/untrusted-text.ts).
    const started = cpuMs();
    const text = formatReview({ body: `${"\n".repeat(1_048_576)}x\n\n<!-- codex-review:v1 head=abcdef0 job=1 -->`, comments: [] });
    expect(cpuMs() - started).toBeLessThan(LINEAR_TIME_LIMIT_MS);
    expect(text).toBe("0 line comment(s)\n\n--- review body ---\n\nx\n");
  });
});
