using Dapper;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Identity;
using Orbit.Shared.Paging;
using Orbit.Shared.Results;

namespace Orbit.Modules.Identity.Features.PersonalAccessTokens;

internal sealed record PersonalAccessTokenResponse
{
    public required Guid Id { get; init; }

    public required string Name { get; init; }

    public required DateTime CreatedAt { get; init; }

    public required DateTime ExpiresAt { get; init; }

    public required DateTime? RevokedAt { get; init; }

    [AllowedValuesFrom(typeof(TokenScopes), nameof(TokenScopes.All))]
    public required string Scope { get; init; }
}

internal sealed record ListPersonalAccessTokensQuery(Guid UserId, int Limit, string? Cursor) : IQuery<Result<Page<PersonalAccessTokenResponse>>>;

internal sealed class ListPersonalAccessTokensValidator : AbstractValidator<ListPersonalAccessTokensQuery>
{
    public ListPersonalAccessTokensValidator()
    {
        RuleFor(q => q.Limit).MustBeAPageLimit();
        RuleFor(q => q.Cursor).MustBeACursorOf<ListPersonalAccessTokensQuery, Guid>();
    }
}

internal sealed class ListPersonalAccessTokensHandler(IDbSession session)
    : IQueryHandler<ListPersonalAccessTokensQuery, Result<Page<PersonalAccessTokenResponse>>>
{
    // Keyset on (user_id, id), served by personal_access_tokens_user. Ids are UUIDv7, so this is creation order.
    private const string Sql = """
        select id as Id, name as Name, created_at as CreatedAt, expires_at as ExpiresAt, revoked_at as RevokedAt, scope as Scope
        from identity.personal_access_tokens
        where user_id = @UserId and (@After::uuid is null or id > @After)
        order by id
        limit @Take
        """;

    public async ValueTask<Result<Page<PersonalAccessTokenResponse>>> Handle(ListPersonalAccessTokensQuery query, CancellationToken cancellationToken)
    {
        Cursor.TryDecode<Guid?>(query.Cursor, out var after);
        var connection = await session.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<PersonalAccessTokenResponse>(new CommandDefinition(
            Sql, new { query.UserId, After = after, Take = query.Limit + 1 }, cancellationToken: cancellationToken))).AsList();
        return Cursor.ToPage(rows, query.Limit, t => t.Id);
    }
}

internal sealed class ListPersonalAccessTokensEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapGet("users/me/tokens", async (ICurrentUser user, ISender sender, HttpContext context, CancellationToken cancellationToken, int? limit, string? cursor) =>
                (await sender.Send(new ListPersonalAccessTokensQuery(user.Id, limit ?? Cursor.DefaultLimit, cursor), cancellationToken))
                    .Match(page => ApiResults.Page(page, context), ApiResults.Problem))
            .WithTags("Personal access tokens")
            .WithName("ListPersonalAccessTokens")
            .WithSummary("Your personal access tokens (never the tokens themselves)")
            .RequireAuthorization()
            .RequireInteractiveSession()
            .Produces<Page<PersonalAccessTokenResponse>>()
            .ProducesValidationProblem();
}
