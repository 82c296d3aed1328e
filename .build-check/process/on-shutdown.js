/**
 * Runs the steps in order on SIGTERM/SIGINT, then exits; a second signal or `timeoutMs` forces the exit
 * so a stuck close never keeps a container from stopping.
 */
export function onShutdown(steps, log, timeoutMs = 30_000) {
    let stopping = false;
    const stop = async (signal) => {
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
            await step().catch((error) => log.error({ err: error }, "Shutdown step failed"));
        }
        log.info("Stopped");
        process.exit(0);
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
}
