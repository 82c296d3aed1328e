/** One line of a hunk. Line numbers are 1-based; `oldLine` is null for added lines, `newLine` for deleted ones. */
export interface DiffLine {
  kind: "add" | "del" | "context";
  content: string;
  oldLine: number | null;
  newLine: number | null;
}

export interface Hunk {
  /** The `@@ -a,b +c,d @@ section` line as GitHub shows it. */
  header: string;
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: DiffLine[];
  /**
   * Unchanged lines of the new file around the hunk, up to its enclosing function, method or class
   * (review/widen-hunks.ts). Shown to the model as context only: never in the anchor map, never an anchor.
   */
  scope?: HunkScope;
}

/** A line of the file at the reviewed head that is not in the diff. */
export interface ScopeLine {
  /** 1-based new-file line number. */
  line: number;
  content: string;
}

/** The scope lines shown before and after a hunk, in file order, none overlapping a diff line or another hunk's scope. */
export interface HunkScope {
  before: ScopeLine[];
  after: ScopeLine[];
}

export type FileStatus = "added" | "deleted" | "modified" | "renamed";

export interface FileDiff {
  /** Path in the new tree (the old path for deletions). */
  path: string;
  /** Path in the old tree when it differs from `path` (renames), else null. */
  oldPath: string | null;
  status: FileStatus;
  binary: boolean;
  hunks: Hunk[];
  additions: number;
  deletions: number;
}

/** Where GitHub lets a review comment sit: RIGHT = new file line, LEFT = old file line. */
export type Side = "LEFT" | "RIGHT";
