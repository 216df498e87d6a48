// Fixtures share one host and isolate by data (fresh users and ids), so they may run side by side.
[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(4)]
// Every answer the tests receive is checked against the OpenAPI document (Orbit.TestKit/Contract).
[assembly: Orbit.Tests.Contract.ContractCheck]

namespace Orbit.Tests;

/// <summary>Starts this assembly's PostgreSQL and shared host (the kit's <see cref="TestPostgres"/>) around all its tests.</summary>
[SetUpFixture]
public sealed class TestRun : TestPostgres;
