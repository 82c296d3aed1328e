import { describe, expect, it } from "vitest";
import { MAX_GUIDANCE_CHARS, repositoryGuidanceFor } from "../../../src/review/repository-guidance.js";
import { cpuMs, LINEAR_TIME_LIMIT_MS } from "../../support/linear-time.js";

describe("repositoryGuidanceFor", () => {
  it("adds the instructions of the path rules whose glob matches a path of the prompt", () => {
    const guidance = repositoryGuidanceFor(["src/db/query.ts", "README.md"], {
      instructions: "Be brief.",
      pathInstructions: [
        { path: "src/db/**", instructions: "Check transactions." },
        { path: "docs/**", instructions: "Check links." },
      ],
    });
    expect(guidance).toBe("Be brief.\n\nFor src/db/query.ts: Check transactions.");
  });

  // Not counted in REVIEW_CHUNK_TOKENS or REVIEW_MAX_INPUT_TOKENS: a repository's guidance must not
  // make every chunk's prompt as large as it likes.
  it("is bounded however many rules match", () => {
    const paths = Array.from({ length: 300 }, (_, i) => `src/module-${i}/index.ts`);
    const pathInstructions = Array.from({ length: 50 }, (_, i) => ({ path: "src/**", instructions: `Rule ${i}: ${"x".repeat(1_990)}` }));
    const guidance = repositoryGuidanceFor(paths, { instructions: "y".repeat(4_000), pathInstructions });
    expect(guidance.length).toBeLessThanOrEqual(MAX_GUIDANCE_CHARS);
    expect(guidance).toContain("y".repeat(4_000));
    expect(guidance).toContain("Rule 0:");
    expect(guidance).toMatch(/\(repository guidance cut at \d+ characters\)$/);
  });

  // path_instructions globs are the repository's, the paths the pull request's (see match-glob.ts).
  it("matches a hostile rule against a hostile path in bounded time", () => {
    const started = cpuMs();
    const guidance = repositoryGuidanceFor([`${"a".repeat(200)}c`], { instructions: "", pathInstructions: [{ path: `${"*a".repeat(5)}b`, instructions: "x" }] });
    expect(cpuMs() - started).toBeLessThan(LINEAR_TIME_LIMIT_MS);
    expect(guidance).toBe("");
  });
});
