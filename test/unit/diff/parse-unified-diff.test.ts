import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MAX_HEADER_LINE_CHARS, parseUnifiedDiff } from "../../../src/diff/parse-unified-diff.js";
import type { DiffLine, FileDiff } from "../../../src/diff/types.js";
import { cpuMs, LINEAR_TIME_LIMIT_MS } from "../../support/linear-time.js";

const FIXTURES = new URL("../../fixtures/diffs/", import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), "utf8");
const parse = (name: string): FileDiff[] => parseUnifiedDiff(fixture(name));
const ALL_FIXTURES = readdirSync(FIXTURES).filter((name) => name.endsWith(".diff"));

const fileIn = (name: string, path: string): FileDiff => {
  const file = parse(name).find((f) => f.path === path);
  if (!file) throw new Error(`${path} not in ${name}`);
  return file;
};
const allLines = (file: FileDiff): DiffLine[] => file.hunks.flatMap((hunk) => hunk.lines);

type Summary = Pick<FileDiff, "path" | "oldPath" | "status" | "binary" | "additions" | "deletions"> & { hunks: number };
const summarize = (file: FileDiff): Summary => ({
  path: file.path,
  oldPath: file.oldPath,
  status: file.status,
  binary: file.binary,
  additions: file.additions,
  deletions: file.deletions,
  hunks: file.hunks.length,
});
const row = (path: string, status: FileDiff["status"], additions: number, deletions: number, hunks: number, extra: Partial<Summary> = {}): Summary => ({
  path,
  oldPath: null,
  status,
  binary: false,
  additions,
  deletions,
  hunks,
  ...extra,
});

describe("parseUnifiedDiff: files of each edge-case fixture", () => {
  it.each<[string, Summary[]]>([
    ["rename-with-changes.diff", [row("lib/parse-diff.js", "renamed", 2, 2, 1, { oldPath: "parse.js" })]],
    ["rename-pure.diff", [row("LICENSE.md", "renamed", 0, 0, 0, { oldPath: "LICENSE" })]],
    ["deleted-file.diff", [row("index.d.ts", "deleted", 0, 53, 1)]],
    [
      "binary-file.diff",
      [
        row("assets/favicon.ico", "added", 0, 0, 0, { binary: true }),
        row("docs/demo.png", "modified", 0, 0, 0, { binary: true }),
        row("index.js", "modified", 1, 1, 1),
      ],
    ],
    ["no-newline-eof.diff", [row(".borp.yaml", "modified", 2, 2, 1), row(".nvmrc", "modified", 1, 1, 1)]],
    ["no-newline-eof-restored.diff", [row(".borp.yaml", "modified", 2, 2, 1), row(".nvmrc", "modified", 1, 1, 1)]],
    ["crlf.diff", [row("lib/types-crlf.d.ts", "modified", 2, 1, 1)]],
    [
      "unicode-paths-quoted.diff",
      [
        row("docs/café.md", "modified", 1, 1, 1),
        row("docs/naïve-résumé.yaml", "renamed", 0, 0, 0, { oldPath: "docs/naïve.yaml" }),
        row("docs/read me.md", "modified", 1, 0, 1),
        row('docs/say "hi".txt', "added", 1, 0, 1),
        row("docs/日本語.yaml", "added", 1, 0, 1),
      ],
    ],
    ["one-line-file.diff", [row(".node-version", "added", 1, 0, 1), row(".nvmrc", "modified", 1, 1, 1)]],
    ["zero-context.diff", [row("parse.js", "modified", 2, 2, 3)]],
    ["multi-hunk.diff", [row("parse.js", "modified", 3, 3, 3)]],
    ["new-file.diff", [row("lib/.gitkeep", "added", 0, 0, 0), row("lib/utils.js", "added", 72, 0, 1)]],
    ["mode-change.diff", [row("index.js", "modified", 0, 0, 0), row("parse.js", "modified", 1, 0, 1)]],
    [
      "release-picomatch-4.0.2-4.0.3.diff",
      [row("README.md", "modified", 1, 1, 1), row("lib/constants.js", "modified", 1, 0, 1), row("package.json", "modified", 1, 1, 1)],
    ],
  ])("%s", (name, expected) => {
    expect(parse(name).map(summarize)).toEqual(expected);
  });

  it.each([
    ["release-parse-diff-0.11.1-0.12.0.diff", 10],
    ["release-zod-3.22.4-3.23.7.diff", 17],
    ["generated.diff", 5],
    ["lockfile-bump.diff", 3],
  ])("%s has one file per `diff --git` header (%i)", (name, count) => {
    expect(fixture(name).match(/^diff --git /gm)).toHaveLength(count);
    expect(parse(name)).toHaveLength(count);
  });
});

