using Orbit.Modules.Projects.Contracts;

namespace Orbit.Modules.Webhooks.Authorization;

/// <summary>What a webhook request needs from the caller's membership of the project it touches.</summary>
internal interface IWebhookAccessRequirement
{
    /// <summary>The least role that may send this request (maintainer for everything about webhooks).</summary>
    ProjectRole RequiredRole { get; }

    /// <summary>Whether the request changes something; archived projects are read-only.</summary>
    bool Changes { get; }
}

/// <summary>A request about a project's webhooks as a whole (register, list).</summary>
internal interface IProjectWebhooksRequest : IWebhookAccessRequirement
{
    Guid ProjectId { get; }
}

/// <summary>A request about one webhook (get, delete, its deliveries, redelivery).</summary>
internal interface IWebhookRequest : IWebhookAccessRequirement
{
    Guid WebhookId { get; }
}
