using Dapper;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Identity.Users;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Paging;
using Orbit.Shared.Results;

namespace Orbit.Modules.Identity.Features.ListUsers;

internal sealed record ListUsersQuery(string? Q, int Limit, string? Cursor) : IQuery<Result<Page<AdminUserResponse>>>;

internal sealed class ListUsersValidator : AbstractValidator<ListUsersQuery>
{
    public ListUsersValidator()
    {
        RuleFor(q => q.Limit).MustBeAPageLimit();
        RuleFor(q => q.Cursor).MustBeACursorOf<ListUsersQuery, Guid>();
        RuleFor(q => q.Q).MaximumLength(100).WithMessage("q must be at most 100 characters.");
    }
}

internal sealed class ListUsersHandler(IDbSession session) : IQueryHandler<ListUsersQuery, Result<Page<AdminUserResponse>>>
{
    // Keyset on id (UUIDv7, so registration order), served by the primary key. The optional q filter is a
    // substring match on email or display name; at admin-list sizes the primary-key walk is the right plan.
    private const string Sql = $"""
        select {UserRules.AdminColumns}
        from identity.users
        where (@After::uuid is null or id > @After)
          and (@Pattern::text is null or email ilike @Pattern or display_name ilike @Pattern)
        order by id
        limit @Take
        """;

    public async ValueTask<Result<Page<AdminUserResponse>>> Handle(ListUsersQuery query, CancellationToken cancellationToken)
    {
        Cursor.TryDecode<Guid?>(query.Cursor, out var after);
        var pattern = UserRules.ContainsPattern(query.Q);
        var connection = await session.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<AdminUserResponse>(new CommandDefinition(
            Sql, new { After = after, Pattern = pattern, Take = query.Limit + 1 }, cancellationToken: cancellationToken))).AsList();
        return Cursor.ToPage(rows, query.Limit, u => u.Id);
    }
}

internal sealed class ListUsersEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapGet("admin/users", async (ISender sender, HttpContext context, CancellationToken cancellationToken, string? q, int? limit, string? cursor) =>
                (await sender.Send(new ListUsersQuery(q, limit ?? Cursor.DefaultLimit, cursor), cancellationToken))
                    .Match(page => ApiResults.Page(page, context), ApiResults.Problem))
            .WithTags("Administration")
            .WithName("ListUsers")
            .WithSummary("List users (filter q on email or display name)")
            .RequireAuthorization(OrbitPolicies.Admin)
            .Produces<Page<AdminUserResponse>>()
            .ProducesValidationProblem();
}
