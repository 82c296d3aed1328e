import { spawnSync } from "node:child_process";
import { readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
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
  return isAlive(pid) && (programName(pid) ?? programNameFromPs(pid))?.endsWith("redis-server") === true;
}

/**
 * Whether `pid` is the app that wrote the lock: alive and the same program as this one (the same
 * executable, or the same process name: a title set by a process manager changes the name only). A pid
 * whose program is another (the app was killed and the pid handed out again, likely in a container's
 * small pid space) holds nothing. Where /proc cannot tell, a live pid is taken to be the app.
 */
function isLockHolder(pid: number): boolean {
  if (!isAlive(pid)) return false;
  const theirs = { exe: executableOf(pid), name: programName(pid) };
  const ours = { exe: executableOf("self"), name: programName("self") };
  if (theirs.exe === null || ours.exe === null || theirs.name === null || ours.name === null) return true;
  return theirs.exe === ours.exe || theirs.name === ours.name;
}

/** The process's executable (/proc/<pid>/exe); null where /proc cannot tell (no /proc, another user's process). */
function executableOf(pid: number | "self"): string | null {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return null;
  }
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
  return readStat(pid)?.state !== "Z";
}

/**
 * The process's name (`comm`) and state letter from /proc/<pid>/stat (Linux); null where there is no
 * /proc to read. `pid (comm) S ...`: comm may itself hold spaces and parentheses, so it runs from the
 * first `(` to the last `)`, and the state follows that.
 */
function readStat(pid: number | "self"): { comm: string; state: string } | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  const open = stat.indexOf("(");
  const close = stat.lastIndexOf(")");
  if (open < 0 || close < open) return null;
  return { comm: stat.slice(open + 1, close), state: stat.slice(close + 2, close + 3) };
}

function programName(pid: number | "self"): string | null {
  return readStat(pid)?.comm ?? null;
}

/** Without /proc (macOS): `ps`, where it is installed; null where it is not (slim images have none). */
function programNameFromPs(pid: number): string | null {
  const ps = spawnSync("ps", ["-o", "comm=", "-p", String(pid)], { encoding: "utf8" });
  return ps.status === 0 ? ps.stdout.trim() : null;
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
      if (holder !== null && holder !== process.pid && isLockHolder(holder)) {
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
