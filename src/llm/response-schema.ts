import { z } from "zod";

/*
 * The parts of the Responses reply we read, per the AI/ML API's OpenAPI description. Unknown fields
 * are ignored; message, function_call and reasoning items must be well formed (they are read, and the
 * last two are sent back), any other output item only needs a `type`.
 */

export const OutputText = z.object({ type: z.literal("output_text"), text: z.string() });
export type OutputText = z.infer<typeof OutputText>;

export const OutputRefusal = z.object({ type: z.literal("refusal"), refusal: z.string() });
export type OutputRefusal = z.infer<typeof OutputRefusal>;

export const OutputMessage = z.object({
  type: z.literal("message"),
  role: z.literal("assistant"),
  content: z.array(z.discriminatedUnion("type", [OutputText, OutputRefusal])),
});
export type OutputMessage = z.infer<typeof OutputMessage>;

/** The model asks us to run one of our function tools; `arguments` is a JSON string (untrusted). */
export const FunctionCallItem = z.object({
  type: z.literal("function_call"),
  id: z.string().optional(),
  call_id: z.string().min(1),
  name: z.string(),
  arguments: z.string(),
});
export type FunctionCallItem = z.infer<typeof FunctionCallItem>;

/** The model's reasoning; `encrypted_content` is there when asked for with `include`, and is sent back as is. */
export const ReasoningItem = z.object({
  type: z.literal("reasoning"),
  id: z.string().min(1),
  summary: z.array(z.object({ type: z.literal("summary_text"), text: z.string() })),
  encrypted_content: z.string().nullish(),
});
export type ReasoningItem = z.infer<typeof ReasoningItem>;

const READ_ITEM_TYPES = new Set(["message", "function_call", "reasoning"]);

const OtherOutputItem = z.object({
  type: z.string().refine((type) => !READ_ITEM_TYPES.has(type), "a message, function_call or reasoning item must match its shape"),
});

export const ResponseStatus = z.enum(["completed", "incomplete", "failed", "in_progress", "queued", "cancelled"]);
export type ResponseStatus = z.infer<typeof ResponseStatus>;

export const ResponsesReply = z.object({
  object: z.literal("response"),
  id: z.string().min(1),
  model: z.string(),
  // The spec does not list `status` as required; a reply without one is a finished one.
  status: ResponseStatus.default("completed"),
  error: z.object({ code: z.string(), message: z.string() }).nullish(),
  incomplete_details: z.object({ reason: z.string().optional() }).nullish(),
  output: z.array(z.union([OutputMessage, FunctionCallItem, ReasoningItem, OtherOutputItem])).nullish(),
  // Usage is optional in the spec too; missing counts read as zero rather than failing a good review.
  usage: z
    .object({ input_tokens: z.number().int(), output_tokens: z.number().int(), total_tokens: z.number().int() })
    .nullish(),
  meta: z
    .object({ usage: z.object({ credits_used: z.number(), usd_spent: z.number() }).nullish() })
    .nullish(),
});
export type ResponsesReply = z.infer<typeof ResponsesReply>;

/**
 * The AI/ML API's error body (`{message, path, requestId, statusCode, timestamp}`), not OpenAI's
 * `{error: {...}}`. NestJS-style validation errors carry `message` as a list; an upstream OpenAI
 * error may come through in its own shape, so that is read as a fallback.
 */
export const AimlApiErrorBody = z.object({
  message: z.union([z.string(), z.array(z.string())]).optional(),
  requestId: z.string().optional(),
  statusCode: z.number().optional(),
  error: z.union([z.object({ message: z.string().optional() }), z.string()]).optional(),
});
export type AimlApiErrorBody = z.infer<typeof AimlApiErrorBody>;
