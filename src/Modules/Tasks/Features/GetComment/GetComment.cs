using Dapper;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Projects.Contracts;
using Orbit.Modules.Tasks.Authorization;
using Orbit.Modules.Tasks.Comments;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Results;
using Orbit.Modules.Tasks.Resources;

namespace Orbit.Modules.Tasks.Features.GetComment;

/// <summary>One comment, where adding one points (<c>Location</c>). Anyone who may read the task may read it.</summary>
internal sealed record GetCommentQuery(Guid CommentId) : IQuery<Result<CommentResponse>>, ICommentRequest
{
    public ProjectRole AuthorRole => ProjectRole.Viewer;

    public ProjectRole? OthersRole => ProjectRole.Viewer;

    public bool Changes => false;
}

internal sealed class GetCommentHandler(IDbSession session, AuthorizedRows authorized) : IQueryHandler<GetCommentQuery, Result<CommentResponse>>
{
    // Primary keys of comments and tasks. Deleted comments, and comments of deleted tasks, are gone for readers, as in
    // the comment list.
    private const string Sql = $"""
        select {CommentResponse.Columns}
        from tasks.comments c
        join tasks.tasks t on t.id = c.task_id
        where c.id = @CommentId and c.deleted_at is null and t.deleted_at is null
        """;

    public async ValueTask<Result<CommentResponse>> Handle(GetCommentQuery query, CancellationToken cancellationToken)
    {
        // The authorizer has just read it, with the same conditions: answer from that (one statement per read).
        if (authorized.Comment is { } read && read.Id == query.CommentId)
        {
            return read;
        }

        var connection = await session.OpenAsync(cancellationToken);
        var comment = await connection.QuerySingleOrDefaultAsync<CommentResponse>(new CommandDefinition(Sql, new { query.CommentId }, cancellationToken: cancellationToken));
        return comment is null ? TaskErrors.CommentNotFound : comment;
    }
}

internal sealed class GetCommentEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapGet("comments/{commentId:guid}", async (Guid commentId, ISender sender, HttpContext context, CancellationToken cancellationToken) =>
                (await sender.Send(new GetCommentQuery(commentId), cancellationToken)).Match(comment => Versioning.Ok(comment, comment.Version, context), ApiResults.Problem))
            .WithTags("Comments")
            .WithName("GetComment")
            .WithSummary("One comment, with its version as ETag (viewer)")
            .RequireAuthorization()
            .Produces<CommentResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
