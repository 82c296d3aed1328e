import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export type Edit = (files: Map<string, string>) => void;

/**
 * Commits `base` and then each edit in a throwaway git repo, and returns real `git diff` output
 * between any two of those commits (0 = base). The diffs are what GitHub would show for them.
 */
export function buildGitHistory(base: Record<string, string>, edits: Edit[]): { diff(from: number, to: number): string; sha(index: number): string } {
  const dir = mkdtempSync(join(tmpdir(), "codex-review-history-"));
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1", GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" },
    });
  try {
    git("init", "-q");
    const files = new Map(Object.entries(base));
    const write = () => {
      for (const [path, content] of files) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), content);
      }
      git("add", "-A");
    };
    const shas: string[] = [];
    write();
    git("commit", "-q", "-m", "base");
    shas.push(git("rev-parse", "HEAD").trim());
    for (const edit of edits) {
      edit(files);
      write();
      git("commit", "-q", "-m", `edit ${shas.length}`);
      shas.push(git("rev-parse", "HEAD").trim());
    }
    const diffs = new Map<string, string>();
    for (let from = 0; from < shas.length; from++) {
      for (let to = from + 1; to < shas.length; to++) diffs.set(`${from}-${to}`, git("diff", "-M", shas[from]!, shas[to]!));
    }
    return {
      diff: (from, to) => diffs.get(`${from}-${to}`) ?? "",
      sha: (index) => shas[index]!,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A real source file to edit: parse-diff's parser as published. */
export function realSourceFile(): string {
  return readFileSync(new URL("../../node_modules/parse-diff/parse.js", import.meta.url), "utf8");
}

/** Replaces line `lineNumber` (1-based) of `path` with `text`. */
export function replaceLine(path: string, lineNumber: number, text: string): Edit {
  return (files) => {
    const lines = files.get(path)!.split("\n");
    lines[lineNumber - 1] = text;
    files.set(path, lines.join("\n"));
  };
}
