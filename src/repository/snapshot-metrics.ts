import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** The snapshot cache's metrics; names and labels are listed in the README (Metrics). */
export interface SnapshotMetrics {
  /** One download and extraction, by outcome: `downloaded`, `too_large`, `failed`. */
  fetchSeconds: Histogram<"outcome">;
  /** Opens by result: `hit` (on disk), `miss` (downloaded here), `joined` (another job or process downloaded it), `too_large` (contents API). */
  opens: Counter<"result">;
  /** Bytes the cache's snapshots take on disk, after the last eviction. */
  bytesOnDisk: Gauge;
}

const PREFIX = "codex_review_";

/** Registers the metrics on `registry`, or returns those already there (several workers in one process). */
export function createSnapshotMetrics(registry: Registry): SnapshotMetrics {
  const existing = (name: string) => registry.getSingleMetric(`${PREFIX}${name}`);
  return {
    fetchSeconds:
      (existing("snapshot_fetch_seconds") as Histogram<"outcome"> | undefined) ??
      new Histogram({
        name: `${PREFIX}snapshot_fetch_seconds`,
        help: "Time to download and extract one repository snapshot (tarball at the reviewed head), by outcome.",
        labelNames: ["outcome"],
        buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
        registers: [registry],
      }),
    opens:
      (existing("snapshot_opens_total") as Counter<"result"> | undefined) ??
      new Counter({
        name: `${PREFIX}snapshot_opens_total`,
        help: "Repository snapshots opened for a review, by result (hit, miss, joined, too_large).",
        labelNames: ["result"],
        registers: [registry],
      }),
    bytesOnDisk:
      (existing("snapshot_bytes") as Gauge | undefined) ??
      new Gauge({ name: `${PREFIX}snapshot_bytes`, help: "Bytes the repository snapshot cache takes on disk.", registers: [registry] }),
  };
}
