import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { measureDiff } from "../../../src/diff/measure-diff.js";
import { parseUnifiedDiff } from "../../../src/diff/parse-unified-diff.js";

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/diffs/${name}`, import.meta.url), "utf8");

describe("measureDiff", () => {
  it.each(["release-parse-diff-0.11.1-0.12.0.diff", "release-zod-3.22.4-3.23.7.diff", "release-commander-12.0.0-12.1.0.diff", "binary-file.diff", "rename-pure.diff", "mode-change.diff", "unicode-paths-quoted.diff", "no-newline-eof.diff", "crlf.diff"])("counts the files the parser reads and the lines of text of %s", (name) => {
    const text = fixture(name);
    expect(measureDiff(text)).toEqual({ files: parseUnifiedDiff(text).length, lines: text.split("\n").length - 1 });
  });

  it("counts a last line without its newline, and nothing in an empty diff", () => {
    expect(measureDiff("")).toEqual({ files: 0, lines: 0 });
    const one = "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b";
    expect(measureDiff(one)).toEqual({ files: 1, lines: 6 });
    // A line of content that reads like a header is a hunk line (it starts with +, - or a space), not a file.
    expect(measureDiff(`${one}\n+diff --git a/y b/y\n${one}\n`)).toEqual({ files: 2, lines: 13 });
  });
});
