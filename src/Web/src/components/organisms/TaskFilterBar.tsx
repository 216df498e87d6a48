import { useEffect, useState } from 'react';
import type { TaskListFilter } from '../../features/tasks/filters';
import {
  isSort,
  PRIORITIES,
  priorityLabel,
  SORTS,
  sortLabel,
  STATUSES,
  statusLabel,
  type Member,
  type TaskPriority,
  type TaskStatus,
} from '../../features/tasks/types';
import { Button } from '../atoms/Button';
import { Input } from '../atoms/Input';
import { Select } from '../atoms/Select';

const SEARCH_DELAY_MS = 300;

function toggle<T>(values: T[], value: T): T[] {
  return values.includes(value) ? values.filter((v) => v !== value) : [...values, value];
}

/** Every filter, sort and the search of the task list; each change goes straight to the URL through onChange. */
export function TaskFilterBar({
  filter,
  members,
  onChange,
  onClear,
}: {
  filter: TaskListFilter;
  members: Member[];
  onChange(next: TaskListFilter, options?: { replace?: boolean }): void;
  onClear(): void;
}) {
  const [q, setQ] = useState(filter.q);
  // Back/forward changes the URL under us: show what it says.
  useEffect(() => setQ(filter.q), [filter.q]);
  useEffect(() => {
    if (q === filter.q) return;
    const timer = setTimeout(() => onChange({ ...filter, q }, { replace: true }), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [q, filter, onChange]);

  return (
    <form className="filter-bar" role="search" aria-label="Filter tasks" onSubmit={(e) => e.preventDefault()}>
      <label className="filter-bar__field filter-bar__search">
        <span className="label">Search</span>
        <Input type="search" value={q} placeholder="Title or description" onChange={(e) => setQ(e.target.value)} />
      </label>
      <fieldset className="filter-bar__group">
        <legend className="label">Status</legend>
        {STATUSES.map((s: TaskStatus) => (
          <label key={s} className="check">
            <input type="checkbox" checked={filter.status.includes(s)} onChange={() => onChange({ ...filter, status: toggle(filter.status, s) })} />
            {statusLabel(s)}
          </label>
        ))}
      </fieldset>
      <fieldset className="filter-bar__group">
        <legend className="label">Priority</legend>
        {PRIORITIES.map((p: TaskPriority) => (
          <label key={p} className="check">
            <input
              type="checkbox"
              checked={filter.priority.includes(p)}
              onChange={() => onChange({ ...filter, priority: toggle(filter.priority, p) })}
            />
            {priorityLabel(p)}
          </label>
        ))}
      </fieldset>
      <label className="filter-bar__field">
        <span className="label">Assignee</span>
        <Select value={filter.assignee} onChange={(e) => onChange({ ...filter, assignee: e.target.value })}>
          <option value="">Anyone</option>
          <option value="me">Me</option>
          <option value="none">Nobody (unassigned)</option>
          {members.map((m) => (
            <option key={m.userId} value={m.userId}>
              {m.displayName ?? m.userId}
            </option>
          ))}
        </Select>
      </label>
      <label className="filter-bar__field">
        <span className="label">Label</span>
        <Input value={filter.label} onChange={(e) => onChange({ ...filter, label: e.target.value.trim() }, { replace: true })} />
      </label>
      <label className="filter-bar__field">
        <span className="label">Due before</span>
        <Input type="date" value={filter.dueBefore} onChange={(e) => onChange({ ...filter, dueBefore: e.target.value })} />
      </label>
      <label className="filter-bar__field">
        <span className="label">Updated since</span>
        <Input type="date" value={filter.updatedSince} onChange={(e) => onChange({ ...filter, updatedSince: e.target.value })} />
      </label>
      <label className="filter-bar__field">
        <span className="label">Sort by</span>
        <Select value={filter.sort} onChange={(e) => isSort(e.target.value) && onChange({ ...filter, sort: e.target.value })}>
          {SORTS.map((s) => (
            <option key={s} value={s}>
              {sortLabel(s)}
            </option>
          ))}
        </Select>
      </label>
      <Button variant="secondary" className="filter-bar__clear" onClick={onClear}>
        Clear filters
      </Button>
    </form>
  );
}
