import { describe, expect, it } from "vitest";
import { extractReviewSection } from "../../../src/config/review-guidelines.js";
import { cpuMs, LINEAR_TIME_LIMIT_MS } from "../../support/linear-time.js";

describe("extractReviewSection", () => {
  it.each([
    ["# A\n## Code Review\nUse strict types.\n### Details\nNo any.\n## Build\nnpm ci", "Use strict types.\n### Details\nNo any."],
    ["## Reviewing\nnothing here\n## Code review guidelines\r\nCheck errors.\r\n", "Check errors."],
    ["# Code Review\nAll of it\n## Sub\nstill inside", "All of it\n## Sub\nstill inside"],
  ])("takes the review section of %j", (markdown, expected) => {
    expect(extractReviewSection(markdown)).toBe(expected);
  });

  it.each(["# Agents\nNo section about it.", "## Code Review\n\n## Next\ntext"])("finds none in %j", (markdown) => {
    expect(extractReviewSection(markdown)).toBeNull();
  });

  it.each([
    ["#Code review\nnot a heading\n# Review\nthis one", "this one"],
    ["####### Code review\nseven hashes is text\n###### Code review\nsix is a heading\n####### deeper\nstill in\n# End", "six is a heading\n####### deeper\nstill in"],
    ["# Notes on previews\nno\n## Pre-review checks\nyes", "yes"],
  ])("reads headings as Markdown does: %j", (markdown, expected) => {
    expect(extractReviewSection(markdown)).toBe(expected);
  });

  it("reads a megabyte-long heading line in linear time", () => {
    // `^#{1,6}\s+.*\b(code\s+)?review\b` took minutes on this line (bench/untrusted-text.ts).
    const started = cpuMs();
    expect(extractReviewSection(`# ${" ".repeat(1_048_576)}\ntext`)).toBeNull();
    expect(extractReviewSection(`#${"\t".repeat(150)}review\n${"x ".repeat(500_000)}\nrules\n# end`)).toBe(`${"x ".repeat(500_000)}\nrules`.slice(0, 4_000));
    expect(cpuMs() - started).toBeLessThan(LINEAR_TIME_LIMIT_MS);
  });
});
