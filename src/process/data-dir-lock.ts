import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The lock file in the data folder; it holds the pid of the app that owns the folder's Redis. */
export const LOCK_FILE = "codex-review.lock";

export interface DataDirLock {
  /** Removes the lock file, if it is still this process's. */
  release(): void;
}

function readHolder(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, "utf8").trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Claims `dir` for this process, so a second `npm start` on the same folder does not start a second
 * redis-server over the same append-only file. A lock whose process is gone (a crash, a SIGKILL) is stale
 * and taken over.
 */
export function lockDataDir(dir: string): DataDirLock {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      // `wx` creates the file only if it does not exist: two starts cannot both succeed here.
      writeFileSync(path, `${process.pid}\n`, { flag: "wx" });
      return {
        release() {
          if (readHolder(path) === process.pid) rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = readHolder(path);
      if (holder !== null && holder !== process.pid && isAlive(holder)) {
        throw new Error(
          `Another codex-review (pid ${holder}) already runs on the data folder ${dir}. Stop it first, ` +
            "or give this one its own REDIS_DATA_DIR (or a shared Redis with REDIS_URL).",
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new Error(`Cannot lock the data folder ${dir}: its lock file ${path} keeps coming back.`);
}
