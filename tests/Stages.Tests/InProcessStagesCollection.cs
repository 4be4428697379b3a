namespace SaePipeline.Tests;

/// <summary>
/// Tests that run stage items inside the test process run alone. A stage item watches which of the program's
/// assemblies get loaded while it runs and refuses to commit when one lies outside its code fingerprint (LoadWatch);
/// in a shared test process, another test loading such an assembly at that moment (ParquetSharp by the interop tests,
/// say) would be blamed on the item.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class InProcessStagesCollection
{
    public const string Name = "in-process stage runs";
}
