import { describe, expect, it } from "vitest";
import { ConcurrencyGroup } from "../../../src/process/concurrency-group.js";

/** A job the test finishes by hand, recording when it started. */
function gate(started: string[], name: string) {
  let finish!: (value: string) => void;
  let fail!: (error: Error) => void;
  const done = new Promise<string>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return {
    task: () => {
      started.push(name);
      return done;
    },
    finish: () => finish(name),
    fail: (error: Error) => fail(error),
  };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("ConcurrencyGroup (the throttling plugin's in-process groups)", () => {
  it("runs a job at once when its key has room: no timer turn before it starts", async () => {
    const group = new ConcurrencyGroup(10);
    const started: string[] = [];
    const job = gate(started, "a");
    const result = group.key("1").schedule({}, job.task);
    await Promise.resolve();
    await Promise.resolve();
    expect(started).toEqual(["a"]);
    job.finish();
    await expect(result).resolves.toBe("a");
  });

  it("caps concurrent jobs per key, queues the rest in order, and keys apart do not wait for each other", async () => {
    const group = new ConcurrencyGroup(2);
    const started: string[] = [];
    const jobs = ["a", "b", "c", "d"].map((name) => gate(started, name));
    const other = gate(started, "other-key");
    const results = jobs.map((job) => group.key("7").schedule(job.task));
    const otherResult = group.key("8").schedule({}, other.task);
    await turn();
    expect(started).toEqual(["a", "b", "other-key"]);
    jobs[1]!.finish();
    await turn();
    expect(started).toEqual(["a", "b", "other-key", "c"]);
    jobs[0]!.fail(new Error("502"));
    await expect(results[0]).rejects.toThrow("502");
    await turn();
    expect(started).toEqual(["a", "b", "other-key", "c", "d"]);
    for (const job of jobs) job.finish();
    other.finish();
    await expect(Promise.all([...results.slice(1), otherResult])).resolves.toEqual(["b", "c", "d", "other-key"]);
  });

  it("lets a retry (weight 0) past the cap, and runs priority 0 before jobs queued earlier", async () => {
    const group = new ConcurrencyGroup(1);
    const started: string[] = [];
    const first = gate(started, "first");
    const queued = gate(started, "queued");
    const urgent = gate(started, "urgent");
    const retry = gate(started, "retry");
    const results = [
      group.key("1").schedule({}, first.task),
      group.key("1").schedule({}, queued.task),
      group.key("1").schedule({ priority: 0 }, urgent.task),
      group.key("1").schedule({ priority: 0, weight: 0 }, retry.task),
    ];
    await turn();
    expect(started).toEqual(["first", "retry"]);
    first.finish();
    await turn();
    expect(started).toEqual(["first", "retry", "urgent"]);
    urgent.finish();
    await turn();
    expect(started).toEqual(["first", "retry", "urgent", "queued"]);
    queued.finish();
    retry.finish();
    await expect(Promise.all(results)).resolves.toEqual(["first", "queued", "urgent", "retry"]);
  });

  it("passes the arguments through, and rejects an expired job as Bottleneck does, freeing its slot", async () => {
    const group = new ConcurrencyGroup(1);
    await expect(group.key("1").schedule({}, (a: unknown, b: unknown) => `${String(a)}-${String(b)}`, "x", "y")).resolves.toBe("x-y");
    const started: string[] = [];
    const stuck = gate(started, "stuck");
    const next = gate(started, "next");
    const expiring = group.key("1").schedule({ expiration: 20 }, stuck.task);
    const after = group.key("1").schedule({ expiration: 1_000 }, next.task);
    await expect(expiring).rejects.toThrow("This job timed out after 20 ms.");
    await turn();
    expect(started).toEqual(["stuck", "next"]);
    next.finish();
    await expect(after).resolves.toBe("next");
  });

  it("forgets a key once nothing runs or waits on it", async () => {
    const group = new ConcurrencyGroup(1);
    const started: string[] = [];
    const job = gate(started, "a");
    const result = group.key("42").schedule(job.task);
    expect(group.activeKeys()).toEqual(["42"]);
    job.finish();
    await result;
    expect(group.activeKeys()).toEqual([]);
  });

  it("keeps the cap while a retry (weight 0) outlives the key's other jobs", async () => {
    const group = new ConcurrencyGroup(1);
    const started: string[] = [];
    const retry = gate(started, "retry");
    const first = gate(started, "first");
    const retrying = group.key("42").schedule({ weight: 0, priority: 0 }, retry.task);
    const firstDone = group.key("42").schedule(first.task);
    first.finish();
    await firstDone;
    // The key still runs the retry; then the retry ends while two more jobs share the key.
    const second = gate(started, "second");
    const third = gate(started, "third");
    const secondDone = group.key("42").schedule(second.task);
    retry.finish();
    await retrying;
    const thirdDone = group.key("42").schedule(third.task);
    await Promise.resolve();
    expect(started).toEqual(["retry", "first", "second"]);
    second.finish();
    await secondDone;
    await Promise.resolve();
    expect(started).toEqual(["retry", "first", "second", "third"]);
    third.finish();
    await thirdDone;
    expect(group.activeKeys()).toEqual([]);
  });
});
