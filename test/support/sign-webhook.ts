import { createHmac, randomUUID } from "node:crypto";

export interface Delivery {
  status: number;
  body: string;
  ms: number;
}

/** GitHub's `X-Hub-Signature-256` for a body. */
export function signWebhookBody(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** POSTs a webhook the way GitHub does; `signature: null` omits the header, a string replaces it. */
export async function deliverWebhook(
  url: string,
  event: string,
  payload: unknown,
  options: { secret: string; deliveryId?: string; signature?: string | null },
): Promise<Delivery> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "GitHub-Hookshot/test",
    "x-github-event": event,
    "x-github-delivery": options.deliveryId ?? randomUUID(),
  };
  const signature = options.signature === undefined ? signWebhookBody(options.secret, body) : options.signature;
  if (signature !== null) headers["x-hub-signature-256"] = signature;
  const started = performance.now();
  const response = await fetch(url, { method: "POST", headers, body });
  return { status: response.status, body: await response.text(), ms: performance.now() - started };
}
