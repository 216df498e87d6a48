import { useId, useState, type KeyboardEvent } from 'react';
import { Avatar } from '../atoms/Avatar';
import type { ControlProps } from './FormField';

export interface Person {
  id: string;
  displayName: string;
  email: string;
}

/**
 * An email field with people suggestions: the ARIA 1.2 combobox pattern (editable, list autocomplete).
 * Typing filters (the caller fetches `options` for `value`); ArrowDown/ArrowUp move through the suggestions,
 * with the active one announced through aria-activedescendant while focus stays in the field; Enter picks it;
 * Escape closes the list (a second Escape clears the field). Any email may still be typed by hand.
 */
export function PeoplePicker({
  control,
  value,
  onChange,
  onPick,
  options,
  loading,
  name,
  placeholder,
}: {
  control: ControlProps;
  value: string;
  onChange(value: string): void;
  onPick(person: Person): void;
  options: readonly Person[];
  loading: boolean;
  name?: string;
  placeholder?: string;
}) {
  const listId = useId();
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const showList = open && value.trim().length > 0;
  const activeOption = showList && active >= 0 ? options[active] : undefined;
  const optionId = (index: number) => `${listId}-option-${index}`;

  const pick = (person: Person) => {
    onPick(person);
    setOpen(false);
    setActive(-1);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        setOpen(true);
        if (options.length > 0) setActive((index) => (index + 1) % options.length);
        break;
      case 'ArrowUp':
        event.preventDefault();
        setOpen(true);
        if (options.length > 0) setActive((index) => (index <= 0 ? options.length - 1 : index - 1));
        break;
      case 'Enter':
        if (activeOption) {
          // Picking a suggestion must not also submit the form.
          event.preventDefault();
          pick(activeOption);
        }
        break;
      case 'Escape':
        if (showList) {
          event.preventDefault();
          event.stopPropagation();
          setOpen(false);
          setActive(-1);
        } else if (value) {
          event.preventDefault();
          onChange('');
        }
        break;
      default:
        break;
    }
  };

  return (
    <div className="combobox">
      <input
        {...control}
        className="input"
        name={name}
        type="email"
        role="combobox"
        autoComplete="off"
        placeholder={placeholder}
        aria-autocomplete="list"
        aria-expanded={showList}
        aria-controls={listId}
        aria-activedescendant={activeOption ? optionId(active) : undefined}
        value={value}
        onChange={(event) => {
          onChange(event.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setOpen(false)}
      />
      <ul id={listId} role="listbox" aria-label="People" className="combobox__list" hidden={!showList}>
        {showList && options.length === 0 && (
          <li className="combobox__empty" role="presentation">
            {loading ? 'Searching…' : 'No one you share a project with matches. You can still add any email.'}
          </li>
        )}
        {showList &&
          options.map((person, index) => (
            <li
              key={person.id}
              id={optionId(index)}
              role="option"
              aria-selected={index === active}
              className="combobox__option"
              // mousedown, not click: it fires before the input's blur closes the list.
              onMouseDown={(event) => {
                event.preventDefault();
                pick(person);
              }}
              onMouseMove={() => setActive(index)}
            >
              <Avatar name={person.displayName} decorative />
              <span>
                {person.displayName}
                <br />
                <span className="muted">{person.email}</span>
              </span>
            </li>
          ))}
      </ul>
    </div>
  );
}
