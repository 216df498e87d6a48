import { useRef } from 'react';
import { Link, useMatch } from 'react-router';
import { useProjects } from '../../features/projects/hooks';
import '../../styles/workspace.css';

/**
 * The header's project switcher: the current project (from the URL) and a list of the user's active projects.
 * A disclosure of links: Tab/Enter work as everywhere, Escape closes and returns focus to the toggle.
 */
export function ProjectSwitcher() {
  const match = useMatch('/projects/:projectId/*');
  const currentId = match?.params.projectId;
  const projects = useProjects({ archived: false });
  const details = useRef<HTMLDetailsElement>(null);
  const current = projects.data?.items.find((project) => project.id === currentId);

  const close = () => {
    if (!details.current) return;
    details.current.open = false;
    details.current.querySelector('summary')?.focus();
  };

  return (
    <details
      ref={details}
      className="user-menu project-switcher"
      onKeyDown={(event) => {
        if (event.key === 'Escape' && details.current?.open) {
          event.stopPropagation();
          close();
        }
      }}
    >
      <summary className="btn btn--ghost">
        <span className="visually-hidden">Switch project: </span>
        {current ? (
          <>
            <span className="muted">{current.key}</span> {current.name}
          </>
        ) : (
          'Projects'
        )}{' '}
        <span aria-hidden="true">▾</span>
      </summary>
      <div className="user-menu__panel">
        {projects.isPending && <p className="muted">Loading projects…</p>}
        {projects.isError && <p role="alert">Could not load projects.</p>}
        {projects.data && (
          <ul className="notification-list" aria-label="Your projects">
            {projects.data.items.map((project) => (
              <li key={project.id}>
                <Link
                  to={`/projects/${project.id}/board`}
                  aria-current={project.id === currentId ? 'page' : undefined}
                  onClick={close}
                >
                  <span className="muted">{project.key}</span> {project.name}
                </Link>
              </li>
            ))}
          </ul>
        )}
        <p>
          <Link to="/projects" onClick={close}>
            All projects
          </Link>
        </p>
      </div>
    </details>
  );
}
