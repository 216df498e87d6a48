using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orbit.Modules.Identity.Contracts;
using Orbit.Modules.Projects.Authorization;
using Orbit.Modules.Projects.Contracts;
using Orbit.Modules.Projects.Members;
using Orbit.Modules.Projects.Resources;
using Orbit.Shared.Http;
using Orbit.Shared.Results;

namespace Orbit.Modules.Projects.Features.AddMember;

internal sealed record AddMemberRequest(string? Email, string? Role);

/// <summary>
/// Adds the account with this email: what people know of a colleague is their email, not their id. Maintainers add
/// members; adding an owner needs an owner, as with <c>PUT .../members/{userId}</c>.
/// </summary>
internal sealed record AddMemberCommand(Guid ProjectId, string? Email, string? Role) : ICommand<Result<MemberResponse>>, IProjectRequest
{
    /// <summary>Valid once the validator has passed.</summary>
    public ProjectRole? NewRole => ProjectRoles.Parse(Role);

    public ProjectRole RequiredRole => NewRole == ProjectRole.Owner ? ProjectRole.Owner : ProjectRole.Maintainer;

    public bool ChangesProject => true;
}

internal sealed class AddMemberValidator : AbstractValidator<AddMemberCommand>
{
    // As Identity stores emails (identity.users checks 3 to 254 characters).
    private const int EmailMaxLength = 254;

    public AddMemberValidator()
    {
        RuleFor(c => c.Email)
            .Must(email => !string.IsNullOrWhiteSpace(email)).WithMessage("email is required.")
            .Must(email => email is null || email.Trim().Length <= EmailMaxLength).WithMessage($"email must be at most {EmailMaxLength} characters.")
            .Must(email => string.IsNullOrWhiteSpace(email) || email.Trim().Length > EmailMaxLength || IsEmailShaped(email.Trim()))
            .WithMessage("email must be an email address.");
        RuleFor(c => c.Role).ValidMemberRole();
    }

    // Only the shape: whether an account has it is the handler's question (404 members.user_not_found).
    private static bool IsEmailShaped(string email) => email.IndexOf('@', StringComparison.Ordinal) is var at && at > 0 && at < email.Length - 1;
}

internal sealed class AddMemberHandler(MembershipChanges membershipChanges, IUserDirectory users) : ICommandHandler<AddMemberCommand, Result<MemberResponse>>
{
    public async ValueTask<Result<MemberResponse>> Handle(AddMemberCommand command, CancellationToken cancellationToken)
    {
        if (await membershipChanges.LockProjectAsync(command.ProjectId, cancellationToken) is { } projectError)
        {
            return projectError;
        }

        var user = await users.FindActiveByEmailAsync(command.Email!.Trim(), cancellationToken);
        if (user is null)
        {
            return ProjectErrors.NoAccountWithEmail;
        }

        var added = await membershipChanges.AddAsync(command.ProjectId, user, command.NewRole!.Value, cancellationToken);
        return added is null ? ProjectErrors.AlreadyMember : added;
    }
}

internal sealed class AddMemberEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder api) =>
        api.MapPost("projects/{projectId:guid}/members", async (Guid projectId, AddMemberRequest request, ISender sender, CancellationToken cancellationToken) =>
                (await sender.Send(new AddMemberCommand(projectId, request.Email, request.Role), cancellationToken)).Match(
                    member => Results.Created(MemberResponse.LocationOf(projectId, member.UserId), member),
                    ApiResults.Problem))
            .WithIdempotency(ProjectsModule.SchemaName)
            .WithTags("Projects")
            .WithName("AddProjectMember")
            .WithSummary("Add a member by email (maintainer); honours Idempotency-Key")
            .WithDescription("email: an active account's email, any case. role: viewer, member, maintainer or owner (granting owner needs an owner). " +
                "404 members.user_not_found when no active account has the email; 409 members.already_member when they already belong " +
                "(change a role with PUT .../members/{userId}).")
            .RequireAuthorization()
            .Produces<MemberResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
}
