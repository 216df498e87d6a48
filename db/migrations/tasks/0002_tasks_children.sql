-- Serves GET /projects/{id}/tasks?parentId=... (a task's subtasks, live ones, keyset on id). tasks_parent covers
-- every row with a parent, deleted ones included, for the parent checks; this one gives the list its order.
create index tasks_children on tasks.tasks (parent_id, id) where deleted_at is null and parent_id is not null;
