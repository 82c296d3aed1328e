import picomatch from "picomatch";
import { describe, expect, it } from "vitest";
import { DEFAULT_EXCLUDE_GLOBS } from "../../../src/diff/file-filter.js";
import { compileGlob, compileGlobs, MAX_GLOB_ALTERNATIVES } from "../../../src/diff/match-glob.js";
import { cpuMs, LINEAR_TIME_LIMIT_MS } from "../../support/linear-time.js";

const PATHS = [
  "package-lock.json",
  "web/package-lock.json",
  "dist/index.js",
  "packages/a/dist/x/y.js",
  "src/dist.ts",
  "lib/app.min.js",
  "lib/app.js.map",
  "src/__snapshots__/a.test.ts.snap",
  "vendor/github.com/x/y.go",
  "src/db/query.ts",
  "src/db/deep/more/query.ts",
  "src/db.ts",
  ".github/workflows/ci.yml",
  ".env",
  "docs/README.md",
  "a/b/c/d.tsx",
  "x.ts",
  "é/ü.ts",
];

// The globs people write (README examples, defaults): the same answers as picomatch with `dot: true`.
const GLOBS = [
  ...DEFAULT_EXCLUDE_GLOBS,
  "src/db/**",
  "src/**/*.ts",
  "**/*.{ts,tsx}",
  "*.ts",
  "src/*",
  "docs/**",
  "**/.github/**",
  ".github/**",
  "**/*.md",
  "a/**/d.tsx",
  "a/*/c/*",
  "src/db/**/query.ts",
  "?.ts",
  "[a-c]/**",
  "src/{db,lib}/*.ts",
  "{src,docs}/**/*.{ts,md}",
  "**",
  "*",
  "./src/db.ts",
  "dist/",
];

describe("compileGlob", () => {
  it.each(GLOBS)("answers like picomatch (dot: true) for %s", (glob) => {
    const ours = compileGlob(glob);
    expect(ours.ok).toBe(true);
    const theirs = picomatch(glob, { dot: true });
    for (const path of PATHS) expect([path, ours.ok && ours.match(path)]).toEqual([path, theirs(path)]);
  });

  it.each([
    ["[!a]x", "bx", true],
    ["[!a]x", "ax", false],
    ["[^a]x", "ax", false],
    ["a\\*b", "a*b", true],
    ["a\\*b", "axb", false],
    ["{a,{b,c}}x", "cx", true],
    ["a/{b,}c", "a/c", true],
    ["{a}", "{a}", true],
    ["[]]", "]", true],
    ["[a", "[a", true],
    ["a/**", "a", true],
    ["**/x", "x", true],
    ["*", "..", false],
    ["@(a|b)", "a", false],
    ["@(a|b)", "@(a|b)", true],
  ])("%s against %s is %s", (glob, path, expected) => {
    const compiled = compileGlob(glob);
    expect(compiled.ok && compiled.match(path)).toBe(expected);
  });

  it("refuses a glob whose braces expand past the bound instead of expanding them", () => {
    expect(compileGlob("{a,b}".repeat(7))).toEqual({ ok: false, reason: expect.stringContaining(String(MAX_GLOB_ALTERNATIVES)) });
    expect(compileGlob("{a,b}".repeat(6)).ok).toBe(true);
  });

  it("matches hostile globs against hostile names in linear time (picomatch backtracks for minutes on these)", () => {
    const longName = "a".repeat(250) + "c";
    const deepPath = Array.from({ length: 400 }, () => "a").join("/") + "/c";
    const hostile = [
      "*a".repeat(99) + "b",
      "?(a|a)".repeat(33),
      "@(a|a)".repeat(33),
      "a*".repeat(99) + "b",
      "**/a*/".repeat(40) + "b",
      "**/".repeat(60) + "b",
      "*?".repeat(99) + "b",
    ];
    const started = cpuMs();
    const match = compileGlobs(hostile);
    for (let i = 0; i < 20; i++) {
      expect(match(longName)).toBe(false);
      expect(match(deepPath)).toBe(false);
      expect(match(`x/${longName}`)).toBe(false);
    }
    expect(cpuMs() - started).toBeLessThan(LINEAR_TIME_LIMIT_MS);
  });

  it("compileGlobs skips blank and refused globs", () => {
    const match = compileGlobs(["", "  ", "{a,b}".repeat(10), "*.md"]);
    expect(match("README.md")).toBe(true);
    expect(match("a")).toBe(false);
  });
});

describe("compileGlob's bounds", () => {
  it("counts each brace alternative's characters, so a glob's cost per path is bounded", () => {
    expect(compileGlob(`{${"a".repeat(300)},${"b".repeat(300)}}`).ok).toBe(true);
    expect(compileGlob(`{${"a".repeat(300)},${"b".repeat(300)}}${"c".repeat(300)}`)).toEqual({ ok: false, reason: expect.stringContaining("1000 characters") });
  });
});