describe("parseUnifiedDiff: exact line numbers on known lines", () => {
  it.each<[string, string, DiffLine]>([
    ["multi-hunk.diff", "parse.js", { kind: "del", content: '  const lines = input.split("\\n");', oldLine: 5, newLine: null }],
    ["multi-hunk.diff", "parse.js", { kind: "add", content: "  const lines = input.split(/\\r?\\n/);", oldLine: null, newLine: 5 }],
    ["multi-hunk.diff", "parse.js", { kind: "context", content: "  if (!input) return [];", oldLine: 2, newLine: 2 }],
    ["multi-hunk.diff", "parse.js", { kind: "add", content: '      oldLines: toNumOfLines(oldNumLines), // "@@ -5 +5 @@" has no count', oldLine: null, newLine: 102 }],
    ["multi-hunk.diff", "parse.js", { kind: "context", content: '    .replace(qoutedFileNameRegex, "")', oldLine: 229, newLine: 229 }],
    ["multi-hunk.diff", "parse.js", { kind: "add", content: "    .replace(/\\\\([0-7]{3})/g, (_, octal) => String.fromCharCode(parseInt(octal, 8)))", oldLine: null, newLine: 230 }],
    ["multi-hunk.diff", "parse.js", { kind: "del", content: "  string = makeString(string);", oldLine: 234, newLine: null }],
    ["multi-hunk.diff", "parse.js", { kind: "context", content: "  const trimmingString = formTrimmingString(trimmingChars);", oldLine: 237, newLine: 237 }],
    ["zero-context.diff", "parse.js", { kind: "add", content: "  const lines = input.split(/\\r?\\n/);", oldLine: null, newLine: 5 }],
    ["zero-context.diff", "parse.js", { kind: "del", content: '  const lines = input.split("\\n");', oldLine: 5, newLine: null }],
    ["zero-context.diff", "parse.js", { kind: "add", content: "    const hunkHeader = line;", oldLine: null, newLine: 98 }],
    ["zero-context.diff", "parse.js", { kind: "del", content: "    currentFile.deletions++;", oldLine: 122, newLine: null }],
    ["one-line-file.diff", ".nvmrc", { kind: "del", content: "24", oldLine: 1, newLine: null }],
    ["one-line-file.diff", ".nvmrc", { kind: "add", content: "22", oldLine: null, newLine: 1 }],
    ["one-line-file.diff", ".node-version", { kind: "add", content: "22", oldLine: null, newLine: 1 }],
    ["no-newline-eof.diff", ".borp.yaml", { kind: "del", content: "  - 'test/**/*.test.js'", oldLine: 6, newLine: null }],
    ["no-newline-eof.diff", ".borp.yaml", { kind: "add", content: "  - 'test/**/*.spec.js'", oldLine: null, newLine: 6 }],
    ["no-newline-eof.diff", ".borp.yaml", { kind: "context", content: "files:", oldLine: 4, newLine: 4 }],
    ["no-newline-eof-restored.diff", ".nvmrc", { kind: "del", content: "22", oldLine: 1, newLine: null }],
    ["crlf.diff", "lib/types-crlf.d.ts", { kind: "del", content: "    index?: string[];", oldLine: 12, newLine: null }],
    ["crlf.diff", "lib/types-crlf.d.ts", { kind: "add", content: "    index?: [string, string, string?];", oldLine: null, newLine: 12 }],
    ["crlf.diff", "lib/types-crlf.d.ts", { kind: "add", content: "    binary?: true;", oldLine: null, newLine: 15 }],
    ["crlf.diff", "lib/types-crlf.d.ts", { kind: "context", content: "  }", oldLine: 15, newLine: 16 }],
    ["rename-with-changes.diff", "lib/parse-diff.js", { kind: "add", content: '  if (typeof input !== "string" || /^\\s*$/.test(input)) return [];', oldLine: null, newLine: 3 }],
    ["rename-with-changes.diff", "lib/parse-diff.js", { kind: "context", content: "  const files = [];", oldLine: 8, newLine: 8 }],
    ["mode-change.diff", "parse.js", { kind: "add", content: "#!/usr/bin/env node", oldLine: null, newLine: 1 }],
    ["mode-change.diff", "parse.js", { kind: "context", content: "module.exports = (input) => {", oldLine: 1, newLine: 2 }],
    ["deleted-file.diff", "index.d.ts", { kind: "del", content: "export = parseDiff;", oldLine: 53, newLine: null }],
    ["new-file.diff", "lib/utils.js", { kind: "add", content: "/*global navigator*/", oldLine: null, newLine: 1 }],
    ["new-file.diff", "lib/utils.js", { kind: "add", content: "};", oldLine: null, newLine: 72 }],
    ["unicode-paths-quoted.diff", "docs/café.md", { kind: "add", content: "Simple unified diff parser for JavaScript and TypeScript", oldLine: null, newLine: 7 }],
    ["unicode-paths-quoted.diff", "docs/read me.md", { kind: "add", content: '<p align="center">Fast glob matcher</p>', oldLine: null, newLine: 4 }],
    ["unicode-paths-quoted.diff", "docs/日本語.yaml", { kind: "add", content: 'trailingComma: "es5"', oldLine: null, newLine: 1 }],
    ["release-picomatch-4.0.2-4.0.3.diff", "lib/constants.js", { kind: "add", content: "    __proto__: null,", oldLine: null, newLine: 102 }],
    ["release-zod-3.22.4-3.23.7.diff", "lib/types.js", { kind: "add", content: "var _ZodEnum_cache, _ZodNativeEnum_cache;", oldLine: null, newLine: 13 }],
    ["release-zod-3.22.4-3.23.7.diff", "lib/types.js", { kind: "del", content: "            //", oldLine: 400, newLine: null }],
    ["release-zod-3.22.4-3.23.7.diff", "lib/types.js", { kind: "add", content: "            });", oldLine: null, newLine: 426 }],
    ["release-zod-3.22.4-3.23.7.diff", "lib/types.js", { kind: "context", content: "            return parseUtil_1.INVALID;", oldLine: 402, newLine: 427 }],
  ])("%s %s: %j", (name, path, line) => {
    const at = allLines(fileIn(name, path)).filter((l) => l.kind === line.kind && (line.kind === "del" ? l.oldLine === line.oldLine : l.newLine === line.newLine));
    expect(at).toEqual([line]);
  });
});

