import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_EXCLUDE_GLOBS, GENERATED_MARKER_LINES, GENERATED_MARKER_SCAN_CHARS, isGeneratedFile, MAX_GLOB_SEGMENT_CHARS, selectReviewableFiles, type SkippedFile } from "../../../src/diff/file-filter.js";
import { parseUnifiedDiff } from "../../../src/diff/parse-unified-diff.js";
import type { FileDiff } from "../../../src/diff/types.js";
import { cpuMs, LINEAR_TIME_LIMIT_MS } from "../../support/linear-time.js";

const FIXTURES = new URL("../../fixtures/diffs/", import.meta.url);
const parse = (name: string): FileDiff[] => parseUnifiedDiff(readFileSync(new URL(name, FIXTURES), "utf8"));
const reviewablePaths = (files: FileDiff[], options?: Parameters<typeof selectReviewableFiles>[1]): string[] =>
  selectReviewableFiles(files, options).reviewable.map((f) => f.path);

/** A real modified text file (from lockfile-bump.diff), moved to another path. */
const textFileAt = (path: string): FileDiff => ({ ...(parse("lockfile-bump.diff")[0] as FileDiff), path });

describe("selectReviewableFiles on the fixtures", () => {
  it.each<[string, string[], SkippedFile[]]>([
    [
      "binary-file.diff",
      ["index.js"],
      [
        { path: "assets/favicon.ico", reason: "binary" },
        { path: "docs/demo.png", reason: "binary" },
      ],
    ],
    ["deleted-file.diff", [], [{ path: "index.d.ts", reason: "deleted" }]],
    ["rename-pure.diff", [], [{ path: "LICENSE.md", reason: "rename-only" }]],
    ["rename-with-changes.diff", ["lib/parse-diff.js"], []],
    ["mode-change.diff", ["parse.js"], [{ path: "index.js", reason: "no-changes" }]],
    ["new-file.diff", ["lib/utils.js"], [{ path: "lib/.gitkeep", reason: "no-changes" }]],
    ["lockfile-bump.diff", ["index.js", "package.json"], [{ path: "package-lock.json", reason: "excluded" }]],
    [
      "generated.diff",
      ["index.js", "package.json"],
      [
        { path: "package-lock.json", reason: "excluded" },
        { path: "src/generated/ESTreeVisitorKeys.js", reason: "generated" }, // " * @generated" on line 9
        { path: "src/proto/empty_pb.js", reason: "generated" }, // "// GENERATED CODE -- DO NOT EDIT!" on line 9
      ],
    ],
    [
      "unicode-paths-quoted.diff",
      ["docs/café.md", "docs/read me.md", 'docs/say "hi".txt', "docs/日本語.yaml"],
      [{ path: "docs/naïve-résumé.yaml", reason: "rename-only" }],
    ],
    ["release-picomatch-4.0.2-4.0.3.diff", ["README.md", "lib/constants.js", "package.json"], []],
  ])("%s", (name, reviewable, skipped) => {
    const result = selectReviewableFiles(parse(name));
    expect(result.reviewable.map((f) => f.path)).toEqual(reviewable);
    expect(result.skipped).toEqual(skipped);
  });

  it("keeps every file in exactly one of the two lists", () => {
    const files = parse("release-parse-diff-0.11.1-0.12.0.diff");
    const { reviewable, skipped } = selectReviewableFiles(files);
    expect([...reviewable.map((f) => f.path), ...skipped.map((s) => s.path)].sort()).toEqual(files.map((f) => f.path).sort());
    expect(skipped.every((s) => s.reason === "deleted")).toBe(true);
  });
});

