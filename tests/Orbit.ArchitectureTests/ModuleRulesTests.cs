using System.Reflection;
using Orbit.Host.Composition;

namespace Orbit.ArchitectureTests;

public sealed class ModuleRulesTests
{
    private static IEnumerable<TestCaseData> Modules() =>
        OrbitModules.All.Select(module => new TestCaseData(module.GetType().Assembly).SetArgDisplayNames(module.Name));

    private static IEnumerable<TestCaseData> ContractsAssemblies() =>
        OrbitModules.All
            .Select(module => module.GetType().Assembly)
            .SelectMany(assembly => assembly.GetReferencedAssemblies())
            .Where(name => name.Name!.EndsWith(".Contracts", StringComparison.Ordinal))
            .DistinctBy(name => name.Name)
            .Select(name => new TestCaseData(Assembly.Load(name)).SetArgDisplayNames(name.Name!));

    [TestCaseSource(nameof(Modules))]
    public void A_module_depends_only_on_Shared_and_Contracts(Assembly module) =>
        Assert.That(ArchitectureRules.ForbiddenReferences(module), Is.Empty);

    [TestCaseSource(nameof(ContractsAssemblies))]
    public void A_contracts_assembly_depends_only_on_Shared(Assembly contracts) =>
        Assert.That(ArchitectureRules.ContractsReferences(contracts), Is.Empty);

    [TestCaseSource(nameof(Modules))]
    public void Handlers_are_not_public(Assembly module) =>
        Assert.That(ArchitectureRules.PublicHandlers(module), Is.Empty);

    [TestCaseSource(nameof(Modules))]
    public void A_module_exposes_no_public_types(Assembly module) =>
        Assert.That(ArchitectureRules.PublicTypes(module), Is.Empty);

    [Test]
    public void A_modules_SQL_names_only_its_own_schema()
    {
        var schemas = OrbitModules.All.Select(m => m.Schema).ToList();
        foreach (var module in OrbitModules.All)
        {
            Assert.That(ArchitectureRules.ForeignSchemaSql(module.GetType().Assembly, module.Schema, schemas), Is.Empty, module.Name);
        }
    }

    [Test]
    public void The_SQL_rule_reads_SQL_built_at_run_time()
    {
        // ListTasks assembles its statement from its filters; no constant holds it whole.
        var tasks = OrbitModules.All.Single(m => m.Name == "Tasks").GetType().Assembly;
        Assert.That(
            ModuleSqlText.Of(tasks).Where(text => text.Where.Contains("ListTasksHandler", StringComparison.Ordinal)).Select(text => text.Text),
            Has.Some.Contains("from tasks.tasks t"));
    }

    [Test]
    public void Every_module_owns_a_distinct_schema()
    {
        Assert.That(OrbitModules.All.Select(m => m.Schema), Is.Unique);
        Assert.That(OrbitModules.All.Select(m => m.Schema), Has.All.Match("^[a-z][a-z_]*$"));
    }

    [Test]
    public void Shared_references_no_module()
    {
        var shared = typeof(Orbit.Shared.Modules.IModule).Assembly;
        Assert.That(shared.GetReferencedAssemblies().Select(a => a.Name), Has.None.StartWith("Orbit.Modules."));
    }
}
