import { useId, useLayoutEffect, useRef, useState, type KeyboardEvent, type TextareaHTMLAttributes } from 'react';

export interface MentionPerson {
  id: string;
  name: string;
}

const MAX_SUGGESTIONS = 8;

/**
 * The mention being typed at the caret: an '@' not preceded by a letter or digit (as the API's parser requires,
 * so `ada@example.com` is no mention), then up to 40 characters without a line break.
 */
export function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at < 0) return null;
  if (at > 0 && /[\p{L}\p{N}_]/u.test(before[at - 1] ?? '')) return null;
  const query = before.slice(at + 1);
  if (query.length > 40 || /[\n@]/.test(query)) return null;
  return { start: at, query };
}

/**
 * A textarea with `@` mention autocomplete (ARIA combobox with a listbox popup): typing `@` and part of a member's
 * name lists matches; arrows choose, Enter or Tab inserts `@Display Name ` (the text the API recognises as a
 * mention), Escape closes the list.
 */
export function MentionTextarea({
  value,
  onValueChange,
  people,
  ...rest
}: Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'onChange'> & {
  value: string;
  onValueChange(value: string): void;
  people: MentionPerson[];
}) {
  const listId = useId();
  const textarea = useRef<HTMLTextAreaElement>(null);
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  // Where the caret goes once an inserted mention is rendered. Placed in a layout effect, i.e. in the same commit:
  // deferring it to a later frame let keys typed in between land before the caret moved back, scrambling the text.
  const pendingCaret = useRef<number | null>(null);
  useLayoutEffect(() => {
    const position = pendingCaret.current;
    if (position === null || !textarea.current) return;
    pendingCaret.current = null;
    textarea.current.focus();
    textarea.current.setSelectionRange(position, position);
  });

  const mention = mentionAt(value, caret);
  const query = mention?.query.toLowerCase() ?? '';
  const matches = mention
    ? people
        .filter((p) => {
          const name = p.name.toLowerCase();
          return name.startsWith(query) || name.split(/\s+/).some((word) => word.startsWith(query));
        })
        .slice(0, MAX_SUGGESTIONS)
    : [];
  const open = mention !== null && matches.length > 0 && dismissedAt !== mention.start;
  const activeIndex = Math.min(active, Math.max(0, matches.length - 1));

  const insert = (person: MentionPerson) => {
    if (!mention) return;
    const text = `@${person.name} `;
    const next = value.slice(0, mention.start) + text + value.slice(caret);
    const position = mention.start + text.length;
    pendingCaret.current = position;
    onValueChange(next);
    setCaret(position);
    setActive(0);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (!open) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((activeIndex + step + matches.length) % matches.length);
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      const person = matches[activeIndex];
      if (person) {
        event.preventDefault();
        insert(person);
      }
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      setDismissedAt(mention?.start ?? null);
    }
  };

  const optionId = (i: number) => `${listId}-option-${i}`;
  return (
    <div className="mention">
      <textarea
        {...rest}
        ref={textarea}
        className={['input', rest.className].filter(Boolean).join(' ')}
        value={value}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={open ? optionId(activeIndex) : undefined}
        onChange={(e) => {
          onValueChange(e.target.value);
          setCaret(e.target.selectionStart);
          setActive(0);
          setDismissedAt(null);
        }}
        onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
        onKeyDown={onKeyDown}
        onBlur={() => setDismissedAt(mention?.start ?? null)}
        onFocus={() => setDismissedAt(null)}
      />
      <ul id={listId} role="listbox" aria-label="People to mention" className="mention__list" hidden={!open}>
        {open &&
          matches.map((person, i) => (
            <li
              key={person.id}
              id={optionId(i)}
              role="option"
              aria-selected={i === activeIndex}
              className={i === activeIndex ? 'mention__option mention__option--active' : 'mention__option'}
              onMouseDown={(e) => {
                e.preventDefault();
                insert(person);
              }}
            >
              {person.name}
            </li>
          ))}
      </ul>
    </div>
  );
}