describe("default exclude globs", () => {
  it.each([
    "package-lock.json",
    "web/package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "packages/app/yarn.lock",
    "pnpm-lock.yaml",
    "Cargo.lock",
    "crates/x/Cargo.lock",
    "poetry.lock",
    "Gemfile.lock",
    "composer.lock",
    "go.sum",
    "services/api/go.sum",
    "dist/index.js",
    "packages/core/dist/index.d.ts",
    "build/app.js",
    "android/app/build/outputs/x.json",
    "vendor/github.com/pkg/errors/errors.go",
    "node_modules/left-pad/index.js",
    "public/app.min.js",
    "assets/site.min.css",
    ".cache/app.min.js",
    "lib/index.js.map",
    "src/__snapshots__/app.test.ts.snap",
    "src/__snapshots__/notes.md",
    "test/output.snap",
  ])("skips %s", (path) => {
    expect(selectReviewableFiles([textFileAt(path)]).skipped).toEqual([{ path, reason: "excluded" }]);
  });

  it.each([
    "src/index.ts",
    "src/dist.ts",
    "src/distance/index.ts",
    "src/builder.ts",
    "tools/build-docs.ts",
    "src/vendors.ts",
    "src/minimal.ts",
    "src/sitemap.ts",
    "docs/lockfiles.md",
    ".github/workflows/ci.yml",
    "package.json",
    "go.mod",
  ])("reviews %s", (path) => {
    expect(reviewablePaths([textFileAt(path)])).toEqual([path]);
  });

  it("is a non-empty list of globs", () => {
    expect(DEFAULT_EXCLUDE_GLOBS).toContain("**/package-lock.json");
    expect(DEFAULT_EXCLUDE_GLOBS).toContain("**/dist/**");
  });
});

describe("exclude and include options", () => {
  const files = parse("generated.diff");

  it("adds exclude globs to the defaults", () => {
    expect(selectReviewableFiles(files, { exclude: ["index.js"] }).skipped).toContainEqual({ path: "index.js", reason: "excluded" });
    expect(selectReviewableFiles(files, { exclude: ["index.js"] }).skipped).toContainEqual({ path: "package-lock.json", reason: "excluded" });
  });

  it.each<[string[], string[]]>([
    [["**/package-lock.json"], ["index.js", "package-lock.json", "package.json"]],
    [["src/generated/**"], ["index.js", "package.json", "src/generated/ESTreeVisitorKeys.js"]],
    [["**/*.js"], ["index.js", "package.json", "src/generated/ESTreeVisitorKeys.js", "src/proto/empty_pb.js"]],
    [["nothing/**"], ["index.js", "package.json"]],
    [[], ["index.js", "package.json"]],
  ])("include %j reviews %j", (include, reviewable) => {
    expect(reviewablePaths(files, { include })).toEqual(reviewable);
  });

  it("matches globs against a megabyte-long file name in linear time, on its first and last characters", () => {
    // `**/*.min.*` backtracks quadratically within a segment: this name took over a minute before.
    const name = `${"a.min.".repeat(175_000)}`;
    const started = cpuMs();
    const { skipped } = selectReviewableFiles([textFileAt(`${name}/x`), textFileAt(`src/${name}`), textFileAt(`src/${"b".repeat(300)}.min.js`)]);
    expect(cpuMs() - started).toBeLessThan(LINEAR_TIME_LIMIT_MS);
    // Long names keep their start and their end: "x" in a long directory is reviewed, the .min. files are not.
    expect(skipped.map((file) => file.path.slice(0, 8))).toEqual(["src/a.mi", "src/bbbb"]);
    expect(MAX_GLOB_SEGMENT_CHARS).toBe(255);
  });

  it("ignores blank globs instead of throwing", () => {
    expect(reviewablePaths(files, { exclude: [""], include: [" "] })).toEqual(["index.js", "package.json"]);
  });

  it("lets include win over an exclude glob for the paths it matches", () => {
    const docs = parse("unicode-paths-quoted.diff");
    expect(reviewablePaths(docs, { exclude: ["docs/**"], include: ["docs/*.md"] })).toEqual(["docs/café.md", "docs/read me.md"]);
  });

  it("does not let include review binary, deleted or rename-only files", () => {
    const mixed = [...parse("binary-file.diff"), ...parse("deleted-file.diff"), ...parse("rename-pure.diff")];
    expect(reviewablePaths(mixed, { include: ["**"] })).toEqual(["index.js"]);
  });
});

