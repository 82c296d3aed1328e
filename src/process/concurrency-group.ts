/**
 * A stand-in for the Bottleneck groups the throttling plugin keeps in the process (`global`: 10
 * concurrent requests per installation; `auth`: one token exchange at a time). Bottleneck's in-process
 * store yields to a timer (`setTimeout(0)`) on every step of a job (submit, register, free), so each
 * GitHub request waited three or more timer turns in this group alone before it was sent: ~30 ms from a
 * job's first request to its token exchange leaving the process, measured with an idle event loop, and
 * more when the loop is busy. Concurrency caps need none of it: this group runs a job at once when the
 * key has room, else queues it.
 *
 * It keeps what the plugin asks of these groups (`group.key(id).schedule([options], fn, ...args)`):
 * - `maxConcurrent` per key; a job of `weight` 0 (the plugin's retries) does not count against it;
 * - `priority` (0 first, Bottleneck's default 5; equal priorities in order of arrival);
 * - `expiration`: the job's promise rejects after that many ms, as Bottleneck's does ("This job timed
 *   out after … ms."), and its slot is freed; the plugin sets 60 s when its limiters are clustered.
 * A key with nothing running or queued holds no state, so idle installations cost nothing.
 */

interface JobOptions {
  priority?: number;
  weight?: number;
  expiration?: number | null;
}

type Task = (...args: unknown[]) => unknown;

interface QueuedJob {
  priority: number;
  weight: number;
  start: () => void;
}

const DEFAULT_PRIORITY = 5;

export class ConcurrencyGroup {
  private readonly keys = new Map<string, KeyLimiter>();

  constructor(private readonly maxConcurrent: number) {
    if (!(maxConcurrent >= 1)) throw new RangeError(`maxConcurrent must be >= 1, got ${maxConcurrent}`);
  }

  /** The limiter of one key (an installation); created on first use, forgotten once idle. */
  key(id = ""): KeyLimiter {
    let limiter = this.keys.get(id);
    if (!limiter) {
      // Forgets only itself: a limiter that went idle must not drop the key's newer one.
      const created: KeyLimiter = new KeyLimiter(this.maxConcurrent, () => this.keys.get(id) === created && this.keys.delete(id));
      limiter = created;
      this.keys.set(id, limiter);
    }
    return limiter;
  }

  /** Keys with work running or queued (for tests). */
  activeKeys(): string[] {
    return [...this.keys.keys()];
  }
}

export class KeyLimiter {
  /** Weight of the running jobs, against the cap. */
  private running = 0;
  /** Running jobs of any weight: a retry (weight 0) still running keeps the limiter, and its cap, alive. */
  private active = 0;
  private readonly queue: QueuedJob[] = [];

  constructor(
    private readonly maxConcurrent: number,
    private readonly onIdle: () => void,
  ) {}

  /** Bottleneck's `schedule([options], fn, ...args)`: resolves or rejects as `fn(...args)` does. */
  schedule<T>(...input: unknown[]): Promise<T> {
    const withOptions = typeof input[0] !== "function";
    const options = (withOptions ? (input[0] ?? {}) : {}) as JobOptions;
    const task = (withOptions ? input[1] : input[0]) as Task;
    const args = input.slice(withOptions ? 2 : 1);
    const weight = options.weight ?? 1;
    return new Promise<T>((resolve, reject) => {
      const start = () => this.run(task, args, weight, options.expiration ?? null).then(resolve as (value: unknown) => void, reject);
      if (weight === 0 || this.running + weight <= this.maxConcurrent) start();
      else this.enqueue({ priority: options.priority ?? DEFAULT_PRIORITY, weight, start });
    });
  }

  private async run(task: Task, args: unknown[], weight: number, expiration: number | null): Promise<unknown> {
    this.running += weight;
    this.active += 1;
    let freed = false;
    const free = () => {
      if (freed) return;
      freed = true;
      this.running -= weight;
      this.active -= 1;
      this.drain();
    };
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = Promise.resolve().then(() => task(...args));
      if (expiration === null) return await result;
      const expired = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`This job timed out after ${expiration} ms.`)), expiration);
      });
      result.catch(() => undefined); // an expired job's own outcome is nobody's to handle
      return await Promise.race([result, expired]);
    } finally {
      clearTimeout(timer);
      free();
    }
  }

  private enqueue(job: QueuedJob): void {
    // Before the first job of a lower priority (a higher number): equal priorities keep their order.
    const at = this.queue.findIndex((queued) => queued.priority > job.priority);
    if (at === -1) this.queue.push(job);
    else this.queue.splice(at, 0, job);
  }

  private drain(): void {
    while (this.queue.length > 0 && this.running + this.queue[0]!.weight <= this.maxConcurrent) this.queue.shift()!.start();
    if (this.active === 0 && this.queue.length === 0) this.onIdle();
  }
}
