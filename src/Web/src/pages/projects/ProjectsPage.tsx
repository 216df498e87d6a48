import { Link } from 'react-router';
import { useProjects } from '../../features/projects/hooks';
import { Spinner } from '../../components/atoms/Spinner';
import { Button } from '../../components/atoms/Button';

export function ProjectsPage() {
  const projects = useProjects();

  return (
    <section aria-labelledby="projects-heading">
      <h1 id="projects-heading">Projects</h1>
      {projects.isPending && <Spinner label="Loading projects" />}
      {projects.isError && (
        <div role="alert">
          <p>Could not load your projects: {projects.error.message}</p>
          <Button variant="secondary" onClick={() => void projects.refetch()}>
            Retry
          </Button>
        </div>
      )}
      {projects.isSuccess &&
        (projects.data.items.length === 0 ? (
          <p>You are not a member of any project yet.</p>
        ) : (
          <ul className="card-list">
            {projects.data.items.map((project) => (
              <li key={project.id} className="card">
                <Link to={`/projects/${project.id}/board`}>
                  <strong>{project.name}</strong> <span className="muted">{project.key}</span>
                </Link>
                {project.description && <p className="muted">{project.description}</p>}
              </li>
            ))}
          </ul>
        ))}
    </section>
  );
}
