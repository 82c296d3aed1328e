import { resolve } from "node:path";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { AppEnv } from "../config/env.js";
import { createSnapshotCache, type SnapshotCache } from "../repository/snapshot-cache.js";
import { createSnapshotMetrics } from "../repository/snapshot-metrics.js";

/** The host's snapshot cache from REPO_CACHE_DIR, REPO_CACHE_MAX_BYTES and REPO_SNAPSHOT_MAX_BYTES. */
export function snapshotCacheFromEnv(
  env: Pick<AppEnv, "REPO_CACHE_DIR" | "REPO_CACHE_MAX_BYTES" | "REPO_SNAPSHOT_MAX_BYTES">,
  log: Logger,
  registry?: Registry,
): SnapshotCache {
  return createSnapshotCache({
    dir: resolve(env.REPO_CACHE_DIR),
    maxBytes: env.REPO_CACHE_MAX_BYTES,
    snapshotMaxBytes: env.REPO_SNAPSHOT_MAX_BYTES,
    log: log.child({ component: "snapshot-cache" }),
    ...(registry ? { metrics: createSnapshotMetrics(registry) } : {}),
  });
}