describe("parseUnifiedDiff: edge cases", () => {
  it.each([
    ["@@ -5 +5 @@ module.exports = (input) => {", 5, 1, 5, 1, 2],
    ["@@ -97,0 +98 @@ module.exports = (input) => {", 97, 0, 98, 1, 1],
    ["@@ -122 +122,0 @@ module.exports = (input) => {", 122, 1, 122, 0, 1],
  ])("keeps the one-line hunk %s with its counts and lines", (header, oldStart, oldLines, newStart, newLines, lineCount) => {
    const hunk = fileIn("zero-context.diff", "parse.js").hunks.find((h) => h.header === header);
    expect(hunk).toMatchObject({ oldStart, oldLines, newStart, newLines });
    expect(hunk?.lines).toHaveLength(lineCount);
  });

  it.each(["no-newline-eof.diff", "no-newline-eof-restored.diff", "lockfile-bump.diff"])("drops `\\ No newline at end of file` markers in %s", (name) => {
    expect(fixture(name)).toContain("\\ No newline at end of file");
    const contents = parse(name).flatMap(allLines).map((l) => l.content);
    expect(contents.filter((c) => c.includes("No newline at end of file"))).toEqual([]);
  });

  it("leaves no carriage return in CRLF content", () => {
    expect(fixture("crlf.diff")).toContain("\r\n");
    const file = fileIn("crlf.diff", "lib/types-crlf.d.ts");
    expect(allLines(file).filter((l) => l.content.includes("\r"))).toEqual([]);
    expect(file.hunks[0]?.header).toBe("@@ -9,9 +9,10 @@ declare namespace parseDiff {");
  });

  it.each(["multi-hunk.diff", "unicode-paths-quoted.diff", "binary-file.diff", "no-newline-eof.diff"])(
    "parses %s the same when the whole diff came with CRLF line endings",
    (name) => {
      expect(parseUnifiedDiff(fixture(name).replace(/\n/g, "\r\n"))).toEqual(parse(name));
    },
  );

  it("unquotes C-quoted UTF-8 paths to the same result as core.quotePath=false", () => {
    expect(fixture("unicode-paths-quoted.diff")).toContain('"a/docs/caf\\303\\251.md"');
    expect(parse("unicode-paths-quoted.diff")).toEqual(parse("unicode-paths-unquoted.diff"));
  });

  it("reads a path with a space from `---`/`+++` lines that end in a tab", () => {
    expect(fixture("unicode-paths-quoted.diff")).toContain("+++ b/docs/read me.md\t\n");
    expect(parse("unicode-paths-quoted.diff").map((f) => f.path)).toContain("docs/read me.md");
  });

  it("does not let a miscounted hunk swallow the next file", () => {
    const text = fixture("lockfile-bump.diff").replace("@@ -4,7 +4,7 @@", "@@ -4,30 +4,30 @@");
    const files = parseUnifiedDiff(text);
    expect(files.map((f) => f.path)).toEqual(["index.js", "package-lock.json", "package.json"]);
    expect(files[1]).toEqual(fileIn("lockfile-bump.diff", "package-lock.json"));
  });

  it("reads a diff cut short inside its last hunk without inventing an empty line", () => {
    const lines = fixture("multi-hunk.diff").split("\n"); // ends with "", the final newline
    const cut = parseUnifiedDiff(`${lines.slice(0, -3).join("\n")}\n`);
    const whole = fileIn("multi-hunk.diff", "parse.js");
    expect(cut[0]?.hunks[2]?.lines).toEqual(whole.hunks[2]?.lines.slice(0, -2));
  });

  it("reads a plain unified diff without `diff --git` headers", () => {
    const plain = fixture("multi-hunk.diff").split("\n").slice(2).join("\n");
    expect(plain.startsWith("--- a/parse.js")).toBe(true);
    expect(parseUnifiedDiff(plain)).toEqual(parse("multi-hunk.diff"));
  });

  it.each([
    ["empty", ""],
    ["whitespace", "  \n\n"],
    ["prose", "This is not a diff.\nNot at all.\n"],
    ["a lone hunk", "@@ -1 +1 @@\n-a\n+b\n"],
    ["a marker after a bare hunk header", "@@ -1 +1 @@\n\\ No newline at end of file\n"],
    ["a bare diff line", "diff --git\n"],
    ["an unterminated quoted path", 'diff --git "a/x\n@@ -1,2 +1,2 @@\n-a\n+b\n'],
    ["a NUL-ridden blob", "\u0000\u0001diff\u0000@@ --- +++"],
  ])("returns an array and never throws on %s", (_, text) => {
    expect(Array.isArray(parseUnifiedDiff(text))).toBe(true);
  });

  it("reads megabyte-long hunk headers, `diff` lines and paths in linear time", () => {
    // parse-diff's `@@\s+-(\d+),?(\d+)?...` and its path pattern took many minutes on these lines.
    const started = cpuMs();
    const digits = parseUnifiedDiff(`diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -${"1".repeat(1_048_576)}\n`);
    const plain = parseUnifiedDiff(`diff ${"a/".repeat(524_288)}\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n`);
    const section = parseUnifiedDiff(`diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@ ${"a/".repeat(524_288)}\n-a\n+b\n`);
    const longPath = "d/".repeat(300_000) + "f.ts";
    const path = parseUnifiedDiff(`diff --git a/${longPath} b/${longPath}\n--- a/${longPath}\n+++ b/${longPath}\n@@ -1 +1 @@\n-a\n+b\n`);
    const quoted = parseUnifiedDiff(`diff --git "a/${longPath}\\303\\251" "b/${longPath}\\303\\251"\nnew file mode 100644\n--- /dev/null\n+++ "b/${longPath}\\303\\251"\n@@ -0,0 +1 @@\n+a\n`);
    const escapes = parseUnifiedDiff(`diff --git "a/${"\\303\\251x".repeat(10_000)}" "b/y"\n@@ -1 +1 @@\n-a\n+b\n`);
    expect(cpuMs() - started).toBeLessThan(LINEAR_TIME_LIMIT_MS);
    expect(escapes[0]?.oldPath).toBe("\u00e9x".repeat(10_000));
    expect(digits.map(summarize)).toEqual([row("x", "modified", 0, 0, 0)]);
    expect(plain.map(summarize)).toEqual([row("x", "modified", 1, 1, 1)]);
    expect(section[0]?.hunks[0]?.header).toBe(`@@ -1 +1 @@ ${"a/".repeat(524_288)}`.slice(0, MAX_HEADER_LINE_CHARS));
    expect(path.map(summarize)).toEqual([row(longPath, "modified", 1, 1, 1)]);
    expect(quoted.map(summarize)).toEqual([row(`${longPath}\u00e9`, "added", 1, 0, 1)]);
  });

  it("returns [] for non-string input reaching it at run time", () => {
    expect(parseUnifiedDiff(undefined as unknown as string)).toEqual([]);
  });

  it.each(["unicode-paths-quoted.diff", "no-newline-eof.diff", "binary-file.diff", "zero-context.diff"])(
    "never throws on any truncation of %s",
    (name) => {
      const text = fixture(name);
      for (let end = 0; end <= text.length; end += 3) expect(() => parseUnifiedDiff(text.slice(0, end))).not.toThrow();
    },
  );
});

