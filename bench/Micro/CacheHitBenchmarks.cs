using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Orbit.Shared.Caching;

namespace Orbit.Bench.Micro;

/// <summary>
/// What every authenticated, project-scoped request pays to learn the caller's membership: a hit in the
/// HybridCache the membership cache used before (string key, tags checked on every hit) against a hit in the
/// LocalCache it uses now (tuple key, generation and epoch checks).
/// </summary>
[MemoryDiagnoser]
public class CacheHitBenchmarks
{
    private static readonly Task<string?> Loaded = Task.FromResult<string?>("member");

    private readonly Guid _projectId = Guid.CreateVersion7();
    private readonly Guid _userId = Guid.CreateVersion7();
    private HybridCache _hybrid = null!;
    private LocalCache<(Guid, Guid), string?> _local = null!;

    [GlobalSetup]
    public async Task SetUpAsync()
    {
        _hybrid = new ServiceCollection().AddHybridCache().Services.BuildServiceProvider().GetRequiredService<HybridCache>();
        var hub = new CacheEvictionHub();
        hub.Listening();
        _local = new LocalCache<(Guid, Guid), string?>(hub, TimeSpan.FromMinutes(5));
        await HybridHitAsync();
        await LocalHitAsync();
    }

    [Benchmark(Baseline = true)]
    public async ValueTask<string?> HybridHitAsync() =>
        (await _hybrid.GetOrCreateAsync(
            $"projects:membership:{_projectId}:{_userId}",
            static _ => ValueTask.FromResult(new Entry("member")),
            tags: [$"project:{_projectId}"])).Role;

    [Benchmark]
    public ValueTask<string?> LocalHitAsync() =>
        _local.GetOrLoadAsync((_projectId, _userId), 0, static (_, _, _) => Loaded, CancellationToken.None);

    [System.ComponentModel.ImmutableObject(true)]
    public sealed record Entry(string? Role);

    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(CacheHitBenchmarks).Assembly).Run(args);
}
