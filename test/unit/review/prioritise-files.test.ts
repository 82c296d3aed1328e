import { describe, expect, it } from "vitest";
import { classifyFile, prioritiseFiles, type FileClass } from "../../../src/review/prioritise-files.js";
import { cpuMs, LINEAR_TIME_LIMIT_MS } from "../../support/linear-time.js";

describe("classifyFile", () => {
  it.each<[string, FileClass]>([
    ["src/app.ts", "source"],
    ["lib/parse.js", "source"],
    ["cmd/server/main.go", "source"],
    ["Makefile", "source"],
    ["Dockerfile", "source"],
    ["vite.config.ts", "source"],
    ["src/latest.ts", "source"],
    ["src/contest/score.py", "source"],
    ["test/unit/app.test.ts", "test"],
    ["src/app.spec.js", "test"],
    ["src/__tests__/app.tsx", "test"],
    ["pkg/server_test.go", "test"],
    ["tests/test_parser.py", "test"],
    ["app/src/test/java/com/acme/ParserTest.java", "test"],
    ["spec/models/user_spec.rb", "test"],
    ["test/fixtures/diffs/multi-hunk.diff", "test"],
    ["test/fixtures/payload.json", "test"],
    ["README.md", "docs-config"],
    ["docs/guide/setup.mdx", "docs-config"],
    ["docs/api.ts", "docs-config"],
    ["test/README.md", "docs-config"],
    ["LICENSE", "docs-config"],
    ["CHANGELOG", "docs-config"],
    [".github/CODEOWNERS", "docs-config"],
    ["package.json", "docs-config"],
    [".github/workflows/ci.yml", "docs-config"],
    ["config/settings.toml", "docs-config"],
    [".gitignore", "docs-config"],
    [".nvmrc", "docs-config"],
    ["src/a.test.d/file.ts", "source"],
    ["src/a.test.", "source"],
    ["lib/test_x.pyc", "source"],
    ["lib/test_.py", "source"],
  ])("%s is %s", (path, expected) => {
    expect(classifyFile(path)).toBe(expected);
  });

  it("classes a megabyte-long crafted path in linear time", () => {
    // `\.(?:test|spec|e2e)\.[^/]+$` on the whole path took minutes here (bench/untrusted-text.ts).
    const started = cpuMs();
    expect(classifyFile(`${".test.".repeat(175_000)}/x`)).toBe("source");
    expect(classifyFile(`${"_test.".repeat(175_000)}/test_${"a".repeat(1_000_000)}.py`)).toBe("test");
    expect(cpuMs() - started).toBeLessThan(LINEAR_TIME_LIMIT_MS);
  });
});

describe("prioritiseFiles", () => {
  const file = (path: string, additions: number, deletions = 0) => ({ path, additions, deletions });

  it("orders source, then tests, then docs and config; larger changes first within a class", () => {
    const files = [
      file("README.md", 400),
      file("test/a.test.ts", 300),
      file("src/small.ts", 2),
      file("package.json", 1),
      file("src/big.ts", 50, 50),
      file("test/b.test.ts", 5),
      file("src/medium.ts", 10, 1),
    ];
    expect(prioritiseFiles(files).map((f) => f.path)).toEqual([
      "src/big.ts",
      "src/medium.ts",
      "src/small.ts",
      "test/a.test.ts",
      "test/b.test.ts",
      "README.md",
      "package.json",
    ]);
  });

  it("keeps diff order between files of one class and size, and does not touch its input", () => {
    const files = [file("src/b.ts", 3), file("src/a.ts", 3), file("src/c.ts", 3)];
    const copy = [...files];
    expect(prioritiseFiles(files).map((f) => f.path)).toEqual(["src/b.ts", "src/a.ts", "src/c.ts"]);
    expect(files).toEqual(copy);
    expect(prioritiseFiles([])).toEqual([]);
  });
});
