import type { Redis } from "ioredis";
import { captureBullmqAdd } from "./capture-bullmq-add.js";
import type { JobData } from "./review-job.js";
import type { ReviewQueue } from "./review-queue.js";

/**
 * A decision of ours that runs in ONE script with BullMQ's own add, so what it checks cannot change
 * before the job is added, and what it records is never left without the job.
 */
export interface DecisionAroundAdd {
  /** Names the Redis command (with BullMQ's add script name after it). */
  name: string;
  /** Lua run first, at the script's top level: locals the decision and its undo share. */
  prelude: string;
  /** Body of `decide(KEYS, ARGV)`, given its own KEYS and ARGV; returns {outcome, ...}: only "add" adds. */
  decide: string;
  /** Lua that undoes the decision's writes when BullMQ's add fails or refuses; sees the whole script's KEYS and ARGV. */
  undo: string;
  /** How many KEYS and ARGV the decision takes; BullMQ's add takes those after them. */
  keys: number;
  args: number;
}

/**
 * One script: the decision, then (only for "add") BullMQ's add script as loaded by BullMQ itself, each
 * a Lua function whose KEYS/ARGV parameters shadow the globals, so both bodies run unchanged. A chunk
 * and a function body have the same limits (locals, upvalues), so any script BullMQ can run runs here.
 * Returns the decision's reply, with BullMQ's add result appended (only for "add").
 *
 * Redis does not roll a script back when a command in it fails: if BullMQ's add errs (or refuses with a
 * negative code), the decision's writes are undone here.
 */
export function composeWithBullmqAdd(decision: Omit<DecisionAroundAdd, "name">, bullmqAddLua: string): string {
  // A shebang line (`#!lua flags=...`) is only valid as a script's first line.
  if (bullmqAddLua.trimStart().startsWith("#!")) throw new Error("BullMQ's add script declares script flags: it cannot be composed into our script");
  return `${decision.prelude}
local function decide(KEYS, ARGV)
${decision.decide}
end
local function undoDecision()
${decision.undo}
end
local function bullmqAdd(KEYS, ARGV)
${bullmqAddLua}
end
local decision = decide({unpack(KEYS, 1, ${decision.keys})}, {unpack(ARGV, 1, ${decision.args})})
if decision[1] ~= "add" then return decision end
local ok, added = pcall(bullmqAdd, {unpack(KEYS, ${decision.keys + 1})}, {unpack(ARGV, ${decision.args + 1})})
if not ok then
  undoDecision()
  -- redis.call's error is a table {err = ...}, which as a reply is that error; a Lua error is text.
  if type(added) == "table" and added.err then return added end
  return redis.error_reply(tostring(added))
end
if type(added) == "number" and added < 0 then undoDecision() end
decision[#decision + 1] = added
return decision`;
}

interface LoadedScript {
  lua: string;
  numberOfKeys: number | null;
}

type Run = (...args: unknown[]) => Promise<unknown[]>;

/** Runs a decision and BullMQ's add of one job in one EVALSHA; the decision's script is defined on first use. */
export interface ScriptWithBullmqAdd {
  /** The decision's reply; for "add", BullMQ's add result last. Throws when BullMQ refused the job. */
  run(data: JobData, id: string, keys: string[], argv: unknown[]): Promise<unknown[]>;
}

export function createScriptWithBullmqAdd(queue: ReviewQueue, redis: Redis, decision: DecisionAroundAdd): ScriptWithBullmqAdd {
  // Per BullMQ add command (a standard job's, in practice).
  const commands = new Map<string, { command: string; addKeys: number }>();
  const define = async (addName: string) => {
    const command = `${decision.name}:${addName}`;
    // The add's Lua is the one BullMQ loaded on the queue's connection.
    const client = (await queue.getBackend().client) as unknown as { scriptsSet?: Record<string, LoadedScript> };
    const add = client.scriptsSet?.[addName] ?? (redis as unknown as { scriptsSet: Record<string, LoadedScript> }).scriptsSet[addName];
    if (!add || add.numberOfKeys === null) throw new Error(`BullMQ's ${addName} script is not loaded on the queue's connection`);
    redis.defineCommand(command, { numberOfKeys: decision.keys + add.numberOfKeys, lua: composeWithBullmqAdd(decision, add.lua) });
    return { command, addKeys: add.numberOfKeys };
  };
  return {
    async run(data, id, keys, argv) {
      const add = captureBullmqAdd(queue, data, id);
      let defined = commands.get(add.name);
      if (!defined) commands.set(add.name, (defined = await define(add.name)));
      const run = (redis as unknown as Record<string, Run>)[defined.command]!;
      const reply = await run.call(redis, ...keys, ...add.args.slice(0, defined.addKeys), ...argv, ...add.args.slice(defined.addKeys));
      const added = reply[0] === "add" ? reply[reply.length - 1] : undefined;
      // BullMQ's add answers a negative code for a job it refuses (a missing parent, for one).
      if (typeof added === "number" && added < 0) throw new Error(`BullMQ refused the job (${add.name} answered ${added})`);
      return reply;
    },
  };
}
