import { open, readdir, realpath, stat } from "node:fs/promises";
import { join, sep } from "node:path";
import { confinePath } from "./confine-path.js";
import { looksBinary } from "./detect-binary.js";
import type { DirectoryEntry, ListFilesResult, ReadFileResult, RepositoryReader } from "./repository-reader.js";
import { searchSnapshot } from "./search-snapshot.js";

/** Files larger than this are not read whole (the model gets line ranges of text, not megabytes). */
export const READ_MAX_BYTES = 4 * 1024 * 1024;

export interface SnapshotReaderOptions {
  /** The extracted tree at the head. */
  root: string;
  /** Reads at the base (the cache answers them through the contents API, lazily). */
  readBase: RepositoryReader["readFile"];
  /** Called on every read: marks the snapshot recently used. */
  onUse: () => void;
  close: () => Promise<void>;
}

type Resolved = { ok: true; path: string; relative: string } | { ok: false; result: ListFilesResult & ReadFileResult };

/**
 * The reader over an extracted snapshot. Every path is confined twice: by its text (confinePath) and by
 * where it really leads (realpath under the tree), so a symlink out of the tree is refused while one
 * inside it is followed. Nothing is executed; files are only opened for reading.
 */
export function createSnapshotReader(options: SnapshotReaderOptions): RepositoryReader {
  let rootReal: Promise<string> | null = null;
  const realRoot = () => (rootReal ??= realpath(options.root));

  const resolve = async (requested: string): Promise<Resolved> => {
    const confined = confinePath(requested);
    if (!confined.ok) return { ok: false, result: { kind: "refused", reason: confined.reason } };
    const root = await realRoot();
    let real: string;
    try {
      real = await realpath(join(root, confined.path));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR" || code === "ELOOP") return { ok: false, result: { kind: "missing" } };
      throw error;
    }
    if (real !== root && !real.startsWith(root + sep)) return { ok: false, result: { kind: "refused", reason: "the path is a symlink that leads outside the repository" } };
    return { ok: true, path: real, relative: confined.path };
  };

  return {
    source: "snapshot",
    limitation: null,
    async readFile(path, version) {
      if (version === "base") return options.readBase(path, version);
      options.onUse();
      const resolved = await resolve(path);
      if (!resolved.ok) return resolved.result;
      const info = await stat(resolved.path);
      if (info.isDirectory()) return { kind: "refused", reason: "the path is a directory; list it with list_files" };
      if (!info.isFile()) return { kind: "refused", reason: "the path is not a regular file" };
      const handle = await open(resolved.path, "r");
      try {
        const head = Buffer.alloc(Math.min(info.size, 8_000));
        await handle.read(head, 0, head.length, 0);
        if (looksBinary(head)) return { kind: "binary", bytes: info.size };
        if (info.size > READ_MAX_BYTES) return { kind: "refused", reason: `the file is ${info.size} bytes, too large to read (at most ${READ_MAX_BYTES})` };
        return { kind: "text", text: await handle.readFile("utf8") };
      } finally {
        await handle.close();
      }
    },
    async searchCode(query, pathGlob, maxMatches) {
      options.onUse();
      return searchSnapshot(await realRoot(), query, pathGlob, maxMatches);
    },
    async listFiles(path, maxEntries) {
      options.onUse();
      const resolved = await resolve(path);
      if (!resolved.ok) return resolved.result;
      if (!(await stat(resolved.path)).isDirectory()) return { kind: "refused", reason: "the path is a file, not a directory; read it with read_file" };
      const entries: DirectoryEntry[] = [];
      for (const dirent of await readdir(resolved.path, { withFileTypes: true })) {
        if (resolved.relative === "" && dirent.name === ".git") continue;
        const type = dirent.isSymbolicLink() ? "symlink" : dirent.isDirectory() ? "dir" : dirent.isFile() ? "file" : null;
        if (type) entries.push({ name: dirent.name, type });
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      return { kind: "entries", entries: entries.slice(0, maxEntries), omitted: Math.max(0, entries.length - maxEntries) };
    },
    close: options.close,
  };
}
