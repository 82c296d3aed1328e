import { randomUUID } from "node:crypto";
import { closeSync, fstatSync, linkSync, lstatSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { parseProcessRecord, type ProcessRecord } from "./process-identity.js";

/** A lock file as read through one open file: its inode (what a takeover replaces), owner, age and records. */
export interface LockFile {
  ino: number;
  uid: number;
  mtimeMs: number;
  /** The first line as written, to tell this process's own lock from another's with the same pid (another pid namespace). */
  holderLine: string;
  holder: ProcessRecord | null;
  redis: ProcessRecord | null;
  /** False while its writer has not finished it: empty, or a last line without its newline. */
  complete: boolean;
}

/** How long a lock file may stay empty or partial before it counts as one its writer died writing. */
const INCOMPLETE_GRACE_MS = 2_000;
/** A starter keeps its temporary file for a few system calls; one this old was left by a killed starter. */
const LEFTOVER_AGE_MS = 60_000;

/** The lock file at `path`; null when there is none (its holder just released it). */
export function readLockFile(path: string): LockFile | null {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  try {
    const { ino, uid, mtimeMs } = fstatSync(fd);
    const text = readFileSync(fd, "utf8");
    const lines = text.split("\n");
    return { ino, uid, mtimeMs, holderLine: lines[0] ?? "", holder: parseProcessRecord(lines[0]), redis: parseProcessRecord(lines[1]), complete: text.endsWith("\n") };
  } finally {
    closeSync(fd);
  }
}

/**
 * The lock file at `path` once its writer has finished it. Where the file system has no hard links, a
 * lock file appears empty and is written after (see createExclusively): read then, it would look stale
 * and be taken over from a starter that just took it. One still incomplete after a grace is a writer's
 * that died between the two steps.
 */
export function readFinishedLockFile(path: string): LockFile | null {
  const deadline = Date.now() + INCOMPLETE_GRACE_MS;
  let file = readLockFile(path);
  while (file && !file.complete && Date.now() < deadline) {
    sleepSync(10);
    file = readLockFile(path);
  }
  return file;
}

/** A file beside `path` with `content`, under a name no other process uses. */
function writeBeside(path: string, content: string): string {
  const temporary = `${path}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
  writeFileSync(temporary, content, { flag: "wx" });
  return temporary;
}

/**
 * Creates `path` with `content` only if there is no file there; false if there is. The content is
 * written before the file appears (a hard link of a finished file), so no reader ever sees it empty.
 * Where the file system has no hard links, an exclusive create (`wx`) does it, and readers wait for it
 * to be finished (readFinishedLockFile).
 */
export function createExclusively(path: string, content: string): boolean {
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
export function replaceAtomically(path: string, content: string): void {
  renameSync(writeBeside(path, content), path);
}

/** Removes the file at `path` if it is still the file `ino`: moved aside first, and put back if it was another. */
export function removeIfStill(path: string, ino: number): void {
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

/**
 * Removes the temporary and moved-aside files (writeBeside, removeIfStill) of `path` and of its takeover
 * file that starters killed mid-way left: those over a minute old. A younger one may be a running
 * starter's, between writing it and linking it.
 */
export function removeLeftovers(path: string, now = Date.now()): void {
  const leftover = new RegExp(`^${escapeRegExp(basename(path))}(?:\\.takeover)?\\.\\d+\\.[0-9a-f]{8}\\.(?:tmp|stale)$`);
  for (const name of readdirSync(dirname(path))) {
    if (!leftover.test(name)) continue;
    const file = join(dirname(path), name);
    try {
      if (now - lstatSync(file).mtimeMs > LEFTOVER_AGE_MS) rmSync(file, { force: true });
    } catch {
      // Gone meanwhile: its starter finished.
    }
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Blocks the thread for `ms`: the lock is taken synchronously, at startup. */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
