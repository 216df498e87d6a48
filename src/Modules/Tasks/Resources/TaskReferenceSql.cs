using Orbit.Modules.Tasks.Contracts;

namespace Orbit.Modules.Tasks.Resources;

/// <summary>
/// How a <see cref="TaskReference"/> selects its row: <see cref="Where"/> is the predicate over alias <c>t</c>, served
/// by the primary key or the unique index on key, and <see cref="ParametersOf"/> its parameters.
/// </summary>
internal static class TaskReferenceSql
{
    public const string Where = "(t.id = @TaskId or t.key = @TaskKey)";

    public static object ParametersOf(TaskReference reference) => new { TaskId = reference.Id, TaskKey = reference.Key };

    /// <summary>The parameters of a name the authorizer already accepted (<see cref="TaskReference.Parse"/> throws otherwise).</summary>
    public static object ParametersOf(string taskRef) => ParametersOf(TaskReference.Parse(taskRef));
}
