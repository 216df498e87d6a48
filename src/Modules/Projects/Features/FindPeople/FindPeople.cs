using Dapper;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Identity.Contracts;
using Orbit.Shared.Data;
using Orbit.Shared.Http;
using Orbit.Shared.Identity;
using Orbit.Shared.Results;

namespace Orbit.Modules.Projects.Features.FindPeople;

/// <summary>
/// The people picker (assignees, mentions, adding members): people who share at least one project with the caller.
/// It lives in Projects because co-membership is what decides who may be found; nobody else is ever revealed, so a
/// user cannot probe for accounts by name or email. Identity matches the text against names and emails.
/// </summary>
internal sealed record FindPeopleQuery(Guid CallerId, string? Q, int Limit) : IQuery<Result<PeopleResponse>>;

internal sealed record PersonResponse(Guid Id, string DisplayName, string Email);

internal sealed record PeopleResponse(IReadOnlyList<PersonResponse> Items);

internal sealed class FindPeopleValidator : AbstractValidator<FindPeopleQuery>
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 50;

    public FindPeopleValidator()
    {
        RuleFor(q => q.Limit).InclusiveBetween(1, MaxLimit).WithMessage($"limit must be between 1 and {MaxLimit}.");
        RuleFor(q => q.Q).MaximumLength(100).WithMessage("q must be at most 100 characters.");
    }
}

internal sealed class FindPeopleHandler(IDbSession session, IUserDirectory users) : IQueryHandler<FindPeopleQuery, Result<PeopleResponse>>
{
    // The caller's projects through members_user (user_id, project_id), then each project's members through the
    // primary key (project_id, user_id). Archived projects count: their members still see each other there.
    private const string CoMembersSql = """
        select distinct other.user_id
        from projects.members mine
        join projects.members other on other.project_id = mine.project_id
        where mine.user_id = @CallerId
        """;

    public async ValueTask<Result<PeopleResponse>> Handle(FindPeopleQuery query, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken);
        var coMembers = (await connection.QueryAsync<Guid>(new CommandDefinition(CoMembersSql, new { query.CallerId }, cancellationToken: cancellationToken))).AsList();
        var found = await users.SearchAmongAsync(coMembers, query.Q, query.Limit, cancellationToken);
        return new PeopleResponse([.. found.Select(u => new PersonResponse(u.Id, u.DisplayName, u.Email))]);
    }
}

internal sealed class FindPeopleEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapGet("people", async (ICurrentUser user, ISender sender, CancellationToken cancellationToken, string? q, int? limit) =>
                (await sender.Send(new FindPeopleQuery(user.Id, q, limit ?? FindPeopleValidator.DefaultLimit), cancellationToken))
                    .Match(people => Results.Ok(people), ApiResults.Problem))
            .WithTags("People")
            .WithName("FindPeople")
            .WithSummary("Find people who share a project with you, by part of their name or email")
            .WithDescription("For pickers (assignee, mentions, adding a member). q: case-insensitive text in the display name or email (blank: " +
                "everyone); limit: 1 to 50, default 20; ordered by display name. Only enabled users who share at least one project with " +
                "you are ever returned, you included.")
            .RequireAuthorization()
            .Produces<PeopleResponse>()
            .ProducesValidationProblem();
}
