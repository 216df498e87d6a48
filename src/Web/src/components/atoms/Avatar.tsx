// A palette class rather than an inline style: the CSP allows styles from files only.
const PALETTE_SIZE = 8;

/** Initials on a colour derived from the name; decorative when a visible name sits next to it. */
export function Avatar({ name, decorative = false }: { name: string; decorative?: boolean }) {
  const initials = name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase() ?? '')
    .join('');
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.charCodeAt(0)) % PALETTE_SIZE;
  return (
    <span
      className={`avatar avatar--${hash}`}
      role={decorative ? undefined : 'img'}
      aria-label={decorative ? undefined : name}
      aria-hidden={decorative || undefined}
    >
      {initials || '?'}
    </span>
  );
}
