using Mediator;

namespace Orbit.ArchitectureTests;

/// <summary>
/// Each rule run against this assembly, which breaks them on purpose: a rule that cannot fail proves nothing.
/// </summary>
public sealed class RulesCanFailTests
{
    private static readonly System.Reflection.Assembly Offender = typeof(RulesCanFailTests).Assembly;

    [Test]
    public void The_reference_rule_flags_a_reference_to_another_modules_implementation() =>
        // This test assembly references Orbit.Host, an Orbit assembly that is neither Shared nor a Contracts one.
        Assert.That(ArchitectureRules.ForbiddenReferences(Offender), Has.Some.Contains("Orbit.Host"));

    [Test]
    public void The_contracts_rule_flags_a_contracts_assembly_that_references_a_module() =>
        Assert.That(ArchitectureRules.ContractsReferences(Offender), Is.Not.Empty);

    [Test]
    public void The_handler_rule_flags_a_public_handler() =>
        Assert.That(ArchitectureRules.PublicHandlers(Offender), Has.Some.Contains(nameof(PublicOffendingHandler)));

    [Test]
    public void The_public_type_rule_flags_public_types() =>
        Assert.That(ArchitectureRules.PublicTypes(Offender), Is.Not.Empty);

    [Test]
    public void The_schema_rule_flags_sql_that_reads_another_schema() =>
        Assert.That(ArchitectureRules.ForeignSchemaSql(Offender, "tasks", ["tasks", "projects"]), Has.Some.Contains(nameof(OffendingSql)));
}

public sealed record OffendingQuery : IQuery<int>;

public sealed class PublicOffendingHandler : IQueryHandler<OffendingQuery, int>
{
    public ValueTask<int> Handle(OffendingQuery query, CancellationToken cancellationToken) => ValueTask.FromResult(1);
}

internal static class OffendingSql
{
    public const string ReadsAnotherModule = "select m.role from projects.members m join tasks.tasks t on t.project_id = m.project_id";
}
