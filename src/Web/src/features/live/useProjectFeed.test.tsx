import { describe, expect, it } from 'vitest';
import { act, renderHook, waitFor } from '@testing-library/react';
import { QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { http, HttpResponse } from 'msw';
import { server } from '../../test/server';
import { aTokenResponse } from '../../test/fixtures';
import { apiJson } from '../../test/http';
import { testQueryClient } from '../../test/render';
import { aTask, PROJECT_ID } from '../tasks/testing';
import { taskKeys } from '../tasks/keys';
import type { Task } from '../tasks/types';
import { fakeFeed, frame } from './testing';
import { readFeedEvent } from './feed';
import { useProjectFeed } from './useProjectFeed';

function setup() {
  const queryClient = testQueryClient();
  const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
  return { queryClient, wrapper };
}

describe('readFeedEvent', () => {
  it('takes the type from the JSON when the event line is missing, and the key from taskKey on comment events', () => {
    const json = JSON.stringify({ id: '9', type: 'comment.added', occurredAt: 'x', data: { projectId: 'p', taskId: 't', taskKey: 'ORB-3' } });
    expect(readFeedEvent(json, 'message', '9')).toEqual({ id: '9', type: 'comment.added', projectId: 'p', taskId: 't', key: 'ORB-3' });
  });

  it('ignores data that is not a feed event', () => {
    expect(readFeedEvent('not json', 'message', '')).toBeNull();
    expect(readFeedEvent('[1,2]', 'message', '')).toBeNull();
  });
});

describe('useProjectFeed', () => {
  it('patches the board within a second when a task changes elsewhere', async () => {
    const { feed, handler } = fakeFeed();
    const moved = aTask({ key: 'ORB-1', status: 'done', version: 3 });
    server.use(handler, apiJson('get', '/api/v1/tasks/{idOrKey}', 200, () => moved));
    const { queryClient, wrapper } = setup();
    queryClient.setQueryData<Task[]>(taskKeys.board(PROJECT_ID), [aTask({ key: 'ORB-1', status: 'todo', version: 2 })]);

    const { result } = renderHook(() => useProjectFeed(PROJECT_ID), { wrapper });
    await waitFor(() => expect(result.current).toBe('open'));
    // Split in the middle of a line, no event: line.
    const text = frame('c1', 'task.status_changed', { projectId: PROJECT_ID, taskId: moved.id, key: 'ORB-1' }, false);
    act(() => feed.write(text.slice(0, 20)));
    act(() => feed.write(text.slice(20)));

    await waitFor(() => expect(queryClient.getQueryData<Task[]>(taskKeys.board(PROJECT_ID))?.[0]?.status).toBe('done'), { timeout: 1000 });
  });

  it('invalidates comments, activity and notifications on comment.added', async () => {
    const { feed, handler } = fakeFeed();
    server.use(handler);
    const { queryClient, wrapper } = setup();
    queryClient.setQueryData(taskKeys.comments('ORB-2'), { pages: [], pageParams: [] });
    queryClient.setQueryData(taskKeys.activity('ORB-2'), []);
    queryClient.setQueryData(['notifications', 'unread'], { count: 0 });

    const { result } = renderHook(() => useProjectFeed(PROJECT_ID), { wrapper });
    await waitFor(() => expect(result.current).toBe('open'));
    act(() => feed.write(frame('c2', 'comment.added', { projectId: PROJECT_ID, taskId: 't', taskKey: 'ORB-2', commentId: 'c' })));

    await waitFor(() => {
      expect(queryClient.getQueryState(taskKeys.comments('ORB-2'))?.isInvalidated).toBe(true);
      expect(queryClient.getQueryState(taskKeys.activity('ORB-2'))?.isInvalidated).toBe(true);
      expect(queryClient.getQueryState(['notifications', 'unread'])?.isInvalidated).toBe(true);
    });
  });

  it('opens the first connection at the head with after=now and applies every event it is sent, whatever its time', async () => {
    const { feed, handler } = fakeFeed();
    server.use(handler);
    const { queryClient, wrapper } = setup();
    queryClient.setQueryData(taskKeys.activity('ORB-5'), []);
    queryClient.setQueryData(taskKeys.activity('ORB-6'), []);

    const { result } = renderHook(() => useProjectFeed(PROJECT_ID), { wrapper });
    await waitFor(() => expect(result.current).toBe('open'));
    expect(feed.connections).toEqual([{ lastEventId: '', after: 'now' }]);
    // The server decides what is new; a skewed client or server clock changes nothing.
    act(() => feed.write(frame('e1', 'comment.deleted', { projectId: PROJECT_ID, taskId: 't5', taskKey: 'ORB-5' }, true, '2020-01-01T00:00:00Z')));
    act(() => feed.write(frame('e2', 'comment.edited', { projectId: PROJECT_ID, taskId: 't6', taskKey: 'ORB-6' })));

    await waitFor(() => {
      expect(queryClient.getQueryState(taskKeys.activity('ORB-5'))?.isInvalidated).toBe(true);
      expect(queryClient.getQueryState(taskKeys.activity('ORB-6'))?.isInvalidated).toBe(true);
    });
  });

  it('refreshes the session on a 401 and opens the stream with the new token', async () => {
    const { handler } = fakeFeed();
    const tokens: (string | null)[] = [];
    let refused = false;
    server.use(
      http.get('/api/v1/projects/:projectId/events', ({ request }) => {
        tokens.push(request.headers.get('Authorization'));
        if (refused) return undefined;
        refused = true;
        return new HttpResponse(null, { status: 401 });
      }),
      handler,
      apiJson('post', '/api/v1/auth/refresh', 200, () => aTokenResponse('fresh-token')),
    );
    const { wrapper } = setup();

    const { result } = renderHook(() => useProjectFeed(PROJECT_ID), { wrapper });
    await waitFor(() => expect(result.current).toBe('open'));
    expect(tokens).toEqual([null, 'Bearer fresh-token']);
  });

  it('shows the stream as down when it drops and resumes with Last-Event-ID, then catches up', async () => {
    const { feed, handler } = fakeFeed();
    server.use(handler);
    const { queryClient, wrapper } = setup();
    queryClient.setQueryData(taskKeys.board(PROJECT_ID), []);

    const { result } = renderHook(() => useProjectFeed(PROJECT_ID), { wrapper });
    await waitFor(() => expect(result.current).toBe('open'));
    act(() => feed.write(frame('c41', 'project.updated', { projectId: PROJECT_ID })));
    await act(async () => {
      await new Promise((r) => setTimeout(r, 20));
      feed.end();
    });

    await waitFor(() => expect(result.current).toBe('down'));
    await waitFor(() => expect(result.current).toBe('open'), { timeout: 4000 });
    expect(feed.connections).toEqual([
      { lastEventId: '', after: 'now' },
      { lastEventId: 'c41', after: '' },
    ]);
    expect(queryClient.getQueryState(taskKeys.board(PROJECT_ID))?.isInvalidated).toBe(true);
  });

  it('on session.ended reconnects at once with Last-Event-ID and a refreshed token, without an outage or a bogus event', async () => {
    const { feed, handler } = fakeFeed();
    const tokens: (string | null)[] = [];
    let expired = false;
    server.use(
      http.get('/api/v1/projects/:projectId/events', ({ request }) => {
        tokens.push(request.headers.get('Authorization'));
        if (!expired) return undefined;
        expired = false;
        return new HttpResponse(null, { status: 401 });
      }),
      handler,
      apiJson('post', '/api/v1/auth/refresh', 200, () => aTokenResponse('renewed-token')),
    );
    const { queryClient, wrapper } = setup();
    queryClient.setQueryData(taskKeys.board(PROJECT_ID), []);
    const statuses: string[] = [];

    const { result } = renderHook(() => {
      const status = useProjectFeed(PROJECT_ID);
      statuses.push(status);
      return status;
    }, { wrapper });
    await waitFor(() => expect(result.current).toBe('open'));
    act(() => feed.write(frame('c7', 'project.updated', { projectId: PROJECT_ID })));
    await act(async () => {
      await new Promise((r) => setTimeout(r, 20));
      expired = true;
      feed.write('event: session.ended\ndata: {"reason":"token_expired"}\n\n');
      feed.end();
    });

    await waitFor(() => expect(feed.connections).toHaveLength(2), { timeout: 1000 });
    expect(feed.connections[1]).toEqual({ lastEventId: 'c7', after: '' });
    expect(tokens.at(-1)).toBe('Bearer renewed-token');
    expect(statuses).not.toContain('down');
  });
});
