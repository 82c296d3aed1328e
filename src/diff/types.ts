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
