using System.Reflection;
using System.Reflection.Emit;

namespace Orbit.ArchitectureTests;

/// <summary>
/// Every string a module's code can send, read from its IL: each <c>ldstr</c> in every method body (lambdas, async
/// state machines and local functions included, as the compiler's nested types), plus <c>const</c> string fields, which
/// a const only used inside another const never reaches the IL as. SQL assembled at run time (a
/// <c>StringBuilder</c>, an interpolated string) is made of such literals, so a rule over these sees it too.
/// </summary>
internal static class ModuleSqlText
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!)
        .DistinctBy(code => code.Value)
        .ToDictionary(code => code.Value);

    private const BindingFlags Everything =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <returns>Each string with where it was found (<c>Type.Member</c>).</returns>
    public static IEnumerable<(string Where, string Text)> Of(Assembly assembly)
    {
        foreach (var type in assembly.GetTypes())
        {
            foreach (var field in type.GetFields(Everything).Where(f => f.IsLiteral && f.FieldType == typeof(string)))
            {
                yield return ($"{type.FullName}.{field.Name}", (string)field.GetRawConstantValue()!);
            }

            var methods = type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything));
            foreach (var method in methods)
            {
                foreach (var literal in StringLiterals(method))
                {
                    yield return ($"{type.FullName}.{method.Name}", literal);
                }
            }
        }
    }

    private static IEnumerable<string> StringLiterals(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        var position = 0;
        while (position < il.Length)
        {
            short value = il[position++];
            if (value == 0xFE)
            {
                value = (short)(0xFE00 | il[position++]);
            }

            if (!OpCodesByValue.TryGetValue(value, out var code))
            {
                throw new InvalidOperationException($"Unknown IL opcode 0x{value:X} in {method.DeclaringType?.FullName}.{method.Name}.");
            }

            if (code == OpCodes.Ldstr)
            {
                yield return method.Module.ResolveString(BitConverter.ToInt32(il, position));
            }

            position += OperandSize(code, il, position);
        }
    }

    private static int OperandSize(OpCode code, byte[] il, int position) => code.OperandType switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, position)),
        _ => 4,
    };
}
