import { z } from "zod";
/*
 * The parts of the Responses reply we read, per the AI/ML API's OpenAPI description. Unknown fields
 * are ignored; a message item must be well formed, any other output item (reasoning, tool calls) only
 * needs a `type`.
 */
export const OutputText = z.object({ type: z.literal("output_text"), text: z.string() });
export const OutputRefusal = z.object({ type: z.literal("refusal"), refusal: z.string() });
export const OutputMessage = z.object({
    type: z.literal("message"),
    role: z.literal("assistant"),
    content: z.array(z.discriminatedUnion("type", [OutputText, OutputRefusal])),
});
const OtherOutputItem = z.object({
    type: z.string().refine((type) => type !== "message", "a message item must match the message shape"),
});
export const ResponseStatus = z.enum(["completed", "incomplete", "failed", "in_progress", "queued", "cancelled"]);
export const ResponsesReply = z.object({
    object: z.literal("response"),
    id: z.string().min(1),
    model: z.string(),
    // The spec does not list `status` as required; a reply without one is a finished one.
    status: ResponseStatus.default("completed"),
    error: z.object({ code: z.string(), message: z.string() }).nullish(),
    incomplete_details: z.object({ reason: z.string().optional() }).nullish(),
    output: z.array(z.union([OutputMessage, OtherOutputItem])).nullish(),
    // Usage is optional in the spec too; missing counts read as zero rather than failing a good review.
    usage: z
        .object({ input_tokens: z.number().int(), output_tokens: z.number().int(), total_tokens: z.number().int() })
        .nullish(),
    meta: z
        .object({ usage: z.object({ credits_used: z.number(), usd_spent: z.number() }).nullish() })
        .nullish(),
});
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
