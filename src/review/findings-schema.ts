import { z } from "zod";
import { cutText } from "../diff/cut-text.js";
import type { ChunkReview, Finding } from "./types.js";

// Models in plain-text mode write "p1" or "right" now and then; that is no reason to drop a finding.
const upperCase = (value: unknown) => (typeof value === "string" ? value.trim().toUpperCase() : value);

/** One comment as the model writes it (snake_case, like the JSON Schema below). */
export const ModelComment = z.object({
  path: z.string().trim().min(1),
  line: z.number().int().min(1),
  side: z.preprocess(upperCase, z.enum(["LEFT", "RIGHT"])),
  // Missing or < 1 means "no range"; the nullable fields may be absent in plain-text mode.
  start_line: z
    .number()
    .int()
    .nullish()
    .transform((value) => (value != null && value >= 1 ? value : null)),
  severity: z.preprocess(upperCase, z.enum(["P0", "P1", "P2", "P3"])),
  title: z.string().trim().min(1),
  body: z.string(),
  suggestion: z
    .string()
    .nullish()
    .transform((value) => value ?? null),
  quote: z
    .string()
    .nullish()
    .transform((value) => value ?? null),
});
export type ModelComment = z.infer<typeof ModelComment>;

export const ModelReviewOutput = z.object({
  summary: z.string(),
  comments: z.array(ModelComment),
});
export type ModelReviewOutput = z.infer<typeof ModelReviewOutput>;

/** The top level alone, so one bad comment does not cost the chunk its other comments. */
const ModelReviewEnvelope = z.object({
  summary: z.string(),
  comments: z.array(z.unknown()),
});

const nullable = (type: "integer" | "string") => ({ type: [type, "null"] });

/**
 * `ModelReviewOutput` as JSON Schema for `text.format: { type: "json_schema", strict: true }`:
 * strict mode wants every property required, `additionalProperties: false`, and null as a type.
 * Bounds such as `minimum` are left to the zod schema, which checks the reply anyway.
 */
export const REVIEW_OUTPUT_JSON_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["summary", "comments"],
  properties: {
    summary: { type: "string" },
    comments: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["path", "line", "side", "start_line", "severity", "title", "body", "suggestion", "quote"],
        properties: {
          path: { type: "string" },
          line: { type: "integer" },
          side: { type: "string", enum: ["LEFT", "RIGHT"] },
          start_line: nullable("integer"),
          severity: { type: "string", enum: ["P0", "P1", "P2", "P3"] },
          title: { type: "string" },
          body: { type: "string" },
          suggestion: nullable("string"),
          quote: nullable("string"),
        },
      },
    },
  },
} as const;

export type ParseChunkReviewResult = { ok: true; review: ChunkReview } | { ok: false; error: string };

/**
 * Reads the model's reply: raw JSON, JSON in a ``` fence, or JSON inside prose (plain-text mode).
 * Comments that fail validation are dropped one by one; only a reply without a usable top level fails.
 * Never throws.
 */
export function parseChunkReview(text: string): ParseChunkReviewResult {
  let firstError: string | null = null;
  for (const candidate of jsonCandidates(text)) {
    const envelope = ModelReviewEnvelope.safeParse(candidate);
    if (!envelope.success) {
      firstError ??= `unexpected JSON shape: ${describeIssues(envelope.error)}`;
      continue;
    }
    const findings: Finding[] = [];
    for (const raw of envelope.data.comments) {
      const comment = ModelComment.safeParse(raw);
      if (comment.success) findings.push(toFinding(comment.data));
    }
    return { ok: true, review: { summary: cutText(envelope.data.summary, MAX_MODEL_TEXT_CHARS).trim(), findings } };
  }
  return { ok: false, error: firstError ?? "no JSON object found in the model output" };
}

/**
 * Model text is cut before anything reads it: a title is one line, and no comment GitHub accepts is
 * longer than 65,536 characters. The suggestion is left whole: it must be applied byte for byte.
 */
const MAX_MODEL_TITLE_CHARS = 500;
const MAX_MODEL_TEXT_CHARS = 30_000;

function toFinding(comment: ModelComment): Finding {
  return {
    path: comment.path.replace(/^\.\//, ""),
    line: comment.line,
    side: comment.side,
    startLine: comment.start_line,
    severity: comment.severity,
    title: cutText(comment.title, MAX_MODEL_TITLE_CHARS).replace(/\s+/g, " "),
    body: cutText(comment.body, MAX_MODEL_TEXT_CHARS).trim(),
    suggestion: comment.suggestion === null ? null : unfence(comment.suggestion),
    quote: comment.quote === null ? null : cutText(comment.quote, MAX_MODEL_TEXT_CHARS),
  };
}

/** Models sometimes wrap a suggestion in its own ```suggestion fence; we add ours when rendering. */
function unfence(suggestion: string): string {
  const fenced = /^\s*(`{3,})[\w-]*\n([\s\S]*?)\n?\1\s*$/.exec(suggestion);
  const code = fenced ? fenced[2]! : suggestion;
  return code.endsWith("\n") ? code.slice(0, -1) : code;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
    .join("; ");
}

/** Plain objects found in `text`, most likely first: the whole text, fenced blocks, then {...} spans. */
function* jsonCandidates(text: string): Generator<Record<string, unknown>> {
  const seen = new Set<string>();
  const attempt = (source: string): Record<string, unknown> | null => {
    const trimmed = source.trim();
    if (seen.has(trimmed) || !trimmed.startsWith("{")) return null;
    seen.add(trimmed);
    try {
      const value: unknown = JSON.parse(trimmed);
      return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  };
  const whole = attempt(text);
  if (whole) yield whole;
  for (const fence of text.matchAll(/```[\w-]*[ \t]*\r?\n([\s\S]*?)```/g)) {
    const value = attempt(fence[1]!);
    if (value) yield value;
  }
  // Bounded so a reply full of braces cannot make this quadratic in practice.
  let starts = 0;
  for (let i = text.indexOf("{"); i !== -1 && starts < 20; i = text.indexOf("{", i + 1), starts++) {
    const end = matchingBrace(text, i);
    if (end === -1) continue;
    const value = attempt(text.slice(i, end + 1));
    if (value) {
      yield value;
      i = end; // skip objects nested in this one
    }
  }
}

/** Index of the `}` closing the `{` at `open`, skipping braces inside JSON strings; -1 if none. */
function matchingBrace(text: string, open: number): number {
  let depth = 0;
  let inString = false;
  for (let i = open; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === "\\") i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === "{") depth++;
    else if (char === "}" && --depth === 0) return i;
  }
  return -1;
}
