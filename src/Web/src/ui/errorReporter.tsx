import { useEffect } from 'react';
import { postClientEvents, type ClientError } from './clientEvents';

const BATCH_MAX = 20; // the endpoint takes at most 20 errors a request
const DEBOUNCE_MS = 2_000;
const PAGE_CAP = 50; // a render loop must not flood the server
const FIELD_MAX = 4_000; // keep a batch well under the 16 KiB body limit

let queue: ClientError[] = [];
let sent = 0;
let timer: number | undefined;

function flush(): void {
  timer = undefined;
  if (queue.length === 0) return;
  const batch = queue.slice(0, BATCH_MAX);
  queue = queue.slice(BATCH_MAX);
  postClientEvents({ errors: batch });
  if (queue.length > 0) timer = window.setTimeout(flush, DEBOUNCE_MS);
}

/** Queue an error for the server; batched and debounced, capped per page load. */
export function reportError(error: unknown, componentStack?: string): void {
  if (sent >= PAGE_CAP) return;
  sent++;
  const entry: ClientError = {
    message: (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, FIELD_MAX),
    url: window.location.href,
  };
  if (error instanceof Error && error.stack) entry.stack = error.stack.slice(0, FIELD_MAX);
  if (componentStack) entry.componentStack = componentStack.slice(0, FIELD_MAX);
  queue.push(entry);
  if (timer === undefined) timer = window.setTimeout(flush, DEBOUNCE_MS);
}

/** Mount once near the root: reports uncaught errors and unhandled rejections. */
export function ErrorReporter() {
  useEffect(() => {
    const onError = (event: ErrorEvent) => reportError(event.error ?? event.message);
    const onRejection = (event: PromiseRejectionEvent) => reportError(event.reason);
    const onHidden = () => {
      if (document.visibilityState === 'hidden') flush();
    };
    window.addEventListener('error', onError);
    window.addEventListener('unhandledrejection', onRejection);
    document.addEventListener('visibilitychange', onHidden);
    return () => {
      window.removeEventListener('error', onError);
      window.removeEventListener('unhandledrejection', onRejection);
      document.removeEventListener('visibilitychange', onHidden);
    };
  }, []);
  return null;
}
