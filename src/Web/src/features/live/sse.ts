/** One Server-Sent Events message (https://html.spec.whatwg.org/multipage/server-sent-events.html#parsing). */
export interface SseMessage {
  /** The last `id:` seen so far (it persists across messages, as in EventSource). */
  id: string;
  /** `event:` or "message" when the server sent none. */
  event: string;
  data: string;
}

/**
 * A streaming SSE parser: feed it text chunks as they arrive (split anywhere, even inside a line or between CR and
 * LF) and it returns the messages completed so far. Comments (`: keep-alive`) are skipped; `retry:` is remembered.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private pendingCr = false;
  lastEventId = '';
  retryMs: number | undefined;

  push(chunk: string): SseMessage[] {
    let text = chunk;
    // A CR at the very end of the previous chunk ended a line; an LF right after it belongs to that line break.
    if (this.pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.pendingCr = text.endsWith('\r');
    this.buffer += text;

    const messages: SseMessage[] = [];
    const lineBreak = /\r\n|\r|\n/g;
    let start = 0;
    for (let match = lineBreak.exec(this.buffer); match; match = lineBreak.exec(this.buffer)) {
      // "\r" as the last character may be the first half of "\r\n": that is handled by pendingCr above.
      const line = this.buffer.slice(start, match.index);
      start = match.index + match[0].length;
      const message = this.line(line);
      if (message) messages.push(message);
    }
    this.buffer = this.buffer.slice(start);
    return messages;
  }

  private line(line: string): SseMessage | null {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.event = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
      default:
        break;
    }
    return null;
  }

  private dispatch(): SseMessage | null {
    const event = this.event || 'message';
    this.event = '';
    if (this.data.length === 0) return null;
    const data = this.data.join('\n');
    this.data = [];
    return { id: this.lastEventId, event, data };
  }
}
