/**
 * The error to stop on when Probot's server fails to start. Its webhook proxy client rejects with an
 * EventSource `ErrorEvent` (not an Error) such as "fetch failed: bad port", which names no setting; this
 * says it was WEBHOOK_PROXY_URL, giving the channel's origin only (whoever has the full URL reads the
 * deliveries). A listen failure (port taken) is an Error and is returned as it is.
 */
export function explainServerStartError(error: unknown, webhookProxyUrl: string | undefined): unknown {
  if (!webhookProxyUrl || error instanceof Error) return error;
  const reason = typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error);
  return new Error(
    `Cannot open the webhook proxy channel WEBHOOK_PROXY_URL (${new URL(webhookProxyUrl).origin}): ${reason}. ` +
      "Check the channel URL (https://smee.io/<channel>), or unset WEBHOOK_PROXY_URL when GitHub reaches this server directly.",
  );
}
