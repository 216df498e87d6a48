import { useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { ApiError } from '../../api/problem';
import { Badge } from '../../components/atoms/Badge';
import { Button } from '../../components/atoms/Button';
import { DateTime } from '../../components/atoms/DateTime';
import { Input } from '../../components/atoms/Input';
import { Textarea } from '../../components/atoms/Textarea';
import { ConfirmDialog } from '../../components/molecules/ConfirmDialog';
import { FormField } from '../../components/molecules/FormField';
import { QueryState } from '../../components/molecules/QueryState';
import { ProjectNav } from '../../components/organisms/ProjectNav';
import { atLeast, useMyProjectRole } from '../../features/members/hooks';
import {
  useArchiveProject,
  useProject,
  useRestoreProject,
  useUpdateProject,
  type Project,
} from '../../features/projects/hooks';
import { fieldError, formLevelError, problemMessage } from '../../ui/problemMessage';
import { useToast } from '../../ui/toast';
import '../../styles/workspace.css';

export function ProjectSettingsPage() {
  const { projectId = '' } = useParams();
  const project = useProject(projectId);
  const { role } = useMyProjectRole(projectId);
  // Owned here, not by the form: a save bumps the version, which remounts the form with the saved values.
  const update = useUpdateProject(projectId);

  return (
    <>
      <ProjectNav projectId={projectId} />
      <section aria-labelledby="settings-heading">
        <h2 id="settings-heading">Project settings</h2>
        <QueryState
          isPending={project.isPending}
          isError={project.isError}
          error={project.error}
          what="the project"
          onRetry={() => void project.refetch()}
        >
          {project.data && (
            <>
              <DetailsForm
                key={String(project.data.version)}
                project={project.data}
                update={update}
                canEdit={atLeast(role, 'maintainer')}
              />
              <ArchivePanel project={project.data} canArchive={atLeast(role, 'owner')} />
            </>
          )}
        </QueryState>
      </section>
    </>
  );
}

function DetailsForm({
  project,
  update,
  canEdit,
}: {
  project: Project;
  update: ReturnType<typeof useUpdateProject>;
  canEdit: boolean;
}) {
  const toast = useToast();
  const readOnly = !canEdit || project.archivedAt !== null;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const description = String(form.get('description') ?? '').trim();
    update.mutate(
      { version: project.version, name: String(form.get('name') ?? '').trim(), description: description || null },
      { onSuccess: () => toast.show('Project saved', { tone: 'success' }) },
    );
  };

  const stale = update.error instanceof ApiError && update.error.status === 412;
  return (
    <form className="panel" onSubmit={onSubmit} noValidate aria-labelledby="details-heading">
      <h3 id="details-heading">Details</h3>
      {readOnly && (
        <p className="muted">
          {project.archivedAt !== null
            ? 'The project is archived: restore it to edit.'
            : 'Only maintainers and owners can change the project.'}
        </p>
      )}
      {stale ? (
        <p className="inline-alert" role="alert">
          Someone else changed this project while you were editing. The form now shows their version; make your change
          again.
        </p>
      ) : (
        formLevelError(update.error) && (
          <p className="form-error" role="alert">
            {formLevelError(update.error)}
          </p>
        )
      )}
      <FormField label="Key" hint="Keys never change: task keys are built from it.">
        {(control) => <Input {...control} value={project.key} readOnly />}
      </FormField>
      <FormField label="Name" error={fieldError(update.error, 'name')}>
        {(control) => <Input {...control} name="name" defaultValue={project.name} readOnly={readOnly} required />}
      </FormField>
      <FormField label="Description" error={fieldError(update.error, 'description')}>
        {(control) => (
          <Textarea {...control} name="description" defaultValue={project.description ?? ''} rows={4} readOnly={readOnly} />
        )}
      </FormField>
      {!readOnly && (
        <div className="form-actions">
          <Button type="submit" busy={update.isPending}>
            Save changes
          </Button>
        </div>
      )}
    </form>
  );
}

function ArchivePanel({ project, canArchive }: { project: Project; canArchive: boolean }) {
  const archive = useArchiveProject(project.id);
  const restore = useRestoreProject(project.id);
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  const archived = project.archivedAt !== null;
  const pending = archive.isPending || restore.isPending;
  const error = archive.error ?? restore.error;

  const close = () => {
    archive.reset();
    restore.reset();
    setConfirming(false);
  };
  const confirm = () => {
    const done = {
      onSuccess: () => {
        toast.show(archived ? `${project.key} restored` : `${project.key} archived`, { tone: 'success' });
        close();
      },
    };
    if (archived) restore.mutate(undefined, done);
    else archive.mutate({ version: project.version }, done);
  };

  return (
    <div className="panel danger-zone" aria-labelledby="archive-heading">
      <h3 id="archive-heading">
        {archived ? 'Archived project' : 'Archive project'} {archived && <Badge tone="warning">Archived</Badge>}
      </h3>
      {archived ? (
        <p>
          Archived <DateTime value={project.archivedAt} />. Archived projects are read-only; restoring makes them
          editable again.
        </p>
      ) : (
        <p>Archiving makes the project and its tasks read-only. An owner can restore it at any time.</p>
      )}
      {canArchive ? (
        <Button variant={archived ? 'primary' : 'danger'} onClick={() => setConfirming(true)}>
          {archived ? 'Restore project' : 'Archive project'}
        </Button>
      ) : (
        <p className="muted">Only owners can archive or restore the project.</p>
      )}
      <ConfirmDialog
        open={confirming}
        title={archived ? `Restore ${project.name}?` : `Archive ${project.name}?`}
        confirmLabel={archived ? 'Restore' : 'Archive'}
        tone={archived ? 'primary' : 'danger'}
        busy={pending}
        error={error ? problemMessage(error) : undefined}
        onConfirm={confirm}
        onCancel={close}
      >
        <p>
          {archived
            ? 'Members can edit its tasks again once it is restored.'
            : 'Nobody can change its tasks until an owner restores it.'}
        </p>
      </ConfirmDialog>
    </div>
  );
}
