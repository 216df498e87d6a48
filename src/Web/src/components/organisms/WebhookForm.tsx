import { useState, type FormEvent } from 'react';
import { Button } from '../atoms/Button';
import { Input } from '../atoms/Input';
import { FormField } from '../molecules/FormField';
import { ALL_EVENTS, WEBHOOK_EVENTS, type WebhookEventFilter } from '../../features/webhooks/hooks';
import { fieldError, formLevelError } from '../../ui/problemMessage';

/** URL + event checkboxes ("All events" or a selection), for registering or editing a webhook. */
export function WebhookForm({
  initialUrl = '',
  initialEvents = [ALL_EVENTS],
  submitLabel,
  busy,
  error,
  onSubmit,
  onCancel,
}: {
  initialUrl?: string;
  initialEvents?: readonly string[];
  submitLabel: string;
  busy: boolean;
  error: unknown;
  onSubmit(value: { url: string; events: WebhookEventFilter[] }): void;
  onCancel?(): void;
}) {
  const [url, setUrl] = useState(initialUrl);
  const [all, setAll] = useState(initialEvents.includes(ALL_EVENTS));
  const [events, setEvents] = useState<string[]>(initialEvents.filter((event) => event !== ALL_EVENTS));
  const [localError, setLocalError] = useState<string | undefined>();

  const toggle = (event: string, checked: boolean) =>
    setEvents((was) => (checked ? [...was, event] : was.filter((e) => e !== event)));

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!all && events.length === 0) {
      setLocalError('Pick at least one event, or All events.');
      return;
    }
    setLocalError(undefined);
    onSubmit({ url: url.trim(), events: all ? [ALL_EVENTS] : WEBHOOK_EVENTS.filter((e) => events.includes(e)) });
  };

  const eventsError = localError ?? fieldError(error, 'events');
  return (
    <form onSubmit={submit} noValidate>
      {formLevelError(error) && (
        <p className="form-error" role="alert">
          {formLevelError(error)}
        </p>
      )}
      <FormField label="Payload URL" hint="Orbit POSTs each event here, signed with the webhook's secret." error={fieldError(error, 'url')}>
        {(control) => (
          <Input
            {...control}
            name="url"
            data-autofocus
            type="url"
            inputMode="url"
            placeholder="https://example.com/orbit-events"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            required
          />
        )}
      </FormField>
      <fieldset className="checkbox-grid" aria-describedby={eventsError ? 'webhook-events-error' : undefined}>
        <legend>Events</legend>
        <label className="checkbox">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> All events
        </label>
        {WEBHOOK_EVENTS.map((name) => (
          <label key={name} className="checkbox">
            <input
              type="checkbox"
              disabled={all}
              checked={all || events.includes(name)}
              onChange={(e) => toggle(name, e.target.checked)}
            />{' '}
            <span className="mono">{name}</span>
          </label>
        ))}
      </fieldset>
      {eventsError && (
        <p id="webhook-events-error" className="field-error" role="alert">
          {eventsError}
        </p>
      )}
      <div className="form-actions">
        {onCancel && (
          <Button variant="secondary" onClick={onCancel}>
            Cancel
          </Button>
        )}
        <Button type="submit" busy={busy}>
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}
