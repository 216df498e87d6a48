import type { ReactNode } from 'react';
import { Button } from '../atoms/Button';
import { Spinner } from '../atoms/Spinner';
import { problemMessage } from '../../ui/problemMessage';

/** Loading / error (with Retry) for a query; renders children only once there is data. */
export function QueryState({
  isPending,
  isError,
  error,
  what,
  onRetry,
  children,
}: {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  /** e.g. "members": "Loading members", "Could not load members". */
  what: string;
  onRetry(): void;
  children: ReactNode;
}) {
  if (isPending) return <Spinner label={`Loading ${what}`} />;
  if (isError) {
    return (
      <div role="alert" className="query-error">
        <p>
          Could not load {what}: {problemMessage(error)}
        </p>
        <Button variant="secondary" onClick={onRetry}>
          Retry
        </Button>
      </div>
    );
  }
  return <>{children}</>;
}
