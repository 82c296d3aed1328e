import { afterEach, describe, expect, it } from "vitest";
import { parseUnifiedDiff } from "../../../src/diff/parse-unified-diff.js";
import type { FileDiff } from "../../../src/diff/types.js";
import { selectIncrement } from "../../../src/review/select-increment.js";
import { realSourceFile } from "../../support/git-history.js";
import { allOf, createGitRepo, setLine, type GitRepo } from "../../support/git-repo.js";

// A real file (parse-diff's parser, 261 lines) and a small one, edited on a feature branch and on main.
let repo: GitRepo;
afterEach(() => repo?.remove());

function start(): GitRepo {
  repo = createGitRepo({ "parse.js": realSourceFile(), "README.md": "# Project\n\nSome words.\n" });
  return repo;
}

/** The PR diff as GitHub shows it (merge base of main and the branch...branch) and what changed since `since`. */
function diffs(since: string, head = "feature") {
  const pullFiles = parseUnifiedDiff(repo.diff(repo.mergeBase("main", head)!, head));
  const newChanges = parseUnifiedDiff(repo.diff(since, head));
  return { pullFiles, newChanges };
}

const addedLines = (files: FileDiff[]) =>
  files.flatMap((file) => file.hunks.flatMap((hunk) => hunk.lines.filter((line) => line.kind === "add").map((line) => `${file.path}:R${line.newLine}`)));

