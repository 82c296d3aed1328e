import { randomUUID } from "node:crypto";
import { closeSync, fstatSync, linkSync, lstatSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatProcessRecord, isLockHolder, isRedisServer, parseProcessRecord, recordProcess, type ProcessRecord } from "./process-identity.js";

/**
 * The lock file in the data folder: the app that owns the folder, then its redis-server, a line each
 * (`<pid> <start time>`; see process-identity.ts).
 */
export const LOCK_FILE = "codex-review.lock";

/** Held only while a starter replaces a stale lock file: a few system calls. */
const TAKEOVER_SUFFIX = ".takeover";
/** How long a starter waits for another one's takeover to end before it gives up. */
const TAKEOVER_WAIT_MS = 5_000;

export interface DataDirLock {
  /** Records the folder's redis-server, so a later start can tell it outlived this process. */
  recordRedis(pid: number): void;
  /** Removes the lock file, if it is still this process's. */
  release(): void;
}

/** A lock file as read through one open file: its inode (what a takeover replaces), owner and records. */
interface LockFile {
  ino: number;
  uid: number;
  holder: ProcessRecord | null;
  redis: ProcessRecord | null;
}

/** The lock file at `path`; null when there is none (its holder just released it). */
function readLockFile(path: string): LockFile | null {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  try {
    const { ino, uid } = fstatSync(fd);
    const lines = readFileSync(fd, "utf8").split("\n");
    return { ino, uid, holder: parseProcessRecord(lines[0]), redis: parseProcessRecord(lines[1]) };
  } finally {
    closeSync(fd);
  }
}

/** A file beside `path` with `content`, under a name no other process uses. */
function writeBeside(path: string, content: string): string {
  const temporary = `${path}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
  writeFileSync(temporary, content, { flag: "wx" });
  return temporary;
}

/**
 * Creates `path` with `content` only if there is no file there; false if there is. The content is
 * written before the file appears (a hard link of a finished file), so no reader ever sees it empty and
 * takes it for stale. Where the file system has no hard links, an exclusive create (`wx`) does it.
 */
function createExclusively(path: string, content: string): boolean {
  const temporary = writeBeside(path, content);
  try {
    linkSync(temporary, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP") throw error;
    try {
      writeFileSync(path, content, { flag: "wx" });
      return true;
    } catch (fallbackError) {
      if ((fallbackError as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw fallbackError;
    }
  } finally {
    rmSync(temporary, { force: true });
  }
}

/** Replaces `path` with `content` in one step: a reader sees the old file or the new one, never half of one. */
function replaceAtomically(path: string, content: string): void {
  renameSync(writeBeside(path, content), path);
}

/** Blocks the thread for `ms`: the lock is taken synchronously, at startup. */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs `replace` while this process alone may replace the stale lock file at `path`. Two starters that
 * both found it stale would otherwise both replace it (the second over the first's fresh lock), and both
 * run. The takeover file names its starter like the lock does; one left by a starter killed in those few
 * system calls is removed. Left: two starters that remove one such leftover at once can, in a
 * microsecond window, let a third take the takeover beside one of them.
 */
function whileTakingOver<T>(path: string, self: string, replace: () => T): T {
  const takeover = path + TAKEOVER_SUFFIX;
  const deadline = Date.now() + TAKEOVER_WAIT_MS;
  while (!createExclusively(takeover, `${self}\n`)) {
    const other = readLockFile(takeover);
    if (other && !(other.holder && isLockHolder(other.holder, other.uid))) removeIfStill(takeover, other.ino);
    else if (Date.now() > deadline) throw new Error(`Cannot lock the data folder: another start has been taking over its stale lock for ${TAKEOVER_WAIT_MS} ms (${takeover}).`);
    else sleepSync(5);
  }
  try {
    return replace();
  } finally {
    rmSync(takeover, { force: true });
  }
}

/** Removes the file at `path` if it is still the file `ino`: moved aside first, and put back if it was another. */
function removeIfStill(path: string, ino: number): void {
  const aside = `${path}.${process.pid}.${randomUUID().slice(0, 8)}.stale`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  try {
    if (lstatSync(aside).ino !== ino) linkSync(aside, path);
  } catch (error) {
    // EEXIST: a third starter took the place meanwhile; the one moved aside lost it (see whileTakingOver).
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    rmSync(aside, { force: true });
  }
}

/** `self`: this process's record, as the lock file's first line holds it. */
function lockHandle(path: string, self: string): DataDirLock {
  const ours = (file: LockFile | null) => file?.holder?.pid === process.pid;
  return {
    recordRedis(pid) {
      if (ours(readLockFile(path))) replaceAtomically(path, `${self}\n${formatProcessRecord(recordProcess(pid))}\n`);
    },
    release() {
      if (ours(readLockFile(path))) rmSync(path, { force: true });
    },
  };
}

/**
 * Claims `dir` for this process, so a second `npm start` on the same folder does not start a second
 * redis-server over the same append-only file. A lock whose process is gone (a crash, a SIGKILL) is stale
 * and taken over; of several starters that find it stale at once, one takes it over and the others find
 * that one running.
 */
export function lockDataDir(dir: string): DataDirLock {
  const path = join(dir, LOCK_FILE);
  const self = formatProcessRecord(recordProcess("self"));
  const content = `${self}\n`;
  for (let attempt = 0; attempt < 10; attempt++) {
    if (createExclusively(path, content)) return lockHandle(path, self);
    const found = readLockFile(path);
    if (!found) continue;
    refuseIfHeld(found, dir);
    // Replaced only if it is still the file judged stale: another starter may have taken it over meanwhile.
    const replaced = whileTakingOver(path, self, () => {
      if (readLockFile(path)?.ino !== found.ino) return false;
      replaceAtomically(path, content);
      return true;
    });
    if (replaced) return lockHandle(path, self);
  }
  throw new Error(`Cannot lock the data folder ${dir}: its lock file ${path} keeps coming back.`);
}

function refuseIfHeld(lock: LockFile, dir: string): void {
  const { holder, redis } = lock;
  if (holder !== null && holder.pid !== process.pid && isLockHolder(holder, lock.uid)) {
    throw new Error(
      `Another codex-review (pid ${holder.pid}) already runs on the data folder ${dir}. Stop it first, ` +
        "or give this one its own REDIS_DATA_DIR (or a shared Redis with REDIS_URL).",
    );
  }
  // The app died without stopping its Redis (SIGKILL): a second one must not share the folder.
  if (redis !== null && isRedisServer(redis)) {
    throw new Error(
      `A redis-server (pid ${redis.pid}) left by an earlier run still uses the data folder ${dir}. ` +
        `Stop it first (kill ${redis.pid}), then start again.`,
    );
  }
}
