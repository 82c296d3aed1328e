import type { GithubClient } from "../github/github-client.js";

/**
 * Read-only view of a repository at a review's head (and its base), for the model's tools and for
 * widening hunks to their scope. Everything it returns is untrusted repository content; nothing from it
 * is ever executed. Implementations: a tarball snapshot on disk, or the contents API file by file when
 * the archive is over REPO_SNAPSHOT_MAX_BYTES.
 */
export type SnapshotVersion = "head" | "base";

/** Why a path was not read; a refusal is an answer for the model, not an error. */
export type ReadRefusal =
  /** No such file or directory at that version. */
  | { kind: "missing" }
  /** `..`, an absolute path, a symlink that leaves the tree, or a path that is not the kind asked for. */
  | { kind: "refused"; reason: string };

export type ReadFileResult = { kind: "text"; text: string } | { kind: "binary"; bytes: number } | ReadRefusal;

export interface CodeMatch {
  path: string;
  /** 1-based. */
  line: number;
  text: string;
}

export type SearchCodeResult =
  | { kind: "matches"; matches: CodeMatch[]; /** Matches beyond `maxMatches`, not returned. */ omitted: number }
  /** The reader cannot search (contents-API mode); `reason` is shown to the model and in the summary. */
  | { kind: "unavailable"; reason: string };

export interface DirectoryEntry {
  name: string;
  type: "file" | "dir" | "symlink";
}

export type ListFilesResult = { kind: "entries"; entries: DirectoryEntry[]; omitted: number } | ReadRefusal;

export interface RepositoryReader {
  /** `snapshot`: a tarball on disk; `contents`: file by file through the contents API (no search). */
  readonly source: "snapshot" | "contents";
  /** Why the reader is limited (e.g. the archive was over the size cap), for the review summary; null when not. */
  readonly limitation: string | null;
  /** Path relative to the repository root, `/`-separated. */
  readFile(path: string, version: SnapshotVersion): Promise<ReadFileResult>;
  /** Literal (not regex), case-sensitive substring search over text files at head; `pathGlob` (a glob, see diff/match-glob.ts) narrows it. */
  searchCode(query: string, pathGlob: string | null, maxMatches: number): Promise<SearchCodeResult>;
  /** One directory's entries at head, sorted by name; `""` or `"."` is the root. */
  listFiles(path: string, maxEntries: number): Promise<ListFilesResult>;
  /**
   * Done with the reader: the snapshot cache may evict its tree again. Optional so in-memory readers need
   * not have it; a reader never closed stops holding its snapshot after a couple of hours.
   */
  close?(): Promise<void>;
}

/** Opens the reader of one review; the worker gets one from the snapshot cache (src/repository/). */
export interface RepositoryOpener {
  /** `github` is the job's installation client (the tarball and contents requests go through it). */
  open(github: GithubClient, target: RepositoryTarget): Promise<RepositoryReader>;
}

export interface RepositoryTarget {
  owner: string;
  repo: string;
  headSha: string;
  baseSha: string;
  /** `repository.size` from the pull request payload (KiB, approximate); null when unknown. */
  sizeKb: number | null;
}
