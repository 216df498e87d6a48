import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useProjectPages } from '../../features/projects/hooks';
import { Badge } from '../../components/atoms/Badge';
import { Button } from '../../components/atoms/Button';
import { LoadMore } from '../../components/molecules/LoadMore';
import { QueryState } from '../../components/molecules/QueryState';
import { CreateProjectDialog } from '../../components/organisms/CreateProjectDialog';
import '../../styles/workspace.css';

export function ProjectsPage() {
  const [params, setParams] = useSearchParams();
  const archived = params.get('archived') === 'true';
  const projects = useProjectPages({ archived });
  const [creating, setCreating] = useState(false);
  const items = projects.data?.pages.flatMap((page) => page.items) ?? [];

  const show = (nextArchived: boolean) => setParams(nextArchived ? { archived: 'true' } : {}, { replace: true });

  return (
    <section aria-labelledby="projects-heading">
      <div className="page-header">
        <h1 id="projects-heading">Projects</h1>
        <Button onClick={() => setCreating(true)}>New project</Button>
      </div>
      <div className="segmented" role="group" aria-label="Which projects">
        <Button variant={archived ? 'ghost' : 'secondary'} aria-pressed={!archived} onClick={() => show(false)}>
          Active
        </Button>
        <Button variant={archived ? 'secondary' : 'ghost'} aria-pressed={archived} onClick={() => show(true)}>
          Archived
        </Button>
      </div>
      <QueryState
        isPending={projects.isPending}
        isError={projects.isError}
        error={projects.error}
        what="your projects"
        onRetry={() => void projects.refetch()}
      >
        {items.length === 0 ? (
          <div className="empty-state">
            <p>{archived ? 'No archived projects.' : 'You are not a member of any project yet.'}</p>
            {!archived && <Button onClick={() => setCreating(true)}>Create your first project</Button>}
          </div>
        ) : (
          <ul className="card-list">
            {items.map((project) => (
              <li key={project.id} className="card">
                <Link to={`/projects/${project.id}/board`}>
                  <strong>{project.name}</strong> <span className="muted">{project.key}</span>
                </Link>
                {project.archivedAt ? <Badge tone="warning">Archived</Badge> : null}
                {project.description && <p className="muted">{project.description}</p>}
              </li>
            ))}
          </ul>
        )}
        <LoadMore
          hasMore={projects.hasNextPage}
          loading={projects.isFetchingNextPage}
          onLoadMore={() => void projects.fetchNextPage()}
          label="Load more projects"
        />
      </QueryState>
      <CreateProjectDialog open={creating} onClose={() => setCreating(false)} />
    </section>
  );
}
