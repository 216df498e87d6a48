import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { useTask } from '../../features/tasks/hooks';
import { unwrap } from '../../api/problem';
import {
  isPriority,
  isStatus,
  PRIORITIES,
  priorityLabel,
  STATUSES,
  statusLabel,
  type Member,
  type Task,
  type TaskPatch,
} from '../../features/tasks/types';
import { Button } from '../atoms/Button';
import { Input } from '../atoms/Input';
import { Select } from '../atoms/Select';
import { Textarea } from '../atoms/Textarea';

interface FieldProps {
  task: Task;
  save(patch: TaskPatch): void;
  saving: boolean;
}

function Row({ label, htmlFor, children }: { label: string; htmlFor?: string; children: ReactNode }) {
  return (
    <div className="task-field">
      <label className="label" htmlFor={htmlFor}>
        {label}
      </label>
      <div>{children}</div>
    </div>
  );
}

/** The title, edited in place: Enter or leaving the field saves, Escape restores. */
export function TitleField({ task, save }: FieldProps) {
  const [title, setTitle] = useState(task.title);
  const commit = () => {
    const next = title.trim();
    if (next && next !== task.title) save({ title: next });
    else setTitle(task.title);
  };
  return (
    <Input
      className="task-title-input"
      aria-label="Title"
      value={title}
      onChange={(e) => setTitle(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
        if (e.key === 'Escape') setTitle(task.title);
      }}
    />
  );
}

export function DescriptionField({ task, save, saving }: FieldProps) {
  const [text, setText] = useState(task.description ?? '');
  const changed = text !== (task.description ?? '');
  return (
    <div className="stack">
      <label className="label" htmlFor="task-description">
        Description
      </label>
      <Textarea id="task-description" rows={6} value={text} onChange={(e) => setText(e.target.value)} placeholder="Add a description" />
      {changed && (
        <div className="button-row">
          <Button busy={saving} onClick={() => save({ description: text.trim() || null })}>
            Save description
          </Button>
          <Button variant="secondary" onClick={() => setText(task.description ?? '')}>
            Cancel
          </Button>
        </div>
      )}
    </div>
  );
}

export function PropertyFields({ task, save, members, saving }: FieldProps & { members: Member[] }) {
  return (
    <div className="task-properties">
      <Row label="Status" htmlFor="task-status">
        <Select id="task-status" value={task.status} disabled={saving} onChange={(e) => isStatus(e.target.value) && save({ status: e.target.value })}>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {statusLabel(s)}
            </option>
          ))}
        </Select>
      </Row>
      <Row label="Priority" htmlFor="task-priority">
        <Select id="task-priority" value={task.priority} disabled={saving} onChange={(e) => isPriority(e.target.value) && save({ priority: e.target.value })}>
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {priorityLabel(p)}
            </option>
          ))}
        </Select>
      </Row>
      <Row label="Assignee" htmlFor="task-assignee">
        <Select id="task-assignee" value={task.assigneeId ?? ''} disabled={saving} onChange={(e) => save({ assigneeId: e.target.value || null })}>
          <option value="">Unassigned</option>
          {members.map((m) => (
            <option key={m.userId} value={m.userId}>
              {m.displayName ?? m.userId}
            </option>
          ))}
        </Select>
      </Row>
      <Row label="Due date" htmlFor="task-due">
        <div className="inline">
          <Input id="task-due" type="date" value={task.dueDate ?? ''} disabled={saving} onChange={(e) => save({ dueDate: e.target.value || null })} />
          {task.dueDate && (
            <Button variant="ghost" aria-label="Clear the due date" onClick={() => save({ dueDate: null })}>
              ×
            </Button>
          )}
        </div>
      </Row>
      <LabelsField task={task} save={save} saving={saving} key={task.labels.join('\n')} />
      <ParentField task={task} save={save} saving={saving} key={task.parentId ?? ''} />
    </div>
  );
}

function LabelsField({ task, save, saving }: FieldProps) {
  const [text, setText] = useState('');
  const add = () => {
    const label = text.trim();
    if (!label || task.labels.includes(label)) return setText('');
    save({ labels: [...task.labels, label] });
  };
  return (
    <Row label="Labels" htmlFor="task-label-add">
      <ul className="label-list" aria-label="Labels">
        {task.labels.map((label) => (
          <li key={label} className="label-chip">
            {label}{' '}
            <button type="button" className="label-chip__remove" aria-label={`Remove label ${label}`} onClick={() => save({ labels: task.labels.filter((l) => l !== label) })}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <div className="inline">
        <Input
          id="task-label-add"
          placeholder="Add a label"
          value={text}
          disabled={saving}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add();
            }
          }}
        />
        <Button variant="secondary" onClick={add} disabled={!text.trim()}>
          Add
        </Button>
      </div>
    </Row>
  );
}

function ParentLink({ parentId }: { parentId: string }) {
  const parent = useTask(parentId);
  if (!parent.data) return <span className="muted">{parent.isError ? 'A task you cannot see' : 'Loading…'}</span>;
  return (
    <Link to={`/tasks/${parent.data.key}`}>
      {parent.data.key} {parent.data.title}
    </Link>
  );
}

/** The parent task, by key (ABC-12); the key is looked up to the id the API stores. */
function ParentField({ task, save, saving }: FieldProps) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const lookUp = async (idOrKey: string) => unwrap(await api.GET('/api/v1/tasks/{idOrKey}', { params: { path: { idOrKey } } }));

  const set = async () => {
    setError(null);
    try {
      const parent = await lookUp(key.trim().toUpperCase());
      if (parent.id === task.id) return setError('A task cannot be its own parent.');
      save({ parentId: parent.id });
    } catch {
      setError(`No task ${key.trim()} in your projects.`);
    }
  };

  return (
    <Row label="Parent task" htmlFor="task-parent">
      {task.parentId ? (
        <div className="inline">
          <ParentLink parentId={task.parentId} />
          <Button variant="ghost" disabled={saving} onClick={() => save({ parentId: null })}>
            Remove parent
          </Button>
        </div>
      ) : (
        <div className="inline">
          <Input
            id="task-parent"
            placeholder="e.g. ORB-12"
            value={key}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'task-parent-error' : undefined}
            onChange={(e) => setKey(e.target.value)}
          />
          <Button variant="secondary" disabled={!key.trim() || saving} onClick={() => void set()}>
            Set parent
          </Button>
        </div>
      )}
      {error && (
        <p id="task-parent-error" className="field-error">
          {error}
        </p>
      )}
    </Row>
  );
}
