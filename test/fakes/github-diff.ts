/*
 * The GitHub fake's own reading of a unified diff: which file lines a review comment may sit on, and
 * what `GET /pulls/:n/files` reports. Deliberately independent of src/diff so that the fake checks the
 * app's anchoring instead of sharing its mistakes.
 */

export interface FakeDiffLine {
  kind: "add" | "del" | "context";
  oldLine: number | null;
  newLine: number | null;
  /** GitHub's legacy `position`: lines below the file's first `@@`, later `@@` lines counted too. */
  position: number;
  /** Index of this line in its hunk's `raw`. */
  rawIndex: number;
}

export interface FakeHunk {
  /** The `@@ ... @@` line. */
  header: string;
  /** Every raw line of the hunk, header first (for `diff_hunk`). */
  raw: string[];
  lines: FakeDiffLine[];
}

export type FakeFileStatus = "added" | "removed" | "modified" | "renamed" | "changed";

export interface FakeDiffFile {
  filename: string;
  previousFilename: string | null;
  status: FakeFileStatus;
  binary: boolean;
  hunks: FakeHunk[];
  additions: number;
  deletions: number;
  /** The hunks as `GET /pulls/:n/files` shows them in `patch`; null for binary and hunk-less files. */
  patch: string | null;
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

export function parseFakeDiff(diff: string): FakeDiffFile[] {
  const files: FakeDiffFile[] = [];
  const lines = diff.split("\n");
  if (lines.at(-1) === "") lines.pop();
  let file: (FakeDiffFile & { gitOld: string | null; gitNew: string | null }) | undefined;
  let hunk: FakeHunk | undefined;
  let oldLine = 0;
  let newLine = 0;
  let oldLeft = 0;
  let newLeft = 0;
  let position = 0;
  let patchLines: string[] = [];

  const finish = () => {
    if (!file) return;
    file.patch = patchLines.length > 0 ? patchLines.join("\n") : null;
    const { gitOld, gitNew, ...done } = file;
    if (!done.filename) done.filename = gitNew ?? gitOld ?? "";
    if (done.status === "modified" && done.previousFilename && done.previousFilename !== done.filename) done.status = "renamed";
    // GitHub reports a mode-only change as "changed", a mode change with edits as "modified".
    if (done.status === "changed" && done.hunks.length > 0) done.status = "modified";
    files.push(done);
  };

  for (const rawLine of lines) {
    const line = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    if (line.startsWith("diff --git ")) {
      finish();
      const [gitOld, gitNew] = splitGitHeader(line.slice("diff --git ".length));
      file = {
        filename: "",
        previousFilename: null,
        status: "modified",
        binary: false,
        hunks: [],
        additions: 0,
        deletions: 0,
        patch: null,
        gitOld,
        gitNew,
      };
      hunk = undefined;
      position = 0;
      patchLines = [];
      continue;
    }
    if (!file) continue;

    const inHunk = hunk !== undefined && (oldLeft > 0 || newLeft > 0);
    if (inHunk && hunk && (line === "" || line[0] === " " || line[0] === "-" || line[0] === "+")) {
      position++;
      patchLines.push(rawLine);
      const rawIndex = hunk.raw.push(rawLine) - 1;
      // Some tools strip the space of an empty context line; inside a hunk it is still context.
      const marker = line === "" ? " " : line[0];
      if (marker === "+") {
        hunk.lines.push({ kind: "add", oldLine: null, newLine: newLine++, position, rawIndex });
        newLeft--;
        file.additions++;
      } else if (marker === "-") {
        hunk.lines.push({ kind: "del", oldLine: oldLine++, newLine: null, position, rawIndex });
        oldLeft--;
        file.deletions++;
      } else {
        hunk.lines.push({ kind: "context", oldLine: oldLine++, newLine: newLine++, position, rawIndex });
        oldLeft--;
        newLeft--;
      }
      continue;
    }
    if (line.startsWith("\\")) {
      // "\ No newline at end of file": part of the patch and of position counting, not a file line.
      if (hunk) {
        position++;
        patchLines.push(rawLine);
        hunk.raw.push(rawLine);
      }
      continue;
    }
    const header = HUNK_HEADER.exec(line);
    if (header) {
      if (hunk) position++;
      // A missing count means 1 (`@@ -5 +5 @@`).
      oldLine = Number(header[1]);
      oldLeft = header[2] === undefined ? 1 : Number(header[2]);
      newLine = Number(header[3]);
      newLeft = header[4] === undefined ? 1 : Number(header[4]);
      hunk = { header: line, raw: [rawLine], lines: [] };
      file.hunks.push(hunk);
      patchLines.push(rawLine);
      continue;
    }
    if (hunk) continue;
    if (line.startsWith("new file mode")) file.status = "added";
    else if (line.startsWith("deleted file mode")) file.status = "removed";
    else if (line.startsWith("rename from ")) file.previousFilename = unquote(line.slice("rename from ".length));
    else if (line.startsWith("rename to ")) file.filename = unquote(line.slice("rename to ".length));
    else if (line.startsWith("old mode ") && file.status === "modified") file.status = "changed";
    else if (line.startsWith("Binary files ") || line === "GIT binary patch") file.binary = true;
    else if (line.startsWith("--- ")) {
      const path = stripPrefix(unquote(line.slice(4)));
      if (path === null) file.status = "added";
      else if (!file.previousFilename) file.previousFilename = path;
    } else if (line.startsWith("+++ ")) {
      const path = stripPrefix(unquote(line.slice(4)));
      if (path === null) file.status = "removed";
      else file.filename = path;
    }
  }
  finish();

  for (const done of files) {
    if (done.status === "removed") {
      done.filename = done.previousFilename ?? done.filename;
      done.previousFilename = null;
    }
    if (done.status !== "renamed") done.previousFilename = null;
  }
  return files;
}

/** `a/x` -> `x`; `/dev/null` -> null. */
function stripPrefix(path: string): string | null {
  if (path === "/dev/null") return null;
  return path.replace(/^[ab]\//, "");
}

/**
 * The two paths of `diff --git a/X b/Y`. Quoted paths are unambiguous; unquoted ones with spaces are
 * split where both halves name the same file (renames carry their paths in `rename from/to` anyway).
 */
function splitGitHeader(rest: string): [string | null, string | null] {
  const quoted = rest.match(/^("(?:[^"\\]|\\.)*"|\S+) ("(?:[^"\\]|\\.)*"|\S+)$/);
  if (quoted?.[1] && quoted[2]) return [stripPrefix(unquote(quoted[1])), stripPrefix(unquote(quoted[2]))];
  const half = (rest.length - 1) / 2;
  if (Number.isInteger(half) && rest.slice(2, half) === rest.slice(half + 3)) {
    const path = rest.slice(2, half);
    return [path, path];
  }
  return [null, null];
}

/** Git's C-style quoting: `"caf\303\251.txt"` -> `café.txt`. */
function unquote(text: string): string {
  const trimmed = text.replace(/\t.*$/, "");
  if (!trimmed.startsWith('"') || !trimmed.endsWith('"')) return trimmed;
  const bytes: number[] = [];
  const body = trimmed.slice(1, -1);
  const escapes: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, "\\": 92, a: 7, b: 8, f: 12, v: 11 };
  for (let i = 0; i < body.length; i++) {
    const char = body[i] as string;
    if (char !== "\\") {
      bytes.push(...Buffer.from(char, "utf8"));
      continue;
    }
    const next = body[i + 1] ?? "";
    const octal = /^[0-7]{3}/.exec(body.slice(i + 1));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else {
      bytes.push(escapes[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString("utf8");
}
