using Orbit.Modules.Notifications.InApp;

namespace Orbit.Tests.Notifications;

/// <summary>Finding mentioned people in a comment, checked without a host.</summary>
public sealed class MentionTests
{
    private static readonly Guid Ada = Guid.CreateVersion7();
    private static readonly Guid AdaLovelace = Guid.CreateVersion7();
    private static readonly Guid Bob = Guid.CreateVersion7();

    private static readonly MentionCandidate[] People = [new(Ada, "Ada"), new(AdaLovelace, "Ada Lovelace"), new(Bob, "bob")];

    [TestCase("@Ada Lovelace, please look", "AdaLovelace")]
    [TestCase("@ada lovelace", "AdaLovelace")]
    [TestCase("@Ada Lovelaces", "Ada")]
    [TestCase("@Ada, @BOB!", "Ada,Bob")]
    [TestCase("(@bob)", "Bob")]
    [TestCase("mail ada@example.com or @bobby", "")]
    [TestCase("no mentions here", "")]
    [TestCase("@", "")]
    public void Mentions_match_whole_display_names_longest_first(string text, string expected)
    {
        var names = new Dictionary<Guid, string> { [Ada] = "Ada", [AdaLovelace] = "AdaLovelace", [Bob] = "Bob" };
        var found = Mentions.Find(text, People).Select(id => names[id]);
        Assert.That(found, Is.EquivalentTo(expected.Split(',', StringSplitOptions.RemoveEmptyEntries)));
    }
}
