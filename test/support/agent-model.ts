import type { FakeResponsesCall } from "../fakes/aimlapi-fake.js";

/** One function call of the conversation so far and what we answered it with. */
export interface AnsweredCall {
  callId: string;
  name: string;
  arguments: Record<string, unknown>;
  /** The `function_call_output` sent back for it (the fake 400s a request that lacks one). */
  output: string;
}

interface Item {
  type?: string;
  role?: string;
  content?: unknown;
  call_id?: string;
  name?: string;
  arguments?: string;
  output?: string;
}

/** The function calls of a request's conversation, each with the output sent back for it, in order. */
export function answeredCalls(call: FakeResponsesCall): AnsweredCall[] {
  if (!Array.isArray(call.body.input)) return [];
  const items = call.body.input as Item[];
  const outputs = new Map(items.filter((item) => item.type === "function_call_output").map((item) => [item.call_id, item.output ?? ""]));
  return items
    .filter((item) => item.type === "function_call")
    .map((item) => ({
      callId: item.call_id ?? "",
      name: item.name ?? "",
      arguments: JSON.parse(item.arguments ?? "{}") as Record<string, unknown>,
      output: outputs.get(item.call_id) ?? "",
    }));
}

/** Whether the request offers function tools the model may still call (not `tool_choice: "none"`). */
export function mayCallTools(call: FakeResponsesCall): boolean {
  return (call.body.tools?.length ?? 0) > 0 && call.body.tool_choice !== "none";
}

/** Whether the request offers the named function tool at all. */
export function offersTool(call: FakeResponsesCall, name: string): boolean {
  return (call.body.tools ?? []).some((tool) => tool.type === "function" && tool.name === name);
}
