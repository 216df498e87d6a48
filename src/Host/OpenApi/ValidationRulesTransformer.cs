using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FluentValidation;
using FluentValidation.Internal;
using FluentValidation.Validators;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Orbit.Host.Composition;
using Orbit.Shared.Validation;

namespace Orbit.Host.OpenApi;

/// <summary>
/// Limits, enums, required and nullable for request bodies and query parameters, read from the FluentValidation
/// validators that enforce them, so that no limit is written twice. An endpoint's validators are those registered
/// for the commands and queries of its feature folder (the namespace of the endpoint's handler): one feature, one
/// folder. A rule applies to the body property or query parameter of the same name (the rule's property name, or
/// its override such as <c>title</c>).
/// Required follows the C# types (a non-nullable property must be sent) plus unconditional NotEmpty/NotNull rules;
/// nullable follows the C# types minus NotEmpty/NotNull rules. A rule under a condition (a merge patch's "when
/// present") constrains values but makes nothing required.
/// </summary>
internal sealed partial class ValidationRulesTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        using var scope = context.ApplicationServices.CreateScope();
        var validators = ValidatedTypes().ToLookup(t => t.Namespace);
        var adjustedBodies = new HashSet<OpenApiSchema>();
        foreach (var description in context.DescriptionGroups.SelectMany(g => g.Items))
        {
            var handler = description.ActionDescriptor.EndpointMetadata.OfType<MethodInfo>().FirstOrDefault();
            var path = "/" + RouteConstraint().Replace(description.RelativePath ?? "", "");
            if (handler?.DeclaringType?.Namespace is not { } feature || description.HttpMethod is null
                || document.Paths?.TryGetValue(path, out var item) != true || item!.Operations is null
                || !item.Operations.TryGetValue(new HttpMethod(description.HttpMethod), out var operation))
            {
                continue;
            }

            var rules = validators[feature]
                .Select(t => scope.ServiceProvider.GetService(typeof(IValidator<>).MakeGenericType(t)))
                .OfType<IEnumerable<IValidationRule>>()
                .SelectMany(v => v)
                .ToList();
            var body = BodySchemaOf(operation, document);
            if (body is not null && adjustedBodies.Add(body))
            {
                ApplyToBody(body, rules);
            }

            foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>().Where(p => p.In == ParameterLocation.Query))
            {
                if (parameter.Schema is OpenApiSchema schema)
                {
                    foreach (var (rule, component) in RulesFor(rules, parameter.Name!))
                    {
                        Constrain(TargetOf(rule, schema), component);
                    }
                }
            }
        }

        return Task.CompletedTask;
    }

    private static void ApplyToBody(OpenApiSchema body, List<IValidationRule> rules)
    {
        body.Required = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (name, property) in body.Properties ?? new Dictionary<string, IOpenApiSchema>())
        {
            var matching = RulesFor(rules, name).ToList();
            var mustBeSent = matching.Any(m => IsPresenceRule(m.Component) && !IsCollectionRule(m.Rule) && !IsConditional(m.Rule, m.Component));
            var mustNotBeNull = matching.Any(m => IsPresenceRule(m.Component) && !IsCollectionRule(m.Rule));
            var nullable = property is OpenApiSchema { Type: { } type } && type.HasFlag(JsonSchemaType.Null);
            var conditional = body.Properties!.Keys.SelectMany(p => RulesFor(rules, p)).Any(m => IsConditional(m.Rule, m.Component));
            if (property is OpenApiSchema inline)
            {
                if (mustNotBeNull && nullable)
                {
                    inline.Type &= ~JsonSchemaType.Null;
                    nullable = false;
                }

                foreach (var (rule, component) in matching)
                {
                    Constrain(TargetOf(rule, inline), component);
                }
            }

            // A merge patch (its rules apply "when present") requires nothing; otherwise a non-nullable property must
            // be sent, and so must one a rule demands.
            if (mustBeSent || (!nullable && !conditional))
            {
                body.Required.Add(name);
            }
        }
    }

    // RuleForEach rules constrain each item of the list.
    private static OpenApiSchema TargetOf(IValidationRule rule, OpenApiSchema schema) =>
        IsCollectionRule(rule) && schema.Items is OpenApiSchema items ? items : schema;

    private static bool IsCollectionRule(IValidationRule rule) =>
        rule.GetType().GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICollectionRule<,>));

    private static bool IsConditional(IValidationRule rule, IRuleComponent component) =>
        rule.HasCondition || rule.HasAsyncCondition || component.HasCondition || component.HasAsyncCondition;

    private static bool IsPresenceRule(IRuleComponent component) => component.Validator is INotEmptyValidator or INotNullValidator;

    private static void Constrain(OpenApiSchema schema, IRuleComponent component)
    {
        var isArray = schema.Type?.HasFlag(JsonSchemaType.Array) == true;
        switch (component.Validator)
        {
            case INotEmptyValidator when isArray:
                schema.MinItems = Math.Max(schema.MinItems ?? 0, 1);
                break;
            case INotEmptyValidator:
                schema.MinLength = Math.Max(schema.MinLength ?? 0, 1);
                break;
            case ILengthValidator length:
                if (length.Min > 0)
                {
                    schema.MinLength = length.Min;
                }

                if (length.Max > 0)
                {
                    schema.MaxLength = length.Max;
                }

                break;
            case IBetweenValidator { From: IConvertible from, To: IConvertible to }:
                schema.Minimum = Convert.ToString(from, System.Globalization.CultureInfo.InvariantCulture);
                schema.Maximum = Convert.ToString(to, System.Globalization.CultureInfo.InvariantCulture);
                break;
            case IRegularExpressionValidator pattern:
                schema.Pattern = pattern.Expression;
                break;
            case IEmailValidator:
                schema.Format = "email";
                break;
            case IFormatValidator format:
                schema.Format = format.Format;
                break;
            case IItemCountValidator count:
                schema.MinItems = count.Min > 0 ? count.Min : schema.MinItems;
                schema.MaxItems = count.Max;
                break;
            case IItemLengthValidator itemLength when schema.Items is OpenApiSchema items:
                items.MinLength = itemLength.Min > 0 ? itemLength.Min : null;
                items.MaxLength = itemLength.Max;
                break;
            case IAllowedValuesValidator allowed:
                var target = allowed.AppliesToItems ? schema.Items as OpenApiSchema : schema;
                if (target is not null)
                {
                    var values = allowed.Values.Select(v => (JsonNode?)JsonValue.Create(v)).ToList();
                    if (target.Type?.HasFlag(JsonSchemaType.Null) == true)
                    {
                        values.Add(null);
                    }

                    target.Enum = values!;
                }

                break;
        }
    }

    private static IEnumerable<(IValidationRule Rule, IRuleComponent Component)> RulesFor(List<IValidationRule> rules, string jsonName) =>
        from rule in rules
        where rule.PropertyName is not null && string.Equals(rule.PropertyName.Split('.')[^1], jsonName, StringComparison.OrdinalIgnoreCase)
        from component in rule.Components
        select (rule, component);

    private static OpenApiSchema? BodySchemaOf(OpenApiOperation operation, OpenApiDocument document)
    {
        var schema = operation.RequestBody?.Content?.Values.Select(c => c.Schema).FirstOrDefault(s => s is not null);
        return schema switch
        {
            OpenApiSchemaReference reference when reference.Reference.Id is { } id
                && document.Components?.Schemas?.TryGetValue(id, out var target) == true => target as OpenApiSchema,
            OpenApiSchema inline => inline,
            _ => null,
        };
    }

    /// <summary>The command and query types that have validators, in every module.</summary>
    private static IEnumerable<Type> ValidatedTypes() =>
        from module in OrbitModules.All
        from type in module.GetType().Assembly.GetTypes()
        where type is { IsAbstract: false, IsGenericTypeDefinition: false }
        from contract in type.GetInterfaces()
        where contract.IsGenericType && contract.GetGenericTypeDefinition() == typeof(IValidator<>)
        select contract.GetGenericArguments()[0];

    [GeneratedRegex(@":[^}]+(?=\})")]
    private static partial Regex RouteConstraint();
}
