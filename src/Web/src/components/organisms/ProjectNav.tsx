import { NavLink } from 'react-router';
import { useProject } from '../../features/projects/hooks';

/**
 * The project's own navigation, shown at the top of every project page (board, list, trash, members, settings,
 * webhooks), so switching views keeps the project and the URL says where you are.
 */
export function ProjectNav({ projectId }: { projectId: string }) {
  const project = useProject(projectId);
  const base = `/projects/${projectId}`;
  return (
    <div className="project-nav">
      <h1 className="project-nav__title">
        {project.data ? (
          <>
            <span className="project-nav__key">{project.data.key}</span> {project.data.name}
          </>
        ) : (
          'Project'
        )}
      </h1>
      <nav aria-label="Project" className="project-nav__tabs">
        <NavLink to={`${base}/board`}>Board</NavLink>
        <NavLink to={`${base}/list`}>List</NavLink>
        <NavLink to={`${base}/trash`}>Trash</NavLink>
        <NavLink to={`${base}/members`}>Members</NavLink>
        <NavLink to={`${base}/webhooks`}>Webhooks</NavLink>
        <NavLink to={`${base}/settings`}>Settings</NavLink>
      </nav>
    </div>
  );
}
