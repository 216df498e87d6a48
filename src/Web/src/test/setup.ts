import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { accessTokenStore } from '../api/tokens';
import { server } from './server';

// Any request without a handler fails the test: no silent network calls.
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  cleanup();
  server.resetHandlers();
  accessTokenStore.set(null);
  window.localStorage.clear();
});
afterAll(() => server.close());
