import { randomUUID } from "node:crypto";
import { access, mkdir, readdir, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import type { GithubClient } from "../github/github-client.js";
import { createContentsReader } from "./contents-reader.js";
import { evictSnapshots, measureSnapshots, SNAPSHOT_FILES } from "./evict-snapshots.js";
import { extractTarball, SnapshotTooLargeError } from "./extract-tarball.js";
import { tryLock } from "./file-lock.js";
import type { RepositoryOpener, RepositoryReader, RepositoryTarget } from "./repository-reader.js";
import { requestTarball } from "./request-tarball.js";
import { createSnapshotLeases } from "./snapshot-leases.js";
import type { SnapshotMetrics } from "./snapshot-metrics.js";
import { createSnapshotReader } from "./snapshot-reader.js";

export interface SnapshotCacheOptions {
  /** REPO_CACHE_DIR: shared by the host's worker processes. */
  dir: string;
  /** REPO_CACHE_MAX_BYTES: least recently used snapshots are removed past it (never one in use). */
  maxBytes: number;
  /** REPO_SNAPSHOT_MAX_BYTES: a larger archive is not kept; files are read through the contents API. */
  snapshotMaxBytes: number;
  log: Logger;
  metrics?: SnapshotMetrics;
  /** A download lock untouched this long belongs to a dead process and is taken over. Default 30 s. */
  lockStaleMs?: number;
  /** One download's time limit. Default 5 minutes. */
  downloadTimeoutMs?: number;
}

export interface SnapshotCache extends RepositoryOpener {
  /** Stops the cache's timers (the process is shutting down). */
  stop(): void;
}

const POLL_MS = 100;
const TOUCH_EVERY_MS = 10_000;
/** Leftovers of a crashed process's download or eviction are removed after this long. */
const LEFTOVER_MS = 3_600_000;
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;
const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * Repository snapshots on local disk, keyed by owner/repo@sha: one tarball request per SHA per host,
 * streamed into `tmp/` and renamed into `snapshots/<key>/` (atomic, so a reader never sees half a tree).
 * Jobs of one process share a download through a promise; processes share it through a lock file.
 */
export function createSnapshotCache(options: SnapshotCacheOptions): SnapshotCache {
  const folders = { snapshots: join(options.dir, "snapshots"), tmp: join(options.dir, "tmp"), trash: join(options.dir, "trash"), locks: join(options.dir, "locks"), tooLarge: join(options.dir, "too-large") };
  const leases = createSnapshotLeases(join(options.dir, "leases"));
  const lockStaleMs = options.lockStaleMs ?? 30_000;
  const downloadTimeoutMs = options.downloadTimeoutMs ?? 300_000;
  const inflight = new Map<string, Promise<void>>();
  const { log, metrics } = options;
  let ready: Promise<void> | null = null;

  const prepare = async () => {
    await Promise.all(Object.values(folders).map((folder) => mkdir(folder, { recursive: true })));
    await removeLeftovers(folders.tmp);
    await removeLeftovers(folders.trash);
    const onDisk = await measureSnapshots(folders.snapshots);
    metrics?.bytesOnDisk.set(onDisk);
  };

  const contentsFallback = (github: GithubClient, target: RepositoryTarget, why: string): RepositoryReader => {
    metrics?.opens.inc({ result: "too_large" });
    log.info({ repo: `${target.owner}/${target.repo}`, why }, "Repository over the snapshot cap; reading it through the contents API");
    const cap = `${Math.round(options.snapshotMaxBytes / 1024 ** 2)} MB`;
    return createContentsReader(github, target, `the repository is larger than the snapshot cap (${cap}), so files were read one at a time and code search was unavailable`);
  };

  const download = async (github: GithubClient, target: RepositoryTarget, key: string): Promise<void> => {
    const started = performance.now();
    const tmp = join(folders.tmp, `${key}-${randomUUID()}`);
    let outcome = "failed";
    // Made once GitHub has answered with an archive: a refused request leaves nothing on disk to remove.
    let made = false;
    try {
      const body = await requestTarball(github, { owner: target.owner, repo: target.repo, sha: target.headSha, maxBytes: options.snapshotMaxBytes, signal: AbortSignal.timeout(downloadTimeoutMs) });
      made = true;
      await mkdir(join(tmp, SNAPSHOT_FILES.tree), { recursive: true }).catch((error: unknown) => {
        body.destroy();
        throw error;
      });
      const tree = await extractTarball(body, join(tmp, SNAPSHOT_FILES.tree), { archiveBytes: options.snapshotMaxBytes, unpackedBytes: options.maxBytes });
      await writeFile(join(tmp, SNAPSHOT_FILES.meta), JSON.stringify({ bytes: tree.bytes, files: tree.files }));
      await writeFile(join(tmp, SNAPSHOT_FILES.lastUse), "");
      await rename(tmp, join(folders.snapshots, key)).catch(async (error: NodeJS.ErrnoException) => {
        // Another process placed it first (its lock went stale under it): theirs is as good as ours.
        if (error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error;
        await rm(tmp, { recursive: true, force: true });
      });
      outcome = "downloaded";
      log.info({ key, bytes: tree.bytes, files: tree.files, skippedEntries: tree.skipped, ms: Math.round(performance.now() - started) }, "Repository snapshot downloaded");
    } catch (error) {
      if (made) await rm(tmp, { recursive: true, force: true });
      if (error instanceof SnapshotTooLargeError) {
        outcome = "too_large";
        // Remembered on disk so no process on the host tries this SHA again.
        await writeFile(join(folders.tooLarge, key), error.message);
      }
      throw error;
    } finally {
      metrics?.fetchSeconds.observe({ outcome }, (performance.now() - started) / 1000);
    }
    // Not `metrics?.…(await …)`: optional chaining would skip the eviction itself without metrics.
    const onDisk = await evictSnapshots({ snapshots: folders.snapshots, trash: folders.trash, leases }, options.maxBytes);
    metrics?.bytesOnDisk.set(onDisk);
  };

  /**
   * The snapshot on disk: downloaded here (`miss`) or by another job or process (`joined`). `checked`: the
   * caller has just seen neither the snapshot nor a too-large mark, so the first round does not look again.
   */
  const fetchShared = async (github: GithubClient, target: RepositoryTarget, key: string, checked: boolean): Promise<"miss" | "joined"> => {
    const deadline = Date.now() + downloadTimeoutMs + lockStaleMs;
    const final = join(folders.snapshots, key);
    for (let look = !checked; ; look = true) {
      if (look) {
        if (await exists(final)) return "joined";
        if (await exists(join(folders.tooLarge, key))) throw new SnapshotTooLargeError("the archive was over the cap when another process fetched it");
      }
      const lock = await tryLock(join(folders.locks, `${key}.lock`), lockStaleMs);
      if (lock) {
        try {
          if (await exists(final)) return "joined";
          await download(github, target, key);
          return "miss";
        } finally {
          await lock.release();
        }
      }
      if (Date.now() > deadline) throw new Error("timed out waiting for another process to download the snapshot");
      await sleep(POLL_MS);
    }
  };

  const ensureSnapshot = async (github: GithubClient, target: RepositoryTarget, key: string): Promise<"hit" | "miss" | "joined"> => {
    if (await exists(join(folders.snapshots, key))) return "hit";
    const pending = inflight.get(key);
    if (pending) {
      await pending;
      return "joined";
    }
    const fetching = fetchShared(github, target, key, true);
    const shared = fetching.then(() => undefined);
    inflight.set(key, shared);
    // Joiners see the failure through their own await; this copy must not go unhandled.
    shared.catch(() => undefined);
    try {
      return await fetching;
    } finally {
      inflight.delete(key);
    }
  };

  return {
    async open(github, target) {
      // A failed preparation (a folder not writable yet) is tried again by the next open.
      ready ??= prepare().catch((error: unknown) => {
        ready = null;
        throw error;
      });
      await ready;
      const key = snapshotKey(target);
      if (target.sizeKb !== null && target.sizeKb * 1024 > options.snapshotMaxBytes) return contentsFallback(github, target, `repository size ${target.sizeKb} KiB`);
      // The lease is taken beside the check (each a file-system round trip), and before the snapshot is
      // looked for, so that no eviction removes it between the two.
      const [tooLarge, release] = await Promise.all([exists(join(folders.tooLarge, key)), leases.take(key)]);
      if (tooLarge) {
        await release();
        return contentsFallback(github, target, "archive over the cap before");
      }
      let result: "hit" | "miss" | "joined";
      try {
        result = await ensureSnapshot(github, target, key);
      } catch (error) {
        await release();
        if (error instanceof SnapshotTooLargeError) return contentsFallback(github, target, error.message);
        throw error;
      }
      metrics?.opens.inc({ result });
      const folder = join(folders.snapshots, key);
      const lastUse = join(folder, SNAPSHOT_FILES.lastUse);
      let touched = 0;
      const touch = () => {
        if (Date.now() - touched < TOUCH_EVERY_MS) return;
        touched = Date.now();
        void utimes(lastUse, new Date(), new Date()).catch(() => undefined);
      };
      touch();
      let closed = false;
      // Reads at the base are rare (deleted code): the contents API answers them without a second tarball.
      const base = createContentsReader(github, target, null);
      return createSnapshotReader({
        root: join(folder, SNAPSHOT_FILES.tree),
        readBase: (path, version) => base.readFile(path, version),
        onUse: touch,
        close: async () => {
          if (closed) return;
          closed = true;
          await release();
        },
      });
    },
    stop() {
      leases.stop();
    },
  };
}

/** `owner+repo@sha`, lower-cased (GitHub's names are case-insensitive); anything else is refused. */
export function snapshotKey(target: RepositoryTarget): string {
  if (!OWNER.test(target.owner) || !REPO.test(target.repo) || target.repo === "." || target.repo === ".." || !SHA.test(target.headSha)) {
    throw new Error(`not a repository snapshot this cache can hold: ${target.owner}/${target.repo}@${target.headSha}`);
  }
  return `${target.owner.toLowerCase()}+${target.repo.toLowerCase()}@${target.headSha}`;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function removeLeftovers(folder: string): Promise<void> {
  for (const name of await readdir(folder).catch(() => [] as string[])) {
    const path = join(folder, name);
    const age = Date.now() - (await stat(path).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
    if (age > LEFTOVER_MS) await rm(path, { recursive: true, force: true });
  }
}
