import { describe, expect, it } from "vitest";
import { getComparisonDiff, PULL_DIFF_LIMITS } from "../../../src/github/comparison-diff.js";
import type { GithubClient } from "../../../src/github/github-client.js";
import { DiffTooLargeError } from "../../../src/github/pull-requests.js";

const pin = { baseSha: "b".repeat(40), headSha: "h".repeat(40) };
const fileDiff = (path: string, lines = 1) =>
  `diff --git a/${path} b/${path}\nnew file mode 100644\n--- /dev/null\n+++ b/${path}\n@@ -0,0 +1,${lines} @@\n${Array.from({ length: lines }, (_, i) => `+line ${i}`).join("\n")}\n`;

/** A client whose compare answers `diff` with the diff media type, as GitHub does when it serves one whole. */
function serving(diff: string): GithubClient & { routes: string[] } {
  const routes: string[] = [];
  return {
    routes,
    request: async (route, parameters) => {
      routes.push(`${route} ${String(parameters?.basehead)} ${JSON.stringify(parameters?.mediaType)}`);
      return { status: 200, data: diff, headers: {} };
    },
    graphql: async () => {
      throw new Error("no GraphQL here");
    },
  };
}

describe("getComparisonDiff", () => {
  it("returns a diff within the PR diff's limits, read once with the diff media type", async () => {
    const diff = Array.from({ length: PULL_DIFF_LIMITS.files }, (_, i) => fileDiff(`f${i}.ts`)).join("");
    const client = serving(diff);
    expect(await getComparisonDiff(client, { owner: "o", repo: "r" }, pin)).toBe(diff);
    expect(client.routes).toEqual([`GET /repos/{owner}/{repo}/compare/{basehead} ${pin.baseSha}...${pin.headSha} {"format":"diff"}`]);
  });

  it.each([
    ["one file past the 300", Array.from({ length: PULL_DIFF_LIMITS.files + 1 }, (_, i) => fileDiff(`f${i}.ts`)).join("")],
    ["more than 20,000 lines in one file", fileDiff("big.ts", PULL_DIFF_LIMITS.lines)],
  ])("calls a diff served whole with %s too large, as GitHub's 406 of the PR's diff would", async (_name, diff) => {
    await expect(getComparisonDiff(serving(diff), { owner: "o", repo: "r" }, pin)).rejects.toBeInstanceOf(DiffTooLargeError);
  });
});
