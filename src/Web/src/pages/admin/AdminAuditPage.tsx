import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Badge } from '../../components/atoms/Badge';
import { Button } from '../../components/atoms/Button';
import { DateTime } from '../../components/atoms/DateTime';
import { Input } from '../../components/atoms/Input';
import { Select } from '../../components/atoms/Select';
import { AdminNav } from '../../components/molecules/AdminNav';
import { FormField } from '../../components/molecules/FormField';
import { LoadMore } from '../../components/molecules/LoadMore';
import { QueryState } from '../../components/molecules/QueryState';
import { AUDIT_ENTITY_TYPES, isAuditEntityType, useAuditEntries, useVerifyAuditChain, type AuditFilter } from '../../features/admin/hooks';
import { fieldError, problemMessage } from '../../ui/problemMessage';
import '../../styles/workspace.css';

const FILTER_NAMES = ['actorId', 'action', 'entityType', 'entityId', 'from', 'to'] satisfies (keyof AuditFilter)[];

/** A date input's yyyy-mm-dd as the start of that day (local time), as an ISO instant. */
function startOfDay(date: string | null, plusDays = 0): string | undefined {
  if (!date) return undefined;
  const parsed = new Date(`${date}T00:00:00`);
  if (Number.isNaN(parsed.getTime())) return undefined;
  parsed.setDate(parsed.getDate() + plusDays);
  return parsed.toISOString();
}

