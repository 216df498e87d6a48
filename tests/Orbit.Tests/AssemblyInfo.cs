// Fixtures share one host and isolate by data (fresh users and ids), so they may run side by side.
[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(4)]
// Every answer the suite receives is checked against the OpenAPI document (Contract/ContractCheckingHandler.cs).
[assembly: Orbit.Tests.Contract.ContractCheck]
