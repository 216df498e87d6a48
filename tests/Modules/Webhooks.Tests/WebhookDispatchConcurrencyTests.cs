using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Orbit.Tests.Infrastructure;
using Orbit.Tests.Tasks;
using static Orbit.Tests.Notifications.NotificationApi;

namespace Orbit.Tests.Notifications;

public sealed class WebhookDispatchConcurrencyTests
{
    private static OrbitApi Api => TestPostgres.Api;

    [Test]
    public async Task A_receiver_that_does_not_answer_holds_one_attempt_and_other_webhooks_are_still_served()
    {
        await using var stuck = await StuckReceiver.StartAsync();
        await using var healthy = await WebhookReceiver.StartAsync();
        var slowTeam = await ProjectScenarios.CreateTeamAsync(Api);
        var fastTeam = await ProjectScenarios.CreateTeamAsync(Api);
        await RegisterWebhookAsync(slowTeam.ClientFor("maintainer"), slowTeam.Project.Id, stuck.Url, "task.created");
        await RegisterWebhookAsync(fastTeam.ClientFor("maintainer"), fastTeam.Project.Id, healthy.Url, "task.created");

        try
        {
            await TaskApi.CreateAsync(slowTeam.ClientFor("member"), slowTeam.Project.Id, new { title = "Nobody answers" });
            await Eventually.True(() => Task.FromResult(stuck.Waiting > 0), "the stuck receiver to hold an attempt");

            // The dispatcher that sent a batch and waited for all of it sent nothing more until this attempt timed out.
            await TaskApi.CreateAsync(fastTeam.ClientFor("member"), fastTeam.Project.Id, new { title = "Someone answers" });
            await Eventually.True(() => Task.FromResult(healthy.Accepted.Count == 1), "the healthy receiver's delivery", TimeSpan.FromSeconds(8));
            Assert.That(stuck.Waiting, Is.EqualTo(1), "still holding: the other delivery did not wait for it");
        }
        finally
        {
            stuck.Release();
        }
    }

    /// <summary>A receiver on loopback that holds every request until the test releases it.</summary>
    private sealed class StuckReceiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _waiting;

        private StuckReceiver(WebApplication app) => _app = app;

        public string Url { get; private set; } = "";

        public int Waiting => Volatile.Read(ref _waiting);

        public static async Task<StuckReceiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var receiver = new StuckReceiver(app);
            app.MapPost("/hook", async (HttpContext _) =>
            {
                Interlocked.Increment(ref receiver._waiting);
                await receiver._released.Task;
                Interlocked.Decrement(ref receiver._waiting);
                return Results.NoContent();
            });
            await app.StartAsync();
            receiver.Url = app.Urls.Single() + "/hook";
            return receiver;
        }

        public void Release() => _released.TrySetResult();

        public async ValueTask DisposeAsync()
        {
            Release();
            await _app.DisposeAsync();
        }
    }
}
