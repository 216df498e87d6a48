namespace Orbit.Modules.Tasks.Comments;

internal sealed record CommentResponse(Guid Id, Guid TaskId, Guid AuthorId, string Body, DateTime CreatedAt, DateTime UpdatedAt, int Version)
{
    public const string Columns = """
        c.id as Id, c.task_id as TaskId, c.author_id as AuthorId, c.body as Body, c.created_at as CreatedAt,
        c.updated_at as UpdatedAt, c.version as Version
        """;
}