describe("selectIncrement", () => {
  it("keeps only the PR hunk a new commit changed, numbered as in the PR diff", () => {
    start();
    const reviewed = repo.commit("feature", setLine("parse.js", 5, "  const lines = input.split(/\\r?\\n/);"));
    repo.commit("feature", setLine("parse.js", 100, "      oldLines: toNumOfLines(oldNumLines), // counts may be missing"));
    const increment = selectIncrement(diffs(reviewed));
    expect(addedLines(increment.files)).toEqual(["parse.js:R100"]);
    expect(increment.touched).toEqual(["parse.js"]);
  });

  it("yields nothing for an Update branch that changed other files and the PR's file outside its hunks", () => {
    start();
    repo.commit("feature", setLine("parse.js", 5, "  const lines = input.split(/\\r?\\n/);"));
    const reviewed = repo.commit("feature", { "src/new.js": "export const answer = 42;\n" });
    repo.commit("main", allOf(setLine("parse.js", 200, "  // upstream note"), { "README.md": "# Project\n\nOther words.\n", "docs/guide.md": "Guide\n" }));
    repo.merge("feature", "main");
    const { pullFiles, newChanges } = diffs(reviewed);
    // The compare lists the base's files; the PR diff does not.
    expect(newChanges.map((file) => file.path).sort()).toEqual(["README.md", "docs/guide.md", "parse.js"]);
    expect(pullFiles.map((file) => file.path).sort()).toEqual(["parse.js", "src/new.js"]);
    expect(selectIncrement({ pullFiles, newChanges }).files).toEqual([]);
  });

  it("after a push plus an Update branch keeps the PR hunk the push changed and none of the base's changes", () => {
    start();
    repo.commit("feature", allOf(setLine("parse.js", 5, "  const lines = input.split(/\\r?\\n/);"), setLine("parse.js", 100, "      oldLines: 0,")));
    const reviewed = repo.sha("feature");
    repo.commit("main", allOf(setLine("parse.js", 200, "  // upstream note"), { "README.md": "# Project\n\nOther words.\n" }));
    repo.commit("feature", setLine("parse.js", 101, "      newStart: +newStart, // from the header"));
    repo.merge("feature", "main");
    const increment = selectIncrement(diffs(reviewed));
    expect(increment.files.map((file) => file.path)).toEqual(["parse.js"]);
    expect(addedLines(increment.files)).toEqual(["parse.js:R100", "parse.js:R101"]);
    expect(increment.files[0]!.hunks).toHaveLength(1);
    expect(increment.files[0]!.additions).toBe(2);
  });

  it("counts a pure deletion of a line the PR added as touching its hunk", () => {
    start();
    const added = ["  // first", "  // second", "  // third"];
    const reviewed = repo.commit("feature", (files) => {
      const lines = files.get("parse.js")!.split("\n");
      lines.splice(50, 0, ...added);
      files.set("parse.js", lines.join("\n"));
    });
    repo.commit("feature", (files) => files.set("parse.js", files.get("parse.js")!.replace("  // second\n", "")));
    const { pullFiles, newChanges } = diffs(reviewed);
    expect(newChanges[0]!.additions).toBe(0);
    expect(addedLines(selectIncrement({ pullFiles, newChanges }).files)).toEqual(["parse.js:R51", "parse.js:R52"]);
  });

  it("counts a pure deletion of a base line where the PR already deletes nearby", () => {
    start();
    const reviewed = repo.commit("feature", (files) => files.set("parse.js", files.get("parse.js")!.split("\n").toSpliced(30, 1).join("\n")));
    repo.commit("feature", (files) => files.set("parse.js", files.get("parse.js")!.split("\n").toSpliced(30, 1).join("\n")));
    const { pullFiles, newChanges } = diffs(reviewed);
    const increment = selectIncrement({ pullFiles, newChanges });
    expect(increment.files).toHaveLength(1);
    expect(increment.files[0]!.deletions).toBe(2);
  });

  it("yields nothing when the new commit reverts the PR's change to the base's text", () => {
    start();
    repo.commit("feature", allOf(setLine("parse.js", 5, "  const lines = input.split(/\\r?\\n/);"), setLine("parse.js", 100, "      oldLines: 0,")));
    const reviewed = repo.sha("feature");
    repo.commit("feature", setLine("parse.js", 100, realSourceFile().split("\n")[99]!));
    const { pullFiles, newChanges } = diffs(reviewed);
    expect(addedLines(pullFiles)).toEqual(["parse.js:R5"]);
    expect(selectIncrement({ pullFiles, newChanges }).files).toEqual([]);
  });

  it("takes the whole PR file when the new commits changed it without a patch, and carries uncovered files whole", () => {
    start();
    repo.commit("feature", allOf(setLine("parse.js", 5, "  const a = 1;"), setLine("parse.js", 100, "  const b = 2;"), { "src/new.js": "export const answer = 42;\n" }));
    const reviewed = repo.sha("feature");
    repo.commit("feature", { "README.md": "# Project\n\nChanged.\n" });
    const { pullFiles, newChanges } = diffs(reviewed);
    const noPatch = selectIncrement({ pullFiles, newChanges: [], changedWithoutPatch: new Set(["parse.js"]) });
    expect(addedLines(noPatch.files)).toEqual(["parse.js:R5", "parse.js:R100"]);

    const carried = selectIncrement({ pullFiles, newChanges, isCarried: (path) => path === "src/new.js" });
    expect(carried.files.map((file) => file.path).sort()).toEqual(["README.md", "src/new.js"]);
    expect(carried.carried).toEqual(["src/new.js"]);
    expect(carried.touched).toEqual(["README.md"]);
  });

  it("follows a file the new commits renamed and edited, and a file they deleted", () => {
    start();
    const reviewed = repo.commit("feature", { "src/new.js": "export const answer = 42;\nexport const other = 1;\nexport const third = 3;\n" });
    repo.commit("feature", { "src/new.js": null, "src/renamed.js": "export const answer = 42;\nexport const other = 2;\nexport const third = 3;\n", "README.md": null });
    const { pullFiles, newChanges } = diffs(reviewed);
    const increment = selectIncrement({ pullFiles, newChanges });
    expect(increment.files.map((file) => `${file.status} ${file.path}`).sort()).toEqual(["added src/renamed.js", "deleted README.md"]);
  });
});
