import { utimesSync } from "node:fs";
import { readLockFile, sleepSync, type LockFile } from "./lock-file.js";

/** How often the holder touches its lock file, so a start in another container or host can tell it runs. */
export const LOCK_HEARTBEAT_MS = 1_000;
/** How long a start watches a lock from another container or host for a touch before it counts as stale. */
export const FOREIGN_LOCK_WATCH_MS = 10_000;

/**
 * Touches the lock file at `path` every LOCK_HEARTBEAT_MS while `isOurs` says it is still this process's.
 * Its pid means nothing in another pid namespace or on another host; its modification time moving does.
 * The timer does not keep the process alive. Returns what stops it.
 */
export function startLockHeartbeat(path: string, isOurs: () => boolean): () => void {
  const timer = setInterval(() => {
    try {
      if (!isOurs()) return;
      const now = new Date();
      utimesSync(path, now, now);
    } catch {
      // Gone (released, or removed by hand): nothing to keep fresh.
    }
  }, LOCK_HEARTBEAT_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Whether the lock file `file` at `path` shows its holder running within `watchMs`: touched (its
 * modification time moved, which compares the file system's own times and no clocks) or replaced.
 * False when it stays as it was, or is removed (released).
 */
export function seesLockHeartbeat(path: string, file: LockFile, watchMs: number): boolean {
  const deadline = Date.now() + watchMs;
  while (Date.now() < deadline) {
    sleepSync(Math.min(100, Math.max(1, deadline - Date.now())));
    // Opened anew each time, not stat'ed: an NFS client checks a file's attributes with the server on
    // open, while a stat may answer from its attribute cache for up to a minute.
    const now = readLockFile(path);
    if (!now) return false;
    if (now.ino !== file.ino || now.mtimeMs !== file.mtimeMs) return true;
  }
  return false;
}
