-- What audit reads hide from project members (docs/adr/0009-hidden-content-in-audit-reads.md): tasks in the trash and
-- deleted comments. Audit reads no other schema, so it keeps this itself from the events it records (task.deleted,
-- task.restored, comment.deleted), updated in the transaction that appends the event's row. Unlike audit.entries
-- these rows change (a restore removes one); they are derived state, not part of the hash chain.
create table audit.trashed_tasks (
    task_id     uuid primary key,
    project_id  uuid not null
);

-- Comments cannot be restored, so a row here is for good.
create table audit.deleted_comments (
    comment_id  uuid primary key,
    task_id     uuid not null
);

-- The state of the trail recorded so far: a task is in the trash when its latest delete-or-restore is a delete.
insert into audit.trashed_tasks (task_id, project_id)
select latest.task_id, latest.project_id
from (
    select distinct on (e.task_id) e.task_id, e.project_id, e.event_type
    from audit.entries e
    where e.event_type in ('task.deleted', 'task.restored')
    order by e.task_id, e.id desc
) latest
where latest.event_type = 'task.deleted';

insert into audit.deleted_comments (comment_id, task_id)
select distinct on (e.entity_id) e.entity_id, e.task_id
from audit.entries e
where e.event_type = 'comment.deleted'
order by e.entity_id, e.id;
