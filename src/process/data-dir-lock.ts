import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The lock file in the data folder: the pid of the app that owns the folder, then that of its redis-server. */
export const LOCK_FILE = "codex-review.lock";

export interface DataDirLock {
  /** Records the folder's redis-server, so a later start can tell it outlived this process. */
  recordRedis(pid: number): void;
  /** Removes the lock file, if it is still this process's. */
  release(): void;
}

/** The pids in the lock file: [app, redis-server]; null where missing or unreadable. */
function readPids(path: string): [number | null, number | null] {
  let lines: string[];
  try {
    lines = readFileSync(path, "utf8").split("\n");
  } catch {
    return [null, null];
  }
  const pid = (text: string | undefined) => {
    const value = Number.parseInt(text?.trim() ?? "", 10);
    return Number.isInteger(value) && value > 0 ? value : null;
  };
  return [pid(lines[0]), pid(lines[1])];
}

/** Whether `pid` is a running redis-server (not another program that got the pid since). */
function isRedisServer(pid: number): boolean {
  if (!isAlive(pid)) return false;
  const ps = spawnSync("ps", ["-o", "comm=", "-p", String(pid)], { encoding: "utf8" });
  return ps.status === 0 && ps.stdout.trim().endsWith("redis-server");
}

/**
 * Whether `pid` runs. A zombie (exited, not yet reaped) does not: it holds no file, and where PID 1 does
 * not reap (a bare container), a killed app's orphaned redis-server stays one for good.
 */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  return processState(pid) !== "Z";
}

/** The process's state letter from /proc (Linux); null where there is no /proc to read. */
function processState(pid: number): string | null {
  try {
    // `pid (comm) S ...`: the state follows the last `)`, as comm may itself hold parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) || null;
  } catch {
    return null;
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
        recordRedis(pid) {
          if (readPids(path)[0] === process.pid) writeFileSync(path, `${process.pid}\n${pid}\n`);
        },
        release() {
          if (readPids(path)[0] === process.pid) rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const [holder, redis] = readPids(path);
      if (holder !== null && holder !== process.pid && isAlive(holder)) {
        throw new Error(
          `Another codex-review (pid ${holder}) already runs on the data folder ${dir}. Stop it first, ` +
            "or give this one its own REDIS_DATA_DIR (or a shared Redis with REDIS_URL).",
        );
      }
      // The app died without stopping its Redis (SIGKILL): a second one must not share the folder.
      if (redis !== null && isRedisServer(redis)) {
        throw new Error(
          `A redis-server (pid ${redis}) left by an earlier run still uses the data folder ${dir}. ` +
            `Stop it first (kill ${redis}), then start again.`,
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new Error(`Cannot lock the data folder ${dir}: its lock file ${path} keeps coming back.`);
}
