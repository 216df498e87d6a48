namespace Orbit.Shared.Http;

/// <summary>
/// Endpoint metadata: besides its JSON answer, the endpoint streams Server-Sent Events when asked with
/// <c>Accept: text/event-stream</c>. Each message has <c>id:</c> (a cursor the endpoint accepts back as
/// <c>Last-Event-ID</c>), <c>event:</c> (the item's type) and <c>data:</c> (one <see cref="DataType"/> as JSON); idle
/// streams get comment lines. The OpenAPI document describes the stream from this (src/Host/OpenApi).
/// </summary>
public sealed record ServerSentEventsMetadata(Type DataType)
{
    public const string ContentType = "text/event-stream";

    public const string LastEventIdHeader = "Last-Event-ID";

    /// <summary>
    /// The last message of a stream whose credential stopped granting access: <c>event: session.ended</c>,
    /// <c>data: {"reason": "token_expired" | "user_disabled" | "token_revoked" | "signed_out"}</c>, no <c>id:</c>.
    /// </summary>
    public const string SessionEndedEvent = "session.ended";
}
