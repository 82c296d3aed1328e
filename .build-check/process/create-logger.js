import { pino } from "pino";
/** Paths that may hold secrets in logged objects; pino replaces their values. */
export const REDACTED_PATHS = [
    "*.authorization",
    "*.Authorization",
    "headers.authorization",
    "req.headers.authorization",
    "req.headers[\"x-hub-signature-256\"]",
    "*.token",
    "*.apiKey",
    "*.privateKey",
    "*.AIMLAPI_KEY",
    "*.PRIVATE_KEY",
    "*.WEBHOOK_SECRET",
];
/** JSON logs for every process; secrets are redacted by path, never logged as strings. */
export function createLogger(level, name) {
    return pino({ level, name, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } });
}
