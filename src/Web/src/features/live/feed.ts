import { api } from '../../api/client';
import { isRecord } from '../../api/problem';
import { SseParser } from './sse';

/**
 * A change-feed event as the app uses it. SSE `data:` lines arrive as text outside the typed client, so the parsed
 * JSON is narrowed here rather than trusted (the document's `FeedEvent` union is the shape it should have).
 */
export interface FeedEvent {
  id: string;
  type: string;
  projectId: string | null;
  taskId: string | null;
  /** The task's key (`key` on task events, `taskKey` on comment events). */
  key: string | null;
}

function readString(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The FeedEvent JSON of one `data:` field; the event name falls back to its `type` when `event:` is missing. */
export function readFeedEvent(json: string, eventName: string, lastEventId: string): FeedEvent | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return null;
  }
  if (!isRecord(parsed)) return null;
  const type = readString(parsed.type) ?? (eventName !== 'message' ? eventName : null);
  if (!type) return null;
  const data = isRecord(parsed.data) ? parsed.data : {};
  return {
    id: readString(parsed.id) ?? lastEventId,
    type,
    projectId: readString(data.projectId),
    taskId: readString(data.taskId),
    key: readString(data.key) ?? readString(data.taskKey),
  };
}

/**
 * The stream's last message when its credential stopped granting access (`data: {"reason": "token_expired" |
 * "user_disabled" | "token_revoked" | "signed_out"}`, no id). Not a feed event.
 */
export const SESSION_ENDED = 'session.ended';

export type FeedStatus = 'connecting' | 'open' | 'down';

export interface FeedOptions {
  projectId: string;
  onEvent(event: FeedEvent): void;
  onStatus(status: FeedStatus): void;
  /** Called when the stream is open again after having been down: the moment to catch up. */
  onReconnected(): void;
  /** Delays before reconnecting (ms), by attempt; the server's `retry:` raises the first. */
  backoff?: (attempt: number) => number;
}

const defaultBackoff = (attempt: number) => Math.min(1000 * 2 ** attempt, 30_000);

/**
 * Follows `GET /projects/{id}/events` as SSE over fetch (EventSource cannot send Authorization). Goes through the
 * typed client, so a 401 refreshes the session once and retries; a dropped stream is reopened with `Last-Event-ID`
 * after a growing delay, so nothing is missed. `stop()` ends it for good.
 *
 * Without an event id yet (the first connection, or a reconnect before any event arrived) it asks for `after=now`:
 * the views have just read the current state and want only what changes from here, and the server resolves "now" to
 * the feed's head inside the request, so nothing is skipped or applied twice. (A reconnect without an id misses what
 * happened while it was down; `onReconnected` refetches for that.)
 *
 * The server ends the stream with `session.ended` when the access token expires (or the session was ended): the
 * feed then reconnects at once with `Last-Event-ID`, and the typed client's 401 handling refreshes the token (or,
 * when the session is really over, the app signs out), so an expiry costs no events and shows no outage.
 */
export function followProjectFeed(options: FeedOptions): { stop(): void } {
  const controller = new AbortController();
  const backoff = options.backoff ?? defaultBackoff;
  let lastEventId = '';
  let attempt = 0;
  let wasDown = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const connect = async () => {
    const parser = new SseParser();
    let sessionEnded = false;
    try {
      options.onStatus(wasDown ? 'down' : 'connecting');
      const headers: Record<string, string> = { Accept: 'text/event-stream' };
      if (lastEventId) headers['Last-Event-ID'] = lastEventId;
      const { response } = await api.GET('/api/v1/projects/{projectId}/events', {
        // Last-Event-ID wins over after on the server; sending only one keeps each request saying what it means.
        params: { path: { projectId: options.projectId }, query: lastEventId ? {} : { after: 'now' } },
        headers,
        parseAs: 'stream',
        signal: controller.signal,
      });
      if (!response.ok || !response.body) throw new Error(`Change feed answered ${response.status}`);
      attempt = 0;
      options.onStatus('open');
      if (wasDown) {
        wasDown = false;
        options.onReconnected();
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const message of parser.push(value)) {
          lastEventId = parser.lastEventId || lastEventId;
          if (message.event === SESSION_ENDED) {
            sessionEnded = true;
            continue;
          }
          const event = readFeedEvent(message.data, message.event, message.id);
          if (!event) continue;
          options.onEvent(event);
        }
      }
    } catch {
      // Network drop, refusal or abort: handled below.
    }
    if (controller.signal.aborted) return;
    if (sessionEnded) {
      // Re-authenticate rather than wait: the next request gets a 401, which refreshes the session.
      timer = setTimeout(() => void connect(), 0);
      return;
    }
    wasDown = true;
    options.onStatus('down');
    const delay = Math.max(backoff(attempt), attempt === 0 ? (parser.retryMs ?? 0) : 0);
    attempt += 1;
    timer = setTimeout(() => void connect(), delay);
  };

  void connect();
  return {
    stop() {
      controller.abort();
      if (timer) clearTimeout(timer);
    },
  };
}
