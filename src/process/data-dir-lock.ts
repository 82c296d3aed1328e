import { rmSync } from "node:fs";
import { join } from "node:path";
import { isFromEarlierBoot, placeOf, sharesOurClock } from "./host-identity.js";
import { createExclusively, readFinishedLockFile, readLockFile, removeIfStill, removeLeftovers, replaceAtomically, sleepSync, type LockFile } from "./lock-file.js";
import { FOREIGN_LOCK_WATCH_MS, seesLockHeartbeat, startLockHeartbeat } from "./lock-heartbeat.js";
import { formatProcessRecord, isLockHolder, isRedisServer, recordProcess } from "./process-identity.js";

/**
 * The lock file in the data folder: the app that owns the folder, then its redis-server, a line each
 * (`<pid> <start time> <boot id> <pid namespace> <hostname>`; see process-identity.ts).
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

export interface LockDataDirOptions {
  /** How long a lock from another container or host is watched for its holder's heartbeat. Default: FOREIGN_LOCK_WATCH_MS (10 s). */
  foreignLockWatchMs?: number;
}

/**
 * Runs `replace` while this process alone may replace the stale lock file at `path`. Two starters that
 * both found it stale would otherwise both replace it (the second over the first's fresh lock), and both
 * run. The takeover file names its starter like the lock does; one left by a starter killed in those few
 * system calls is removed (one of another container or host, whose pid cannot be checked here, once it
 * has stayed for TAKEOVER_WAIT_MS). Left: two starters that remove one such leftover at once can, in a
 * microsecond window, let a third take the takeover beside one of them.
 */
function whileTakingOver<T>(path: string, self: string, replace: () => T): T {
  const takeover = path + TAKEOVER_SUFFIX;
  const deadline = Date.now() + TAKEOVER_WAIT_MS;
  while (!createExclusively(takeover, `${self}\n`)) {
    const other = readFinishedLockFile(takeover);
    const waitOver = Date.now() > deadline;
    if (other && !isStillTakingOver(other, waitOver)) removeIfStill(takeover, other.ino);
    else if (waitOver) throw new Error(`Cannot lock the data folder: another start has been taking over its stale lock for ${TAKEOVER_WAIT_MS} ms (${takeover}).`);
    else sleepSync(5);
  }
  try {
    return replace();
  } finally {
    rmSync(takeover, { force: true });
  }
}

/** Whether the takeover file `other` names a starter still at it: one of another container or host cannot be checked here, and counts until `waitOver`. */
function isStillTakingOver(other: LockFile, waitOver: boolean): boolean {
  if (!other.holder || isFromEarlierBoot(other.holder.host, other.mtimeMs)) return false;
  if (placeOf(other.holder.host) !== "here") return !waitOver;
  return isLockHolder(other.holder, other.uid);
}

/** `self`: this process's record, as the lock file's first line holds it (its pid alone may be another container's pid too). */
function lockHandle(path: string, self: string): DataDirLock {
  const ours = (file: LockFile | null) => file?.holderLine === self;
  const stopHeartbeat = startLockHeartbeat(path, () => ours(readLockFile(path)));
  return {
    recordRedis(pid) {
      if (ours(readLockFile(path))) replaceAtomically(path, `${self}\n${formatProcessRecord(recordProcess(pid))}\n`);
    },
    release() {
      stopHeartbeat();
      if (ours(readLockFile(path))) rmSync(path, { force: true });
    },
  };
}

/**
 * Claims `dir` for this process, so a second `npm start` on the same folder (or a second container on
 * the same volume) does not start a second redis-server over the same append-only file. A lock whose
 * process is gone (a crash, a SIGKILL, a reboot) is stale and taken over; of several starters that find
 * it stale at once, one takes it over and the others find that one running.
 */
export function lockDataDir(dir: string, options: LockDataDirOptions = {}): DataDirLock {
  const path = join(dir, LOCK_FILE);
  const self = formatProcessRecord(recordProcess("self"));
  const content = `${self}\n`;
  for (let attempt = 0; attempt < 10; attempt++) {
    if (createExclusively(path, content)) return lockHandle(path, self);
    const found = readFinishedLockFile(path);
    if (!found) continue;
    refuseIfHeld(found, dir, options.foreignLockWatchMs ?? FOREIGN_LOCK_WATCH_MS);
    // Replaced only if it is still the file judged stale: another starter may have taken it over meanwhile.
    const replaced = whileTakingOver(path, self, () => {
      if (readLockFile(path)?.ino !== found.ino) return false;
      replaceAtomically(path, content);
      removeLeftovers(path);
      return true;
    });
    if (replaced) return lockHandle(path, self);
  }
  throw new Error(`Cannot lock the data folder ${dir}: its lock file ${path} keeps coming back.`);
}

function refuseIfHeld(lock: LockFile, dir: string, foreignLockWatchMs: number): void {
  const { holder, redis } = lock;
  const path = join(dir, LOCK_FILE);
  // A lock from before this host's last reboot: nothing of that boot runs, and its pids are another boot's.
  if (holder && isFromEarlierBoot(holder.host, lock.mtimeMs)) return;
  const place = holder ? placeOf(holder.host) : "here";
  // Its pid and start time mean nothing here; its heartbeat does. Its redis-server, if it outlived it,
  // cannot be seen from here either (a container's dies with the container's pid 1). Another boot id under
  // our hostname, touched since this boot, is another host of the same name: judged the same way.
  if (holder && place !== "here") {
    // Another container on this kernel touches the file with this clock: the time it has already gone
    // untouched counts, so a lock left by a container that died minutes ago costs no wait.
    const watchMs = sharesOurClock(holder.host) ? Math.max(0, foreignLockWatchMs - (Date.now() - lock.mtimeMs)) : foreignLockWatchMs;
    if (!seesLockHeartbeat(path, lock, watchMs)) return;
    throw new Error(
      `Another codex-review (pid ${holder.pid} on ${holder.host?.hostname}, in another container or on another host) holds the data folder ${dir}: ` +
        `its lock ${path} is refreshed every second. Stop it first, or give this one its own REDIS_DATA_DIR (or a shared Redis with REDIS_URL).`,
    );
  }
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
