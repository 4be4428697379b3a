using SaePipeline.Runtime;

namespace SaePipeline.Tests;

/// <summary>The worker-thread prefetch the cache path uses: order kept, failures surface, an early stop stops the producer.</summary>
public sealed class PrefetchTests
{
    [Fact]
    public void Items_arrive_in_order_and_complete()
    {
        var items = Prefetch.Ahead(Enumerable.Range(0, 10_000), capacity: 7).ToList();
        Assert.Equal(Enumerable.Range(0, 10_000), items);
    }

    [Fact]
    public void A_producer_exception_reaches_the_consumer_after_the_items_before_it()
    {
        static IEnumerable<int> Failing()
        {
            for (int i = 0; i < 5; i++) yield return i;
            throw new InvalidDataException("bad document 5");
        }
        var seen = new List<int>();
        var e = Assert.Throws<InvalidDataException>(() => { foreach (int i in Prefetch.Ahead(Failing(), 2)) seen.Add(i); });
        Assert.Equal("bad document 5", e.Message);
        Assert.Equal([0, 1, 2, 3, 4], seen);
    }

    [Fact]
    public void Stopping_early_stops_the_producer_within_the_capacity()
    {
        int produced = 0;
        IEnumerable<int> Endless()
        {
            for (int i = 0; ; i++)
            {
                Interlocked.Increment(ref produced);
                yield return i;
            }
        }
        var first = Prefetch.Ahead(Endless(), capacity: 3).Take(10).ToList();
        Assert.Equal(Enumerable.Range(0, 10), first);
        int after = Volatile.Read(ref produced);
        Thread.Sleep(50);
        Assert.Equal(after, Volatile.Read(ref produced));   // the enumerator's disposal waited for the producer to end
        Assert.InRange(after, 10, 10 + 3 + 1);               // at most a queue's worth (plus the one being added) beyond what was taken
    }
}
