import { useId, useRef, useState } from 'react';
import { Button } from '../atoms/Button';

/**
 * A secret the server shows once (a personal access token, a webhook secret): read-only, selected on focus, with
 * a Copy button (Clipboard API; where that is refused the text is selected so Ctrl+C works).
 */
export function SecretReveal({ label, value, note }: { label: string; value: string; note: string }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'idle' | 'copied' | 'selected'>('idle');

  const selectAll = () => {
    input.current?.focus();
    input.current?.select();
  };

  const copy = async () => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(value);
      setCopied('copied');
    } catch {
      selectAll();
      setCopied('selected');
    }
  };

  return (
    <div className="secret-reveal">
      <label className="label" htmlFor={id}>
        {label}
      </label>
      <div className="secret-reveal__row">
        <input
          ref={input}
          id={id}
          className="input secret-reveal__value"
          readOnly
          value={value}
          spellCheck={false}
          onFocus={(event) => event.currentTarget.select()}
          aria-describedby={`${id}-note`}
        />
        <Button variant="secondary" onClick={() => void copy()}>
          Copy
        </Button>
      </div>
      <p id={`${id}-note`} className="field-hint">
        {note}
      </p>
      <p className="secret-reveal__status" role="status">
        {copied === 'copied' && 'Copied to the clipboard.'}
        {copied === 'selected' && 'Selected: press Ctrl+C (⌘C) to copy.'}
      </p>
    </div>
  );
}
