import { describe, expect, it } from "vitest";
import { CliUsageError, parseCliArgs, parsePullRequestRef } from "../../../src/cli/parse-cli-args.js";

describe("parsePullRequestRef", () => {
  it.each([
    ["octo-org/hello-world#12", { owner: "octo-org", repo: "hello-world", pullNumber: 12 }],
    ["https://github.com/octo-org/hello.js/pull/7", { owner: "octo-org", repo: "hello.js", pullNumber: 7 }],
    ["http://ghe.local:8080/a/b/pull/3/files", { owner: "a", repo: "b", pullNumber: 3 }],
    ["https://github.com/a/b/issues/3", null],
    ["https://ghe.example.com/a/b/pull/3?diff=split", { owner: "a", repo: "b", pullNumber: 3 }],
    ["octo-org/hello-world#0", null],
    ["octo-org/hello-world", null],
    ["hello-world#3", null],
  ])("%s", (text, expected) => {
    expect(parsePullRequestRef(text)).toEqual(expected);
  });
});

describe("parseCliArgs", () => {
  it("reads a pull request review with --dry-run", () => {
    expect(parseCliArgs(["review", "o/r#5", "--dry-run"])).toEqual({
      kind: "review-pull-request",
      ref: { owner: "o", repo: "r", pullNumber: 5 },
      dryRun: true,
    });
  });

  it("reads a diff file review with a title", () => {
    expect(parseCliArgs(["review", "--diff", "x.patch", "--title", "Fix it"])).toEqual({ kind: "review-diff-file", diffPath: "x.patch", title: "Fix it" });
  });

  it.each([[[]], [["--help"]], [["-h"]], [["help"]]])("%j asks for help", (argv) => {
    expect(parseCliArgs(argv)).toEqual({ kind: "help" });
  });

  it.each([
    [["review", "o/r#1", "--title", "x"], "--title only applies with --diff"],
    [["review", "--diff"], "argument missing"],
    [["review", "o/r#1", "o/r#2"], "exactly one pull request"],
  ])("%j is a usage error", (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(CliUsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});
