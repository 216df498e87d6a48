import { describe, expect, it } from 'vitest';
import { SseParser } from './sse';

describe('SseParser', () => {
  it('reads id, event and data of each message', () => {
    const parser = new SseParser();
    const messages = parser.push('id: 7\nevent: task.updated\ndata: {"a":1}\n\n');
    expect(messages).toEqual([{ id: '7', event: 'task.updated', data: '{"a":1}' }]);
  });

  it('completes messages split anywhere across chunks, even inside a line or a CRLF', () => {
    const parser = new SseParser();
    const text = 'id: 1\r\nevent: task.created\r\ndata: {"x":"y"}\r\n\r\nid: 2\ndata: second\n\n';
    const received = [];
    for (let at = 0; at < text.length; at += 3) received.push(...parser.push(text.slice(at, at + 3)));
    expect(received).toEqual([
      { id: '1', event: 'task.created', data: '{"x":"y"}' },
      { id: '2', event: 'message', data: 'second' },
    ]);
  });

  it('skips comments such as keep-alives and remembers retry', () => {
    const parser = new SseParser();
    expect(parser.push(': keep-alive\n\nretry: 2000\n\n')).toEqual([]);
    expect(parser.retryMs).toBe(2000);
    expect(parser.push('data: a\n: a comment in the middle\ndata: b\n\n')).toEqual([{ id: '', event: 'message', data: 'a\nb' }]);
  });

  it('keeps the last id for messages without one and dispatches nothing for an empty message', () => {
    const parser = new SseParser();
    expect(parser.push('id: 5\n\n')).toEqual([]);
    expect(parser.lastEventId).toBe('5');
    expect(parser.push('data: later\n\n')).toEqual([{ id: '5', event: 'message', data: 'later' }]);
  });
});
