/** A grey block the size of what is loading, so nothing moves when it arrives. */
export function Skeleton({ className }: { className: string }) {
  return <div className={`skeleton ${className}`} aria-hidden="true" />;
}