describe("parseUnifiedDiff: every hunk of the corpus is internally consistent", () => {
  it.each(ALL_FIXTURES)("%s", (name) => {
    const files = parse(name);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      let additions = 0;
      let deletions = 0;
      for (const hunk of file.hunks) {
        let oldLine = hunk.oldLines === 0 ? hunk.oldStart + 1 : hunk.oldStart;
        let newLine = hunk.newLines === 0 ? hunk.newStart + 1 : hunk.newStart;
        for (const line of hunk.lines) {
          expect(line.content).not.toMatch(/\r$/);
          if (line.kind === "add") {
            expect(line).toMatchObject({ oldLine: null, newLine: newLine++ });
            additions++;
          } else if (line.kind === "del") {
            expect(line).toMatchObject({ oldLine: oldLine++, newLine: null });
            deletions++;
          } else {
            expect(line).toMatchObject({ oldLine: oldLine++, newLine: newLine++ });
          }
        }
        // Counts from the header line itself, independent of parse-diff's own bookkeeping.
        const counts = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/.exec(hunk.header);
        expect(counts).not.toBeNull();
        expect(oldLine - hunk.oldStart - (hunk.oldLines === 0 ? 1 : 0)).toBe(Number(counts?.[1] ?? 1));
        expect(newLine - hunk.newStart - (hunk.newLines === 0 ? 1 : 0)).toBe(Number(counts?.[2] ?? 1));
      }
      expect({ additions, deletions }).toEqual({ additions: file.additions, deletions: file.deletions });
    }
  });
});
