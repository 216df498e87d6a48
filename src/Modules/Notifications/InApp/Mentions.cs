namespace Orbit.Modules.Notifications.InApp;

/// <summary>A person who can be mentioned: a project member and their display name.</summary>
internal sealed record MentionCandidate(Guid UserId, string DisplayName);

/// <summary>
/// Finds <c>@Display Name</c> mentions in a comment. A mention is an '@' that does not follow a letter or digit (so
/// <c>ada@example.com</c> mentions nobody), followed by a candidate's display name, compared without regard to case,
/// and ending at a non-word character or the end of the text. Display names may contain spaces, so the longest name
/// that matches wins: <c>@Ada Lovelace</c> mentions "Ada Lovelace", not "Ada". People who share a display name are
/// all mentioned, since nothing in the text tells them apart.
/// </summary>
internal static class Mentions
{
    public static IReadOnlySet<Guid> Find(string text, IReadOnlyCollection<MentionCandidate> candidates)
    {
        var mentioned = new HashSet<Guid>();
        if (!text.Contains('@', StringComparison.Ordinal) || candidates.Count == 0)
        {
            return mentioned;
        }

        var byLength = candidates
            .Select(c => c with { DisplayName = c.DisplayName.Trim() })
            .Where(c => c.DisplayName.Length > 0)
            .OrderByDescending(c => c.DisplayName.Length)
            .ToList();
        for (var at = text.IndexOf('@', StringComparison.Ordinal); at >= 0; at = text.IndexOf('@', at + 1))
        {
            if (at > 0 && IsWordCharacter(text[at - 1]))
            {
                continue;
            }

            var rest = text.AsSpan(at + 1);
            string? matched = null;
            foreach (var candidate in byLength)
            {
                if (matched is not null && candidate.DisplayName.Length < matched.Length)
                {
                    break;
                }

                var name = candidate.DisplayName;
                if (rest.StartsWith(name, StringComparison.OrdinalIgnoreCase) && (rest.Length == name.Length || !IsWordCharacter(rest[name.Length])))
                {
                    matched ??= name;
                    mentioned.Add(candidate.UserId);
                }
            }
        }

        return mentioned;
    }

    private static bool IsWordCharacter(char c) => char.IsLetterOrDigit(c) || c == '_';
}