describe("isGeneratedFile", () => {
  /** lib/utils.js from new-file.diff (72 added lines) with one line replaced. */
  const withLine = (lineNumber: number, content: string): FileDiff => {
    const file = structuredClone(parse("new-file.diff")[1] as FileDiff);
    const line = file.hunks[0]?.lines[lineNumber - 1];
    if (!line) throw new Error(`no line ${lineNumber}`);
    line.content = content;
    return file;
  };

  it.each<[string, boolean]>([
    ["// Code generated by protoc-gen-go. DO NOT EDIT.", true],
    ["// Code generated by client-gen. DO NOT EDIT.", true],
    ["# Generated by the protocol buffer compiler.  DO NOT EDIT!", true],
    [" * @generated", true],
    ["// This file is @generated by prost-build.", true],
    ["/* eslint-disable */ // @generated SignedSource<<abc>>", true],
    ["<!-- DO NOT EDIT: generated by tools/gen-docs -->", true],
    ["const GENERATED = /@generated/; // not a header", false],
    ['const marker = "Code generated by x. DO NOT EDIT.";', false],
    ["// generated with care, edit freely", false],
    ["// DO NOT EDIT without reading CONTRIBUTING.md", false],
  ])("%s -> %s", (content, generated) => {
    expect(isGeneratedFile(withLine(3, content))).toBe(generated);
  });

  it(`looks only at the first ${GENERATED_MARKER_LINES} lines of the new file`, () => {
    const marker = "// Code generated by stringer. DO NOT EDIT.";
    expect(isGeneratedFile(withLine(GENERATED_MARKER_LINES, marker))).toBe(true);
    expect(isGeneratedFile(withLine(GENERATED_MARKER_LINES + 1, marker))).toBe(false);
  });

  it("reads only the start of a long line: a megabyte of near-misses costs what a short line does", () => {
    const nearMisses = `// ${"generated ".repeat(110_000)}`;
    const started = cpuMs();
    expect(isGeneratedFile(withLine(3, nearMisses))).toBe(false);
    expect(isGeneratedFile(withLine(3, `// Code generated by x. DO NOT EDIT. ${"x".repeat(1_000_000)}`))).toBe(true);
    // The old `generated.*do not edit` pattern took minutes on the first line (bench/untrusted-text.ts).
    expect(cpuMs() - started).toBeLessThan(LINEAR_TIME_LIMIT_MS);
  });

  it(`does not look past the first ${GENERATED_MARKER_SCAN_CHARS} characters of a line`, () => {
    const late = `// ${"x".repeat(GENERATED_MARKER_SCAN_CHARS)} @generated`;
    expect(isGeneratedFile(withLine(3, late))).toBe(false);
    expect(isGeneratedFile(withLine(3, `// DO NOT EDIT ${"x".repeat(400)} generated`))).toBe(true);
  });

  it("ignores markers on deleted lines", () => {
    const file = structuredClone(parse("deleted-file.diff")[0] as FileDiff);
    const first = file.hunks[0]?.lines[0];
    if (!first) throw new Error("no line");
    first.content = "// Code generated by x. DO NOT EDIT.";
    expect(isGeneratedFile({ ...file, status: "modified" })).toBe(false);
  });
});

describe("selectReviewableFiles with a repository's hostile globs", () => {
  // The globs come from `.github/codex-review.yml`, the paths from the pull request. picomatch's RegExp
  // for `*a*a*a*a*ab` backtracked for 49 s against a 200-character name: one repository stalled the
  // operator's worker.
  it("decides in bounded time", () => {
    const name = `src/${"a".repeat(200)}c`;
    const started = cpuMs();
    const { reviewable } = selectReviewableFiles([textFileAt(name)], { exclude: [`src/${"*a".repeat(5)}b`], include: [`${"*a".repeat(5)}b`] });
    expect(cpuMs() - started).toBeLessThan(LINEAR_TIME_LIMIT_MS);
    expect(reviewable.map((file) => file.path)).toEqual([name]);
  });
});
