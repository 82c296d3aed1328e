import { randomUUID } from "node:crypto";
import { readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { SnapshotLeases } from "./snapshot-leases.js";

/** What a snapshot folder records about its tree (`meta.json`, written before the folder lands). */
export const SnapshotMeta = z.object({ bytes: z.number().int().nonnegative(), files: z.number().int().nonnegative() });
export type SnapshotMeta = z.infer<typeof SnapshotMeta>;

/** File names inside `snapshots/<key>/`. */
export const SNAPSHOT_FILES = { tree: "tree", meta: "meta.json", lastUse: "last-use" } as const;

export interface CacheFolders {
  snapshots: string;
  trash: string;
  leases: SnapshotLeases;
}

interface Entry {
  key: string;
  bytes: number;
  lastUse: number;
}

/**
 * Removes least recently used snapshots (by the mtime of their `last-use` file) until the cache holds at
 * most `maxBytes`, never one an open reader leases. A snapshot is first renamed into the trash (atomic),
 * then leases are looked at once more: a reader that opened it in between gets it back. Returns the
 * bytes left on disk. A cache whose every snapshot is in use may stay over the bound until they close.
 */
export async function evictSnapshots(folders: CacheFolders, maxBytes: number): Promise<number> {
  const entries = await listSnapshots(folders.snapshots);
  let total = entries.reduce((sum, entry) => sum + entry.bytes, 0);
  for (const entry of entries.sort((a, b) => a.lastUse - b.lastUse || a.key.localeCompare(b.key))) {
    if (total <= maxBytes) break;
    if (await folders.leases.inUse(entry.key)) continue;
    const from = join(folders.snapshots, entry.key);
    const aside = join(folders.trash, `${entry.key}-${randomUUID()}`);
    const moved = await rename(from, aside).then(
      () => true,
      () => false, // another process evicted it first
    );
    if (!moved) {
      total -= entry.bytes;
      continue;
    }
    if (await folders.leases.inUse(entry.key)) {
      await rename(aside, from).catch(() => undefined);
      continue;
    }
    await rm(aside, { recursive: true, force: true });
    total -= entry.bytes;
  }
  return total;
}

/** Bytes of every complete snapshot in the cache. */
export async function measureSnapshots(snapshots: string): Promise<number> {
  return (await listSnapshots(snapshots)).reduce((sum, entry) => sum + entry.bytes, 0);
}

async function listSnapshots(snapshots: string): Promise<Entry[]> {
  const keys = await readdir(snapshots).catch(() => [] as string[]);
  const entries: Entry[] = [];
  for (const key of keys) {
    const folder = join(snapshots, key);
    try {
      const meta = SnapshotMeta.parse(JSON.parse(await readFile(join(folder, SNAPSHOT_FILES.meta), "utf8")));
      const lastUse = (await stat(join(folder, SNAPSHOT_FILES.lastUse))).mtimeMs;
      entries.push({ key, bytes: meta.bytes, lastUse });
    } catch {
      // Evicted while listed, or not a snapshot: nothing to count.
    }
  }
  return entries;
}
