import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseFakeDiff } from "../../fakes/github-diff.js";

const FIXTURES = fileURLToPath(new URL("../../fixtures/diffs/", import.meta.url));
const fixture = (name: string) => readFileSync(`${FIXTURES}${name}`, "utf8");
const fixtureNames = readdirSync(FIXTURES).filter((name) => name.endsWith(".diff"));

function hasGit(): boolean {
  try {
    execFileSync("git", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** git's own reading of a patch: "added\tdeleted\tpath" per file, "-" for binary. */
function gitNumstat(diff: string): string[] {
  return execFileSync("git", ["apply", "--numstat", "-z"], { input: diff }).toString("utf8").split("\0").filter(Boolean).sort();
}

describe("parseFakeDiff (the GitHub fake's independent diff reader)", () => {
  it.skipIf(!hasGit()).each(fixtureNames)("agrees with `git apply --numstat` on %s", (name) => {
    const text = fixture(name);
    const ours = parseFakeDiff(text)
      .map((file) => (file.binary ? `-\t-\t${file.filename}` : `${file.additions}\t${file.deletions}\t${file.filename}`))
      .sort();

    expect(ours).toEqual(gitNumstat(text));
  });

  it.each(["unicode-paths-quoted.diff", "unicode-paths-unquoted.diff"])("reads the paths and statuses of %s", (name) => {
    const files = parseFakeDiff(fixture(name)).map((file) => [file.filename, file.status, file.previousFilename, file.patch !== null]);

    expect(files).toEqual([
      ["docs/café.md", "modified", null, true],
      ["docs/naïve-résumé.yaml", "renamed", "docs/naïve.yaml", false],
      ["docs/read me.md", "modified", null, true],
      ['docs/say "hi".txt', "added", null, true],
      ["docs/日本語.yaml", "added", null, true],
    ]);
  });

  it.each([
    ["rename-pure.diff", [["LICENSE.md", "renamed", "LICENSE", false, false]]],
    ["deleted-file.diff", [["index.d.ts", "removed", null, false, true]]],
    [
      "binary-file.diff",
      [
        ["assets/favicon.ico", "added", null, true, false],
        ["docs/demo.png", "modified", null, true, false],
        ["index.js", "modified", null, false, true],
      ],
    ],
    [
      "mode-change.diff",
      [
        ["index.js", "changed", null, false, false],
        ["parse.js", "modified", null, false, true],
      ],
    ],
    [
      "new-file.diff",
      [
        ["lib/.gitkeep", "added", null, false, false],
        ["lib/utils.js", "added", null, false, true],
      ],
    ],
  ])("reads the statuses of %s", (name, expected) => {
    const files = parseFakeDiff(fixture(name)).map((file) => [file.filename, file.status, file.previousFilename, file.binary, file.patch !== null]);

    expect(files).toEqual(expected);
  });

  it("numbers lines of hunks whose counts are omitted (zero-context.diff)", () => {
    const [file] = parseFakeDiff(fixture("zero-context.diff"));

    expect(file?.hunks.map((hunk) => hunk.lines.map(({ kind, oldLine, newLine }) => [kind, oldLine, newLine]))).toEqual([
      [
        ["del", 5, null],
        ["add", null, 5],
      ],
      [["add", null, 98]],
      [["del", 122, null]],
    ]);
  });

  it("counts `\\ No newline at end of file` in positions but not as a file line (no-newline-eof.diff)", () => {
    const [borp] = parseFakeDiff(fixture("no-newline-eof.diff"));
    const lines = borp?.hunks[0]?.lines ?? [];

    expect(lines.map(({ kind, oldLine, newLine, position }) => [kind, oldLine, newLine, position])).toEqual([
      ["context", 2, 2, 1],
      ["context", 3, 3, 2],
      ["context", 4, 4, 3],
      ["del", 5, null, 4],
      ["del", 6, null, 5],
      ["add", null, 5, 7],
      ["add", null, 6, 8],
    ]);
    expect(borp?.patch?.split("\n").filter((line) => line.startsWith("\\"))).toHaveLength(2);
  });

  it("keeps CRLF content lines byte for byte in the patch (crlf.diff)", () => {
    const [file] = parseFakeDiff(fixture("crlf.diff"));

    expect(file?.hunks[0]?.lines.filter((line) => line.kind !== "del").at(-1)?.newLine).toBe(18);
    expect(file?.patch).toContain("    binary?: true;\r");
  });
});
