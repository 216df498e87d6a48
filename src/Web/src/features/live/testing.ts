// A fake change feed for tests: an SSE response that stays open until the test pushes frames or closes it.
import { http, HttpResponse } from 'msw';

export interface FakeFeed {
  /** Sends raw SSE text (frames, comments, partial lines). */
  write(text: string): void;
  /** Ends the current stream (the client should reconnect). */
  end(): void;
  /** Each connection's Last-Event-ID header and `after` query parameter, in order ('' when absent). */
  connections: { lastEventId: string; after: string }[];
}

export function fakeFeed(): { feed: FakeFeed; handler: ReturnType<typeof http.get> } {
  const encoder = new TextEncoder();
  let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  const feed: FakeFeed = {
    connections: [],
    write(text) {
      controller?.enqueue(encoder.encode(text));
    },
    end() {
      controller?.close();
      controller = null;
    },
  };
  const handler = http.get('/api/v1/projects/:projectId/events', ({ request }) => {
    feed.connections.push({
      lastEventId: request.headers.get('Last-Event-ID') ?? '',
      after: new URL(request.url).searchParams.get('after') ?? '',
    });
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
      },
      cancel() {
        controller = null;
      },
    });
    return new HttpResponse(stream, { headers: { 'Content-Type': 'text/event-stream' } });
  });
  return { feed, handler };
}

/** One feed frame as the API writes it. */
export function frame(
  id: string,
  type: string,
  data: Record<string, unknown>,
  withEventLine = true,
  occurredAt = new Date().toISOString(),
): string {
  const json = JSON.stringify({ id, type, occurredAt, data });
  return `id: ${id}\n${withEventLine ? `event: ${type}\n` : ''}data: ${json}\n\n`;
}
