using System.Collections.Concurrent;

namespace SaePipeline.Runtime;

/// <summary>
/// Enumerates a sequence on a worker thread, up to <c>capacity</c> items ahead of the consumer, so that producing the
/// items (generating text, tokenizing, packing) overlaps what the consumer does with them (a forward pass) instead of
/// adding to it. Order is kept; an exception in the producer is rethrown to the consumer at the item where it happened;
/// disposing the enumerator early stops the producer and waits for it.
/// </summary>
public static class Prefetch
{
    public static IEnumerable<T> Ahead<T>(IEnumerable<T> source, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        using var queue = new BlockingCollection<T>(capacity);
        using var stop = new CancellationTokenSource();
        Exception? failure = null;
        var producer = Task.Factory.StartNew(() =>
        {
            try
            {
                foreach (var item in source)
                    queue.Add(item, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
            catch (Exception e) { failure = e; }
            finally { queue.CompleteAdding(); }
        }, TaskCreationOptions.LongRunning);
        try
        {
            foreach (var item in queue.GetConsumingEnumerable())
                yield return item;
            producer.GetAwaiter().GetResult();
            if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }
        finally
        {
            stop.Cancel();
            producer.ContinueWith(_ => { }).Wait();   // the queue must outlive the producer
        }
    }
}
