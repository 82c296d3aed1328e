/**
 * Milliseconds to wait from a `Retry-After` header (delta-seconds or an HTTP date, RFC 9110 §10.2.3),
 * or from the `retry-after-ms` header OpenAI-compatible gateways send. Null when absent or unreadable;
 * a date in the past means "now" (0).
 */
export function parseRetryAfter(headers, now = Date.now()) {
    const milliseconds = headers.get("retry-after-ms");
    if (milliseconds !== null && /^\d+(\.\d+)?$/.test(milliseconds.trim())) {
        return Math.ceil(Number(milliseconds));
    }
    const value = headers.get("retry-after")?.trim();
    if (!value)
        return null;
    if (/^\d+(\.\d+)?$/.test(value))
        return Math.ceil(Number(value) * 1000);
    const date = Date.parse(value);
    if (Number.isNaN(date))
        return null;
    return Math.max(0, date - now);
}
