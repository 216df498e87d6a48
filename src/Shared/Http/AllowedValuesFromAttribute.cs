using System.Reflection;

namespace Orbit.Shared.Http;

/// <summary>
/// A string (or each string of a list) in a response is one of the values of a static list that the code already
/// keeps, such as the webhook event types. The OpenAPI description turns it into an <c>enum</c>, so the list is
/// written once.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class AllowedValuesFromAttribute(Type holder, string member) : Attribute
{
    public Type Holder { get; } = holder;

    public string Member { get; } = member;

    public IReadOnlyList<string> Values()
    {
        const BindingFlags Static = BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;
        var value = Holder.GetProperty(Member, Static)?.GetValue(null) ?? Holder.GetField(Member, Static)?.GetValue(null);
        return value is IEnumerable<string> values
            ? [.. values]
            : throw new InvalidOperationException($"{Holder.Name}.{Member} is not a static list of strings.");
    }
}
