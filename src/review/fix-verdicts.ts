import { z } from "zod";

/** What the model says of one earlier finding at the new head. */
export type FixVerdictKind = "fixed" | "still_present" | "unsure";

export interface FixVerdict {
  /** The finding's key in the prompt (`F1`, `F2`, ...). */
  id: string;
  verdict: FixVerdictKind;
  /** One line: why. */
  reason: string;
}

const ModelFixVerdict = z.object({
  id: z.string().trim().min(1),
  verdict: z.preprocess((value) => (typeof value === "string" ? value.trim().toLowerCase() : value), z.enum(["fixed", "still_present", "unsure"])),
  reason: z.string().transform((reason) => reason.replace(/\s+/g, " ").trim().slice(0, 300)),
});

const ModelFixCheckOutput = z.object({ verdicts: z.array(z.unknown()) });

/** The answer's JSON Schema for `text.format: { type: "json_schema", strict: true }`. */
export const FIX_CHECK_JSON_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["verdicts"],
  properties: {
    verdicts: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["id", "verdict", "reason"],
        properties: {
          id: { type: "string" },
          verdict: { type: "string", enum: ["fixed", "still_present", "unsure"] },
          reason: { type: "string" },
        },
      },
    },
  },
} as const;

/**
 * Reads the model's answer. Verdicts for keys that were not asked about, repeated keys and malformed
 * entries are dropped; a finding without a verdict counts as `unsure` (nothing is posted for it). Pure.
 */
export function parseFixVerdicts(text: string, keys: readonly string[]): { ok: true; verdicts: FixVerdict[] } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text.trim().replace(/^```(?:json)?\s*|\s*```$/g, ""));
  } catch {
    return { ok: false, error: "the answer is not JSON" };
  }
  const envelope = ModelFixCheckOutput.safeParse(json);
  if (!envelope.success) return { ok: false, error: "the answer has no `verdicts` array" };
  const asked = new Set(keys);
  const byKey = new Map<string, FixVerdict>();
  for (const entry of envelope.data.verdicts) {
    const parsed = ModelFixVerdict.safeParse(entry);
    if (parsed.success && asked.has(parsed.data.id) && !byKey.has(parsed.data.id)) byKey.set(parsed.data.id, parsed.data);
  }
  return { ok: true, verdicts: keys.map((id) => byKey.get(id) ?? { id, verdict: "unsure", reason: "no verdict given" }) };
}
