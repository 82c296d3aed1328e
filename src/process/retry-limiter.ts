/**
 * A stand-in for the Bottleneck the throttling plugin runs every request through (`retryLimiter`), whose
 * only work is to send a request again when the plugin's `failed` listener answers a wait (a rate limit).
 * Bottleneck's in-process store yields to a timer (`setTimeout(0)`) on each step of every job (submit,
 * register, free), so each GitHub request waited several timer turns here before it was sent: ~5 ms with
 * an idle event loop (bench/octokit-overhead.ts), more when it is busy. This runs the request at once.
 *
 * It keeps Bottleneck's contract as the plugin uses it (`schedule(fn, ...args)`, `on("failed", listener)`):
 * - on a failure, every `failed` listener is called with the error and `{ args, options, retryCount }`;
 *   the first answer that is not null or undefined is the wait in ms before the next run (`~~` of it);
 *   none means the job rejects with its error;
 * - a listener that throws (or rejects) counts as no answer, as in Bottleneck (which reports it as an
 *   `error` event: here to the `error` listeners, if any);
 * - `retryCount` counts the runs after the first.
 */

type Listener = (...args: unknown[]) => unknown;

export interface RetryJobInfo {
  args: unknown[];
  options: Record<string, unknown>;
  retryCount: number;
}

export class RetryLimiter {
  private readonly listeners = new Map<string, Listener[]>();

  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }

  /** Bottleneck's `schedule([options], fn, ...args)`: resolves or rejects as the last run of `fn(...args)` does. */
  async schedule<T>(...input: unknown[]): Promise<T> {
    const withOptions = typeof input[0] !== "function";
    const options = (withOptions ? (input[0] ?? {}) : {}) as Record<string, unknown>;
    const task = (withOptions ? input[1] : input[0]) as (...args: unknown[]) => T | Promise<T>;
    const args = input.slice(withOptions ? 2 : 1);
    for (let retryCount = 0; ; retryCount++) {
      try {
        return await task(...args);
      } catch (error) {
        const wait = await this.answerOf("failed", error, { args, options, retryCount } satisfies RetryJobInfo);
        if (wait === undefined || wait === null) throw error;
        await new Promise((resolve) => setTimeout(resolve, ~~(wait as number)));
      }
    }
  }

  private async answerOf(event: string, ...payload: unknown[]): Promise<unknown> {
    const answers = await Promise.all(
      (this.listeners.get(event) ?? []).map(async (listener) => {
        try {
          return await listener(...payload);
        } catch (error) {
          if (event !== "error") void this.answerOf("error", error);
          return null;
        }
      }),
    );
    return answers.find((answer) => answer !== undefined && answer !== null);
  }
}
