import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

/**
 * The AI/ML API's published OpenAPI description of POST /v1/responses, copied unchanged into
 * test/fixtures/specs so the tests run from any clone; AIMLAPI_OPENAPI_SPEC points elsewhere when needed.
 */
export const AIMLAPI_SPEC_PATH =
  process.env.AIMLAPI_OPENAPI_SPEC ??
  fileURLToPath(new URL("../fixtures/specs/aimlapi-openai-gpt-5-1-codex-responses.openapi.json", import.meta.url));

export interface SpecValidators {
  /** Error list (ajv's), or null when the body is a valid request. */
  validateRequest(body: unknown): ErrorObject[] | null;
  /** Error list, or null when the body is a valid 200 reply. */
  validateReply(body: unknown): ErrorObject[] | null;
  /** Top-level request fields the spec documents; the real API answers 400 to any other. */
  requestFields: ReadonlySet<string>;
}

let cached: SpecValidators | undefined;

/** Compiles the request and 200-reply schemas once per test file (the spec is 1.8 MB). */
export function loadSpecValidators(): SpecValidators {
  if (cached) return cached;
  const spec = JSON.parse(readFileSync(AIMLAPI_SPEC_PATH, "utf8")) as OpenApiSpec;
  const operation = spec.paths["/v1/responses"]?.post;
  const requestSchema = operation?.requestBody?.content?.["application/json"]?.schema;
  const replySchema = operation?.responses?.["200"]?.content?.["application/json"]?.schema;
  if (!requestSchema || !replySchema) throw new Error(`${AIMLAPI_SPEC_PATH} has no POST /v1/responses JSON schemas`);

  // OpenAPI 3.0 keywords (example, x-*) are not JSON Schema: strict mode off ignores them. Ajv knows
  // `nullable` itself, but only next to `type`.
  const ajv = new Ajv({ strict: false, allErrors: true });
  // ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is module.exports.
  addFormatsModule.default(ajv);
  const request = ajv.compile(normalizeNullable(requestSchema) as object);
  const reply = ajv.compile(normalizeNullable(replySchema) as object);
  const run = (validate: ValidateFunction) => (body: unknown) => (validate(body) ? null : [...(validate.errors ?? [])]);
  cached = {
    validateRequest: run(request),
    validateReply: run(reply),
    requestFields: new Set(Object.keys((requestSchema as { properties?: object }).properties ?? {})),
  };
  return cached;
}

/** Human-readable ajv errors for a 400 message or an assertion. */
export function formatSchemaErrors(errors: ErrorObject[]): string {
  return errors.map((error) => `${error.instancePath || "/"} ${error.message ?? error.keyword}`).join("; ");
}

/**
 * The spec writes "anything, null included" as `{nullable: true}` with no `type` (e.g. metadata
 * values), which ajv rejects at compile time. Without a type the schema already accepts null, so the
 * keyword is dropped there and kept everywhere else.
 */
function normalizeNullable(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(normalizeNullable);
  if (schema === null || typeof schema !== "object") return schema;
  const record = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (key === "nullable" && record.type === undefined) continue;
    out[key] = normalizeNullable(value);
  }
  return out;
}

interface OpenApiSpec {
  paths: Record<
    string,
    {
      post?: {
        requestBody?: { content?: Record<string, { schema?: object }> };
        responses?: Record<string, { content?: Record<string, { schema?: object }> }>;
      };
    }
  >;
}
