import { describe, expect, it } from "vitest";
import { extractReviewSection } from "../../../src/config/review-guidelines.js";

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
});
