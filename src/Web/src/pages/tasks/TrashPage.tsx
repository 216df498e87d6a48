import { useParams } from 'react-router';
import { Button } from '../../components/atoms/Button';
import { Spinner } from '../../components/atoms/Spinner';
import { ProjectNav } from '../../components/organisms/ProjectNav';
import { useRestoreTask, useTrash } from '../../features/tasks/hooks';
import { statusLabel } from '../../features/tasks/types';
import { useToast } from '../../ui/toast';
import '../../features/tasks/tasks.css';

export function TrashPage() {
  const { projectId = '' } = useParams();
  const trash = useTrash(projectId);
  const restore = useRestoreTask(projectId);
  const toast = useToast();
  const tasks = trash.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <section aria-labelledby="trash-heading">
      <ProjectNav projectId={projectId} />
      <h2 id="trash-heading" className="page-toolbar__title">
        Trash
      </h2>
      {trash.isPending && <Spinner label="Loading the trash" />}
      {trash.isError && (
        <div role="alert" className="form-error">
          Could not load the trash: {trash.error.message}{' '}
          <Button variant="secondary" onClick={() => void trash.refetch()}>
            Retry
          </Button>
        </div>
      )}
      {trash.isSuccess && tasks.length === 0 && <p className="muted">The trash is empty.</p>}
      {tasks.length > 0 && (
        <table className="trash-table">
          <caption className="visually-hidden">Deleted tasks</caption>
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Title</th>
              <th scope="col">Status</th>
              <th scope="col">Last changed</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tasks.map((task) => {
              const updated = task.updatedAt;
              return (
                <tr key={task.id}>
                  <td>{task.key}</td>
                  <td>{task.title}</td>
                  <td>{statusLabel(task.status)}</td>
                  <td><time dateTime={updated}>{new Date(updated).toLocaleString()}</time></td>
                  <td>
                    <Button
                      variant="secondary"
                      busy={restore.isPending && restore.variables === task.key}
                      aria-label={`Restore ${task.key}`}
                      onClick={() =>
                        restore.mutate(task.key, {
                          onSuccess: () => toast.show(`${task.key} restored`, { tone: 'success' }),
                          onError: (error) => toast.show(`Could not restore ${task.key}: ${error.message}`, { tone: 'error' }),
                        })
                      }
                    >
                      Restore
                    </Button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {trash.hasNextPage && (
        <Button variant="secondary" busy={trash.isFetchingNextPage} onClick={() => void trash.fetchNextPage()}>
          Show more
        </Button>
      )}
    </section>
  );
}
