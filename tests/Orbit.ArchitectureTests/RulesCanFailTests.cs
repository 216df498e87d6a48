using System.Text;
using Mediator;
using Orbit.ArchitectureTests.Features.CreateWidget;
using Orbit.Host.Composition;

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

    [Test]
    public void The_schema_rule_flags_sql_built_at_run_time() =>
        Assert.That(
            ArchitectureRules.ForeignSchemaSql(Offender, "tasks", ["tasks", "projects"]),
            Has.Some.Contains($"{nameof(OffendingSql)}.{nameof(OffendingSql.BuildAtRunTime)}").And.Some.Contains("join projects."));

    [Test]
    public void The_slice_naming_rule_flags_misnamed_slice_types()
    {
        var violations = SliceNames.Violations(Offender);
        Assert.That(violations, Has.Some.Contains("ArchiveGadgetCommand").And.Contains("does not belong in Features/CreateWidget"));
        Assert.That(violations, Has.Some.Contains("WidgetMaker").And.Contains("is a handler"));
        Assert.That(violations, Has.Some.Contains("CreateWidgetCheckValidator serves CreateWidgetCommand"));
        Assert.That(violations, Has.Some.Contains("WidgetsQuery is named a Query but is not one"));
    }

    [Test]
    public void The_page_rule_flags_a_page_that_drifted_from_its_module()
    {
        var tasks = OrbitModules.All.Single(m => m.Name == "Tasks");
        var page = ModulePagesTests.PageOf("Tasks")!
            .Replace("`task.deleted`, ", "", StringComparison.Ordinal)
            .Replace("`comments`, ", "", StringComparison.Ordinal)
            .Replace("## Consumes\nNothing.", "## Consumes\n`user.registered`", StringComparison.Ordinal)
            .Replace("## Settings", "## Configuration", StringComparison.Ordinal);
        var violations = ModulePages.Violations(ModuleFacts.Of(tasks, OrbitModules.All), page, ModulePagesTests.KnownEventTypes);
        Assert.That(violations, Has.Some.Contains("does not name the event type `task.deleted`"));
        Assert.That(violations, Has.Some.Contains("does not name the schema or table `comments`"));
        Assert.That(violations, Has.Some.Contains("names `user.registered`, which the module does not consume"));
        Assert.That(violations, Has.Some.Contains("the headings are"));
        Assert.That(ModulePages.Violations(ModuleFacts.Of(tasks, OrbitModules.All), null, []), Has.Some.Contains("has no page"));
    }

    [Test]
    public void The_page_rule_finds_settings_and_consumed_events_in_the_code()
    {
        var sample = ModuleFacts.Of(new SampleModule(), [.. OrbitModules.All, new SampleModule()]);
        Assert.That(sample.Settings, Does.Contain(SampleOptions.Section));
        Assert.That(sample.Consumes, Is.EqualTo(new[] { "task.created" }));
        var page = "# Sample module\n## Owns\n## Schema\n`sample`\n## Publishes\nNothing.\n## Consumes\nEvery event.\n## Settings\nNone.\n## Contracts\n";
        var violations = ModulePages.Violations(sample, page, ModulePagesTests.KnownEventTypes);
        Assert.That(violations, Has.Some.Contains("does not name the configuration section `Sample:Widgets`"));
        Assert.That(violations, Has.Some.Contains("does not name the event type `task.created`"));
    }
}

public sealed record OffendingQuery : IQuery<int>;

public sealed class PublicOffendingHandler : IQueryHandler<OffendingQuery, int>
{
    public ValueTask<int> Handle(OffendingQuery query, CancellationToken cancellationToken) => ValueTask.FromResult(1);
}


internal static class OffendingSql
{
    public const string ReadsAnotherModule = "select m.role from projects.members m join tasks.tasks t on t.project_id = m.project_id";

    // Built at run time, as ListTasks builds its filters: no constant holds the whole statement.
    public static string BuildAtRunTime(bool withRoles)
    {
        var sql = new StringBuilder("select t.id from tasks.tasks t");
        if (withRoles)
        {
            sql.Append(" join projects.members m on m.project_id = t.project_id");
        }

        return sql.ToString();
    }
}