export function AdminAuditPage() {
  const [params, setParams] = useSearchParams();
  // The URL holds the filters (shareable, survives reload); dates are whole days, "to" inclusive for people.
  const entityType = params.get('entityType');
  const filter: AuditFilter = {
    actorId: params.get('actorId') || undefined,
    action: params.get('action') || undefined,
    entityType: isAuditEntityType(entityType) ? entityType : undefined,
    entityId: params.get('entityId') || undefined,
    from: startOfDay(params.get('from')),
    to: startOfDay(params.get('to'), 1),
  };
  const entries = useAuditEntries(filter);
  const items = entries.data?.pages.flatMap((page) => page.items) ?? [];

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next: Record<string, string> = {};
    for (const name of FILTER_NAMES) {
      const value = String(form.get(name) ?? '').trim();
      if (value) next[name] = value;
    }
    setParams(next, { replace: true });
  };

  return (
    <section aria-labelledby="audit-heading">
      <div className="page-header">
        <h1 id="audit-heading">Audit log</h1>
        <AdminNav />
      </div>
      <ChainCheck />
      <form className="filters" role="search" aria-label="Filter the audit log" onSubmit={onSubmit} key={params.toString()}>
        <FormField label="Actor (user id)" error={fieldError(entries.error, 'actorId')}>
          {(control) => <Input {...control} name="actorId" defaultValue={params.get('actorId') ?? ''} size={20} />}
        </FormField>
        <FormField label="Event type" error={fieldError(entries.error, 'action')}>
          {(control) => (
            <Input {...control} name="action" placeholder="task.updated" defaultValue={params.get('action') ?? ''} size={14} />
          )}
        </FormField>
        <FormField label="Entity" error={fieldError(entries.error, 'entityType')}>
          {(control) => (
            <Select {...control} name="entityType" defaultValue={params.get('entityType') ?? ''}>
              <option value="">Any</option>
              {AUDIT_ENTITY_TYPES.map((type) => (
                <option key={type} value={type}>
                  {type}
                </option>
              ))}
            </Select>
          )}
        </FormField>
        <FormField label="Entity id" error={fieldError(entries.error, 'entityId')}>
          {(control) => <Input {...control} name="entityId" defaultValue={params.get('entityId') ?? ''} size={20} />}
        </FormField>
        <FormField label="From" error={fieldError(entries.error, 'from')}>
          {(control) => <Input {...control} name="from" type="date" defaultValue={params.get('from') ?? ''} />}
        </FormField>
        <FormField label="To" error={fieldError(entries.error, 'to')}>
          {(control) => <Input {...control} name="to" type="date" defaultValue={params.get('to') ?? ''} />}
        </FormField>
        <Button type="submit">Apply filters</Button>
        <Button variant="ghost" onClick={() => setParams({}, { replace: true })}>
          Clear
        </Button>
      </form>
      <QueryState
        isPending={entries.isPending}
        isError={entries.isError}
        error={entries.error}
        what="the audit log"
        onRetry={() => void entries.refetch()}
      >
        {items.length === 0 ? (
          <div className="empty-state">
            <p>No audit entries match these filters.</p>
          </div>
        ) : (
          <table className="data-table">
            <caption className="visually-hidden">Audit entries, newest first</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">Entity</th>
                <th scope="col">Actor</th>
                <th scope="col">Changes</th>
              </tr>
            </thead>
            <tbody>
              {items.map((entry) => (
                <tr key={String(entry.id)}>
                  <td className="mono">{String(entry.id)}</td>
                  <td>
                    <DateTime value={entry.occurredAt} />
                  </td>
                  <td className="mono">{entry.action}</td>
                  <td>
                    {entry.entityType}{' '}
                    <Link
                      className="mono"
                      to={`?entityType=${encodeURIComponent(entry.entityType)}&entityId=${encodeURIComponent(entry.entityId)}`}
                      aria-label={`Only ${entry.entityType} ${entry.taskKey ?? entry.entityId}`}
                    >
                      {entry.taskKey ?? entry.entityId}
                    </Link>
                  </td>
                  <td className="mono">
                    {entry.actorId ? (
                      <Link to={`?actorId=${encodeURIComponent(entry.actorId)}`} aria-label={`Only actor ${entry.actorId}`}>
                        {entry.actorId}
                      </Link>
                    ) : (
                      <span className="muted">system</span>
                    )}
                  </td>
                  <td>
                    {entry.changes === null || entry.changes === undefined ? (
                      <span className="muted">—</span>
                    ) : (
                      <ul className="changes">
                        {Object.entries(entry.changes).map(([field, change]) => (
                          <li key={field}>
                            <span className="mono">{field}</span>: {showValue(change.before)} → {showValue(change.after)}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <LoadMore hasMore={entries.hasNextPage} loading={entries.isFetchingNextPage} onLoadMore={() => void entries.fetchNextPage()} />
      </QueryState>
    </section>
  );
}

/** A field's value in a change: text, a list, or "none". */
function showValue(value: string | readonly string[] | null): string {
  if (value === null) return 'none';
  if (typeof value === 'string') return value === '' ? '""' : value;
  return value.length === 0 ? '[]' : value.join(', ');
}

/** "Verify the chain": recomputes every entry's hash on the server and says whether the log was tampered with. */
function ChainCheck() {
  const verify = useVerifyAuditChain();
  const [checkedAt, setCheckedAt] = useState<Date | null>(null);
  const result = verify.data;
  return (
    <div className="panel" aria-labelledby="chain-heading">
      <div className="page-header">
        <h2 id="chain-heading">Tamper evidence</h2>
        <Button variant="secondary" busy={verify.isPending} onClick={() => verify.mutate(undefined, { onSuccess: () => setCheckedAt(new Date()) })}>
          Verify chain
        </Button>
      </div>
      <p className="muted">Each audit entry carries a hash of the one before it; verifying recomputes the whole chain.</p>
      <div role="status">
        {verify.isError && <p className="form-error">Could not verify: {problemMessage(verify.error)}</p>}
        {result &&
          (result.valid ? (
            <p>
              <Badge tone="success">Valid</Badge> {result.checkedRows} entries checked
              {checkedAt && <> at {checkedAt.toLocaleTimeString()}</>}.
            </p>
          ) : (
            <p>
              <Badge tone="danger">Broken</Badge> The chain is broken at entry {String(result.firstBrokenId ?? '?')}: it or an
              earlier entry was changed after it was written.
            </p>
          ))}
      </div>
    </div>
  );
}
