import { Button } from '../atoms/Button';

/** The keyset "load more" control under a list: hidden when there is no next page. */
export function LoadMore({
  hasMore,
  loading,
  onLoadMore,
  label = 'Load more',
}: {
  hasMore: boolean;
  loading: boolean;
  onLoadMore(): void;
  label?: string;
}) {
  if (!hasMore) return null;
  return (
    <div className="load-more">
      <Button variant="secondary" busy={loading} onClick={onLoadMore}>
        {loading ? 'Loading…' : label}
      </Button>
    </div>
  );
}
