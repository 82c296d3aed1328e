import { randomUUID } from "node:crypto";
import { mkdir, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ageOf } from "./file-lock.js";

export interface LeaseOptions {
  /** A lease not touched for this long belongs to a dead process. Default 2 minutes. */
  staleMs?: number;
  /** A reader never closed stops holding its snapshot after this long. Default 2 hours. */
  maxAgeMs?: number;
}

export interface SnapshotLeases {
  /** Marks `key` in use until the returned release is called. */
  take(key: string): Promise<() => Promise<void>>;
  /** Whether any process on the host holds a live lease on `key`. */
  inUse(key: string): Promise<boolean>;
  /** Stops the refresh timer (tests, shutdown). */
  stop(): void;
}

/**
 * Which snapshots open readers use, visible to every process sharing the cache folder: one file per
 * reader under `leases/<key>/`, touched while the reader is open, so eviction on any process skips it.
 * Files rather than pids: worker containers sharing a volume do not share a pid namespace.
 */
export function createSnapshotLeases(dir: string, options: LeaseOptions = {}): SnapshotLeases {
  const staleMs = options.staleMs ?? 120_000;
  const maxAgeMs = options.maxAgeMs ?? 2 * 3_600_000;
  const open = new Map<string, number>();
  const refresh = setInterval(() => {
    const now = new Date();
    for (const [path, since] of open) {
      if (Date.now() - since > maxAgeMs) open.delete(path);
      else void utimes(path, now, now).catch(() => undefined);
    }
  }, Math.max(1_000, Math.floor(staleMs / 4)));
  refresh.unref();
  return {
    async take(key) {
      const folder = join(dir, key);
      await mkdir(folder, { recursive: true });
      const path = join(folder, `${process.pid}-${randomUUID()}`);
      await writeFile(path, "");
      open.set(path, Date.now());
      return async () => {
        open.delete(path);
        await rm(path, { force: true });
      };
    },
    async inUse(key) {
      const folder = join(dir, key);
      const names = await readdir(folder).catch(() => [] as string[]);
      for (const name of names) {
        const age = await ageOf(join(folder, name));
        if (age !== null && age < staleMs) return true;
        // A dead process's lease: clear it so the folder does not grow.
        if (age !== null) await rm(join(folder, name), { force: true });
      }
      return false;
    },
    stop() {
      clearInterval(refresh);
    },
  };
}
