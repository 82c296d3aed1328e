import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { extract, type ReadEntry } from "tar";

/** The archive (or what it unpacks to) is over a cap; the cache falls back to the contents API. */
export class SnapshotTooLargeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SnapshotTooLargeError";
  }
}

export interface ExtractLimits {
  /** Bytes of archive received at most (REPO_SNAPSHOT_MAX_BYTES). */
  archiveBytes: number;
  /**
   * Disk the unpacked tree may take, counted as ExtractedTree.bytes (every entry at least a block): a
   * small archive of zeros, or of a million empty files, must not fill the disk or its inodes.
   */
  unpackedBytes: number;
}

export interface ExtractedTree {
  /** Disk the tree takes, counted in 4 KiB blocks as a filesystem does. */
  bytes: number;
  files: number;
  /** Entries left out: devices, FIFOs, hard links, and what node-tar refused (`..`, absolute paths). */
  skipped: number;
}

const BLOCK = 4096;
/** What a snapshot holds: files, folders and symlinks (the reader refuses those that leave the tree). */
const KEPT_TYPES = new Set(["File", "OldFile", "ContiguousFile", "Directory", "SymbolicLink"]);

/**
 * Unpacks a GitHub tarball stream into `into` (an empty folder), stripping its top folder
 * (`owner-repo-sha7/`). Streams: memory stays flat whatever the archive's size. node-tar refuses
 * entries with `..` or an absolute path and will not write through a symlink; devices, FIFOs and hard
 * links are never written; every mode is reset so nothing is executable and eviction can delete it all.
 */
export async function extractTarball(source: Readable, into: string, limits: ExtractLimits): Promise<ExtractedTree> {
  const tree: ExtractedTree = { bytes: 0, files: 0, skipped: 0 };
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received > limits.archiveBytes) callback(new SnapshotTooLargeError(`the archive is over ${limits.archiveBytes} bytes`));
      else callback(null, chunk);
    },
  });
  const keep = (_path: string, entry: ReadEntry): boolean => {
    if (!KEPT_TYPES.has(entry.type)) {
      tree.skipped++;
      return false;
    }
    const directory = entry.type === "Directory";
    entry.mode = directory ? 0o755 : 0o644;
    const file = entry.type !== "SymbolicLink" && !directory;
    const bytes = file ? Math.ceil((entry.size ?? 0) / BLOCK) * BLOCK || BLOCK : BLOCK;
    if (tree.bytes + bytes > limits.unpackedBytes) {
      counter.destroy(new SnapshotTooLargeError(`the archive unpacks to over ${limits.unpackedBytes} bytes`));
      return false;
    }
    if (file) tree.files++;
    tree.bytes += bytes;
    return true;
  };
  const unpack = extract({
    cwd: into,
    strip: 1,
    // Owners from the archive would be applied when running as root; files belong to the worker.
    preserveOwner: false,
    filter: keep as (path: string, entry: unknown) => boolean,
    onwarn: (code) => {
      if (code === "TAR_ENTRY_ERROR") tree.skipped++;
    },
  });
  await pipeline(source, counter, unpack);
  return tree;
}
