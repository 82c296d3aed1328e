import { open, rename, rm, stat, utimes } from "node:fs/promises";
import { randomUUID } from "node:crypto";

export interface FileLock {
  release(): Promise<void>;
}

/**
 * Takes the lock file `path` (create-exclusive, so one process on a host wins), or answers null while
 * another holder keeps it fresh. The holder touches it every second; a lock left untouched for
 * `staleMs` (its process died) is taken over. Correctness never rests on the lock (snapshots land by
 * atomic rename); it only saves a second download.
 */
export async function tryLock(path: string, staleMs: number): Promise<FileLock | null> {
  const taken = await createExclusive(path);
  if (taken) return taken;
  const age = await ageOf(path);
  if (age === null || age < staleMs) return null;
  // Moving the stale file aside is atomic: of two processes taking over, one rename succeeds.
  const aside = `${path}.stale-${randomUUID()}`;
  const moved = await rename(path, aside).then(
    () => true,
    () => false,
  );
  if (!moved) return null;
  await rm(aside, { force: true });
  return createExclusive(path);
}

async function createExclusive(path: string): Promise<FileLock | null> {
  let handle;
  try {
    handle = await open(path, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return null;
    throw error;
  }
  await handle.writeFile(`${process.pid}\n`);
  await handle.close();
  return heldLock(path);
}

function heldLock(path: string): FileLock {
  const beat = setInterval(() => {
    const now = new Date();
    void utimes(path, now, now).catch(() => undefined);
  }, 1_000);
  beat.unref();
  return {
    async release() {
      clearInterval(beat);
      await rm(path, { force: true });
    },
  };
}

/** Milliseconds since `path` was last touched; null when it is gone. */
export async function ageOf(path: string): Promise<number | null> {
  try {
    return Date.now() - (await stat(path)).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}
