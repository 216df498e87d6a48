import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { Button } from '../atoms/Button';
import { Input } from '../atoms/Input';
import { Textarea } from '../atoms/Textarea';
import { Dialog } from '../molecules/Dialog';
import { FormField } from '../molecules/FormField';
import { useCreateProject } from '../../features/projects/hooks';
import { fieldError, formLevelError, problemCode } from '../../ui/problemMessage';
import { useToast } from '../../ui/toast';

const KEY_HINT = '2–10 letters and digits, starting with a letter (e.g. WEB). Task keys look like WEB-12.';

/** "New project": key, name, description; the API's field errors appear on their fields. */
export function CreateProjectDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  const create = useCreateProject();
  const navigate = useNavigate();
  const toast = useToast();
  const [key, setKey] = useState('');

  const close = () => {
    create.reset();
    setKey('');
    onClose();
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const description = String(form.get('description') ?? '').trim();
    create.mutate(
      { key: key.trim(), name: String(form.get('name') ?? '').trim(), description: description || null },
      {
        onSuccess: (project) => {
          toast.show(`Project ${project.key} created`, { tone: 'success' });
          close();
          void navigate(`/projects/${project.id}/board`);
        },
      },
    );
  };

  // A taken key is a 409 without field errors; it belongs on the key field all the same.
  const keyError =
    fieldError(create.error, 'key') ?? (problemCode(create.error) === 'projects.key_taken' ? formLevelError(create.error) : undefined);
  const formError = problemCode(create.error) === 'projects.key_taken' ? undefined : formLevelError(create.error);

  return (
    <Dialog open={open} title="New project" onClose={close}>
      <form onSubmit={onSubmit} noValidate>
        {formError && (
          <p className="form-error" role="alert">
            {formError}
          </p>
        )}
        <FormField label="Key" hint={KEY_HINT} error={keyError}>
          {(control) => (
            <Input
              {...control}
              name="key"
              data-autofocus
              value={key}
              onChange={(event) => setKey(event.target.value.toUpperCase())}
              autoComplete="off"
              maxLength={10}
              required
            />
          )}
        </FormField>
        <FormField label="Name" error={fieldError(create.error, 'name')}>
          {(control) => <Input {...control} name="name" autoComplete="off" required />}
        </FormField>
        <FormField label="Description" hint="Optional" error={fieldError(create.error, 'description')}>
          {(control) => <Textarea {...control} name="description" rows={3} />}
        </FormField>
        <div className="form-actions">
          <Button variant="secondary" onClick={close}>
            Cancel
          </Button>
          <Button type="submit" busy={create.isPending}>
            Create project
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
