import { useState, type FormEvent } from 'react';
import { useSession } from '../../session/context';
import { useAddComment, useComments, useDeleteComment, useEditComment } from '../../features/tasks/hooks';
import { type Comment } from '../../features/tasks/types';
import { useToast } from '../../ui/toast';
import { Avatar } from '../atoms/Avatar';
import { Button } from '../atoms/Button';
import { MentionTextarea, type MentionPerson } from '../molecules/MentionTextarea';

/** Comments of a task, oldest first: add (with @mentions), edit and delete your own. */
export function CommentThread({ taskKey, people, nameOf }: { taskKey: string; people: MentionPerson[]; nameOf(id: string): string }) {
  const comments = useComments(taskKey);
  const add = useAddComment(taskKey);
  const [draft, setDraft] = useState('');
  const items = comments.data?.pages.flatMap((p) => p.items) ?? [];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!draft.trim()) return;
    add.mutate(draft.trim(), { onSuccess: () => setDraft('') });
  };

  return (
    <section aria-labelledby="comments-heading" className="task-section">
      <h2 id="comments-heading">Comments</h2>
      {comments.isPending && <p className="muted">Loading comments…</p>}
      {comments.isError && <p role="alert">Could not load the comments: {comments.error.message}</p>}
      {comments.isSuccess && items.length === 0 && <p className="muted">No comments yet.</p>}
      <ol className="comments">
        {items.map((comment) => (
          <CommentItem key={comment.id} comment={comment} taskKey={taskKey} people={people} nameOf={nameOf} />
        ))}
      </ol>
      {comments.hasNextPage && (
        <Button variant="secondary" onClick={() => void comments.fetchNextPage()} busy={comments.isFetchingNextPage}>
          Show more comments
        </Button>
      )}
      <form onSubmit={submit} className="stack comment-form">
        <label htmlFor="new-comment" className="label">
          Add a comment
        </label>
        <MentionTextarea
          id="new-comment"
          rows={3}
          value={draft}
          onValueChange={setDraft}
          people={people}
          placeholder="Write a comment; type @ to mention someone"
          aria-describedby={add.isError ? 'new-comment-error' : undefined}
        />
        {add.isError && (
          <p id="new-comment-error" className="field-error">
            {add.error.message}
          </p>
        )}
        <div>
          <Button type="submit" busy={add.isPending} disabled={!draft.trim()}>
            Comment
          </Button>
        </div>
      </form>
    </section>
  );
}

function CommentItem({ comment, taskKey, people, nameOf }: { comment: Comment; taskKey: string; people: MentionPerson[]; nameOf(id: string): string }) {
  const { user } = useSession();
  const toast = useToast();
  const edit = useEditComment(taskKey);
  const remove = useDeleteComment(taskKey);
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(comment.body);
  const mine = user?.id === comment.authorId;
  const author = nameOf(comment.authorId);
  const created = comment.createdAt;
  const edited = comment.updatedAt !== created;

  return (
    <li className="comment">
      <header className="comment__header">
        <Avatar name={author} decorative />
        <strong>{author}</strong>
        <time className="muted" dateTime={created}>
          {new Date(created).toLocaleString()}
        </time>
        {edited && <span className="muted">(edited)</span>}
      </header>
      {editing ? (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            edit.mutate(
              { comment, body: text.trim() },
              {
                onSuccess: () => setEditing(false),
                onError: (error) => toast.show(`Could not save the comment: ${error.message}`, { tone: 'error' }),
              },
            );
          }}
        >
          <MentionTextarea aria-label="Edit comment" rows={3} value={text} onValueChange={setText} people={people} />
          <div className="button-row">
            <Button type="submit" busy={edit.isPending} disabled={!text.trim()}>
              Save
            </Button>
            <Button variant="secondary" onClick={() => setEditing(false)}>
              Cancel
            </Button>
          </div>
        </form>
      ) : (
        <p className="comment__body">{comment.body}</p>
      )}
      {mine && !editing && (
        <div className="button-row">
          <Button
            variant="ghost"
            onClick={() => {
              setText(comment.body);
              setEditing(true);
            }}
          >
            Edit<span className="visually-hidden"> comment</span>
          </Button>
          <Button
            variant="ghost"
            busy={remove.isPending}
            onClick={() => {
              if (!window.confirm('Delete this comment?')) return;
              remove.mutate(comment, { onError: (error) => toast.show(`Could not delete the comment: ${error.message}`, { tone: 'error' }) });
            }}
          >
            Delete<span className="visually-hidden"> comment</span>
          </Button>
        </div>
      )}
    </li>
  );
}
