namespace Orbit.Modules.Projects.Resources;

/// <summary>A project as the API shows it. <see cref="Version"/> is its ETag.</summary>
internal sealed record ProjectResponse(
    Guid Id,
    string Key,
    string Name,
    string? Description,
    Guid CreatedBy,
    DateTime CreatedAt,
    Guid UpdatedBy,
    DateTime UpdatedAt,
    DateTime? ArchivedAt,
    Guid? ArchivedBy,
    int Version)
{
    /// <summary>
    /// The columns of <see cref="ProjectResponse"/>, in constructor order (Dapper matches the constructor by position),
    /// from <c>projects.projects</c> aliased <c>p</c>.
    /// </summary>
    public const string Columns = """
        p.id as Id, p.key as Key, p.name as Name, p.description as Description, p.created_by as CreatedBy,
        p.created_at as CreatedAt, p.updated_by as UpdatedBy, p.updated_at as UpdatedAt, p.archived_at as ArchivedAt,
        p.archived_by as ArchivedBy, p.version as Version
        """;

    public static string LocationOf(Guid projectId) => $"/api/v1/projects/{projectId}";
}
