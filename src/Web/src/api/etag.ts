/**
 * The `If-Match` value for a resource read at `version`: the API's strong ETag is the version in quotes (`"7"`), and
 * a stale one answers 412 instead of overwriting someone else's change.
 */
export function ifMatch(version: number): string {
  return `"${version}"`;
}
