import type { FeedStatus } from './feed';

/** Says when live updates are paused; the region is always present so the message is announced when it appears. */
export function LiveBanner({ status }: { status: FeedStatus }) {
  return (
    <div className="live-banner-region" role="status" aria-live="polite">
      {status === 'down' && <p className="live-banner">Live updates paused — reconnecting…</p>}
    </div>
  );
}
