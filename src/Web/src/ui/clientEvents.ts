// POST /api/v1/client-events (BRIEF "Client telemetry"). Not in docs/openapi/v1.json yet, so these types are
// written from the brief and sent with plain fetch; once the snapshot has the endpoint, replace both with
// components['schemas'][...] and api.POST.

export interface ClientError {
  message: string;
  stack?: string;
  url: string;
  componentStack?: string;
}

export interface WebVital {
  name: 'LCP' | 'INP' | 'CLS' | 'FCP' | 'TTFB';
  value: number;
  rating?: 'good' | 'needs-improvement' | 'poor';
  url: string;
}

export interface ClientEvents {
  errors?: ClientError[];
  vitals?: WebVital[];
}

const ENDPOINT = `${window.location.origin}/api/v1/client-events`;

/** Fire-and-forget; `keepalive` lets it finish while the page unloads. Telemetry never throws. */
export function postClientEvents(events: ClientEvents, { beacon = false }: { beacon?: boolean } = {}): void {
  const body = JSON.stringify(events);
  if (beacon && typeof navigator.sendBeacon === 'function') {
    if (navigator.sendBeacon(ENDPOINT, new Blob([body], { type: 'application/json' }))) return;
  }
  void fetch(ENDPOINT, {
    method: 'POST',
    keepalive: true,
    headers: { 'Content-Type': 'application/json', 'X-Orbit-Client': 'web' },
    body,
  }).catch(() => undefined);
}
