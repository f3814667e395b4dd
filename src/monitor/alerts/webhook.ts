/**
 * @module monitor/alerts/webhook
 * Posting a JSON alert to a webhook with retries: network errors, timeouts, 408, 429 and 5xx are retried with
 * exponential backoff (default 4 attempts: 0.5 s, 1 s, 2 s); other 4xx answers are final. Every attempt
 * carries the same `Idempotency-Key` (the execution's name), so a receiver can drop a repeat it already has.
 */
export interface WebhookOptions {
  /** Total attempts (default 4). */
  attempts?: number;
  /** Delay before the 2nd attempt in ms, doubled each time (default 500). */
  backoffMs?: number;
  /** Per-attempt timeout in ms (default 10,000). */
  timeoutMs?: number;
  /** Waits between attempts (tests pass an instant one). */
  sleep?: (ms: number) => Promise<void>;
  headers?: Record<string, string>;
}

export interface WebhookDelivery {
  url: string;
  delivered: boolean;
  attempts: number;
  /** HTTP status of the last answer. */
  status?: number;
  error?: string;
}

export async function postWebhook(url: string, payload: unknown, idempotencyKey: string, options: WebhookOptions = {}): Promise<WebhookDelivery> {
  const attempts = Math.max(1, options.attempts ?? 4);
  const backoff = options.backoffMs ?? 500;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const body = JSON.stringify(payload);
  let last: WebhookDelivery = { url, delivered: false, attempts: 0 };
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await sleep(backoff * 2 ** (i - 1));
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 10_000);
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey, 'user-agent': 'plumbline-monitor', ...(options.headers ?? {}) },
        body,
        signal: controller.signal,
      });
      await res.arrayBuffer().catch(() => undefined);
      last = { url, delivered: res.ok, attempts: i + 1, status: res.status };
      if (res.ok) return last;
      if (!(res.status === 408 || res.status === 429 || res.status >= 500)) return { ...last, error: `HTTP ${res.status}` };
      last.error = `HTTP ${res.status}`;
    } catch (e) {
      last = { url, delivered: false, attempts: i + 1, error: (e as Error).name === 'AbortError' ? 'timed out' : errorText(e) };
    } finally {
      clearTimeout(timer);
    }
  }
  return last;
}

function errorText(e: unknown): string {
  const err = e as { message?: string; cause?: { code?: string; message?: string } };
  return err.cause?.code ?? err.cause?.message ?? err.message ?? String(e);
}
