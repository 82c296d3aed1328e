import type { Logger } from "pino";

/**
 * How long after WORKER_SHUTDOWN_GRACE_MS a worker process exits by force when a close step hangs (a dead
 * Redis). Container grace periods (compose's stop_grace_period, the pod's terminationGracePeriodSeconds)
 * must cover the grace plus this margin.
 */
export const SHUTDOWN_HARD_EXIT_MARGIN_MS = 5_000;

/**
 * Runs the steps in order on SIGTERM/SIGINT, then exits; a second signal or `timeoutMs` forces the exit
 * so a stuck close never keeps a container from stopping.
 */
export function onShutdown(steps: Array<() => Promise<unknown>>, log: Logger, timeoutMs = 30_000): void {
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, "Second signal: exiting now");
      process.exit(1);
    }
    stopping = true;
    log.info({ signal, timeoutMs }, "Shutting down");
    const timer = setTimeout(() => {
      log.error({ timeoutMs }, "Shutdown took too long: exiting");
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    for (const step of steps) {
      await step().catch((error: unknown) => log.error({ err: error }, "Shutdown step failed"));
    }
    log.info("Stopped");
    process.exit(0);
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
