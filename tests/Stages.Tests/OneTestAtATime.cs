using Xunit;

// The test process keeps the rule every stage process keeps: tensor work runs on one thread, or inside NoCollections
// while another thread allocates (src/Runtime/NoCollections.cs). xUnit's default runs test classes side by side, and a
// garbage collection triggered by one test's allocations can then free a TorchSharp Scalar that another test's op is
// still reading inside libtorch. CI saw it ("Expected false to be true" from c10::Scalar::toFloat, in TrainingTests'
// topk training while other classes ran). One class at a time also keeps two process-wide things unshared:
// - a stage item run in-process watches which assemblies load while it runs and refuses to commit when one lies outside
//   its code fingerprint (LoadWatch); another test loading ParquetSharp at that moment would be blamed on the item;
// - GarbageCollectionSafetyTests measures no-GC regions, which are process-wide.
// It costs about 30 s of the suite's ~1.5 min on two cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
