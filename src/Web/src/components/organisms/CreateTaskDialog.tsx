import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { ApiError } from '../../api/problem';
import { useCreateTask } from '../../features/tasks/hooks';
import {
  isPriority,
  isStatus,
  PRIORITIES,
  priorityLabel,
  STATUSES,
  statusLabel,
  type TaskPriority,
  type TaskStatus,
} from '../../features/tasks/types';
import { useToast } from '../../ui/toast';
import { Button } from '../atoms/Button';
import { Input } from '../atoms/Input';
import { Select } from '../atoms/Select';
import { Textarea } from '../atoms/Textarea';
import { Dialog } from '../molecules/Dialog';
import { FormField } from '../molecules/FormField';
import { useMembers } from '../../features/members/hooks';

export function parseLabels(text: string): string[] {
  return [...new Set(text.split(',').map((l) => l.trim()).filter(Boolean))];
}

/** New task: only the title is required; the API's field errors appear under their fields. */
export function CreateTaskDialog({
  projectId,
  open,
  onClose,
  initialStatus = 'todo',
  parentId = null,
}: {
  projectId: string;
  open: boolean;
  onClose(): void;
  initialStatus?: TaskStatus;
  parentId?: string | null;
}) {
  const create = useCreateTask(projectId);
  const members = useMembers(open ? projectId : '');
  const toast = useToast();
  const navigate = useNavigate();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [status, setStatus] = useState<TaskStatus>(initialStatus);
  const [priority, setPriority] = useState<TaskPriority>('none');
  const [assigneeId, setAssigneeId] = useState('');
  const [labels, setLabels] = useState('');
  const [dueDate, setDueDate] = useState('');
  const [localError, setLocalError] = useState<string | undefined>();

  const error = create.error instanceof ApiError ? create.error : null;
  const fieldError = (field: string) => error?.fieldError(field);

  const reset = () => {
    setTitle('');
    setDescription('');
    setStatus(initialStatus);
    setPriority('none');
    setAssigneeId('');
    setLabels('');
    setDueDate('');
    setLocalError(undefined);
    create.reset();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!title.trim()) {
      setLocalError('Give the task a title.');
      return;
    }
    setLocalError(undefined);
    create.mutate(
      {
        title: title.trim(),
        description: description.trim() || null,
        status,
        priority,
        assigneeId: assigneeId || null,
        labels: parseLabels(labels),
        dueDate: dueDate || null,
        parentId,
      },
      {
        onSuccess: (task) => {
          toast.show(`Created ${task.key}`, { tone: 'success' });
          reset();
          onClose();
          if (parentId) return;
          void navigate(`/tasks/${task.key}`);
        },
      },
    );
  };

  const close = () => {
    reset();
    onClose();
  };

  return (
    <Dialog
      open={open}
      title={parentId ? 'New subtask' : 'New task'}
      onClose={close}
      footer={
        <>
          <Button variant="secondary" onClick={close}>
            Cancel
          </Button>
          <Button type="submit" form="create-task-form" busy={create.isPending}>
            Create task
          </Button>
        </>
      }
    >
      <form id="create-task-form" className="stack" onSubmit={submit} noValidate>
        {error && !Object.keys(error.errors).length && (
          <p className="form-error" role="alert">
            {error.detail ?? error.title}
          </p>
        )}
        <FormField label="Title" error={localError ?? fieldError('title')}>
          {(control) => <Input {...control} value={title} required onChange={(e) => setTitle(e.target.value)} />}
        </FormField>
        <FormField label="Description" error={fieldError('description')}>
          {(control) => <Textarea {...control} rows={4} value={description} onChange={(e) => setDescription(e.target.value)} />}
        </FormField>
        <div className="form-row">
          <FormField label="Status" error={fieldError('status')}>
            {(control) => (
              <Select {...control} value={status} onChange={(e) => isStatus(e.target.value) && setStatus(e.target.value)}>
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {statusLabel(s)}
                  </option>
                ))}
              </Select>
            )}
          </FormField>
          <FormField label="Priority" error={fieldError('priority')}>
            {(control) => (
              <Select {...control} value={priority} onChange={(e) => isPriority(e.target.value) && setPriority(e.target.value)}>
                {PRIORITIES.map((p) => (
                  <option key={p} value={p}>
                    {priorityLabel(p)}
                  </option>
                ))}
              </Select>
            )}
          </FormField>
        </div>
        <div className="form-row">
          <FormField label="Assignee" error={fieldError('assigneeId')}>
            {(control) => (
              <Select {...control} value={assigneeId} onChange={(e) => setAssigneeId(e.target.value)}>
                <option value="">Unassigned</option>
                {members.data?.map((m) => (
                  <option key={m.userId} value={m.userId}>
                    {m.displayName ?? m.userId}
                  </option>
                ))}
              </Select>
            )}
          </FormField>
          <FormField label="Due date" error={fieldError('dueDate')}>
            {(control) => <Input {...control} type="date" value={dueDate} onChange={(e) => setDueDate(e.target.value)} />}
          </FormField>
        </div>
        <FormField label="Labels" hint="Comma-separated, e.g. bug, ui" error={fieldError('labels')}>
          {(control) => <Input {...control} value={labels} onChange={(e) => setLabels(e.target.value)} />}
        </FormField>
      </form>
    </Dialog>
  );
}
