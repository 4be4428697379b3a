using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using SaePipeline.Artifacts;
using SaePipeline.Cache;
using SaePipeline.Runtime;

namespace SaePipeline.Tests;

/// <summary>
/// The S3 backend of the shared result cache against a real S3 server: s3rver (a fake S3 in Node.js, installed by
/// .ci/s3rver-up.sh), started by these tests on a port of its own, with the AWS SDK speaking to it over HTTP exactly as
/// to S3 or MinIO. A mock of the SDK would pass whatever the SDK and a store actually disagree about (checksums, chunked
/// uploads, path-style addressing, how a missing key is reported), which is what these tests are for.
/// </summary>
public sealed class S3CacheTests(S3CacheTests.S3rver s3) : IClassFixture<S3CacheTests.S3rver>
{
    static StageSpec Spec() => new()
    {
        Stage = "TrainSae", Name = "a", Id = "a-12345678", Fingerprint = new string('1', 64), Output = "saes/a-12345678",
        Code = ProgramCode.Current.Of("SaePipeline.Sae", CodeSensitivity.Stage),
        Inputs = new Dictionary<string, SpecInput>(), Params = new() { ["x"] = 1 },
    };

    /// <summary>
    /// A finished result of <paramref name="spec"/> under <paramref name="root"/>, as a stage leaves it: a small json, a
    /// binary in a subfolder (large enough to take more than one read of the response stream) and an empty file (S3
    /// objects of 0 bytes are a case of their own). <paramref name="seed"/> varies the binary's bytes, not its size.
    /// </summary>
    static string MakeResult(string root, StageSpec spec, int seed)
    {
        string final = Path.Combine(root, spec.Output);
        using var writer = ArtifactWriter.Begin(final);
        File.WriteAllText(Path.Combine(writer.Dir, "cfg.json"), """{"d_sae": 48}""");
        Directory.CreateDirectory(Path.Combine(writer.Dir, "sub"));
        var weights = new byte[300_000];
        new Random(seed).NextBytes(weights);
        File.WriteAllBytes(Path.Combine(writer.Dir, "sub", "w.bin"), weights);
        File.WriteAllBytes(Path.Combine(writer.Dir, "empty.txt"), []);
        writer.Commit(spec);
        return final;
    }

    /// <summary>Every file of a folder, relative and sorted, manifest.json included.</summary>
    static List<string> FilesOf(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir, f)).Order(StringComparer.Ordinal).ToList();

    static void AssertSameFiles(string expected, string actual)
    {
        Assert.Equal(FilesOf(expected), FilesOf(actual));
        foreach (var file in FilesOf(expected))
            Assert.True(File.ReadAllBytes(Path.Combine(expected, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, file))),
                        $"{file} differs from the published one");
    }

    /// <summary>Assert.Empty would cut the warning short, and the warning is what says what went wrong.</summary>
    static void AssertNoWarnings(List<string> warnings) => Assert.True(warnings.Count == 0, string.Join("\n", warnings));

    /// <summary>What a failed fetch may leave in an artifacts root: nothing, not even the writer's temporary folder.</summary>
    static void AssertNothingWritten(string root, StageSpec spec)
    {
        string parent = Path.GetDirectoryName(Path.Combine(root, spec.Output))!;
        if (Directory.Exists(parent)) Assert.Empty(Directory.EnumerateFileSystemEntries(parent));
    }

    /// <summary>A cache prefix of this test's own: the tests share one server and one bucket.</summary>
    static string NewPrefix() => $"some/prefix/{Guid.NewGuid():N}";

    static string EntryPrefix(string prefix, StageSpec spec) => $"{prefix}/{ResultCache.Key(spec.Stage, spec.Id, spec.Fingerprint)}/";

    [SkippableFact]
    public void APublishedResultIsFetchedByteForByteIntoAnotherArtifactsRoot()
    {
        s3.Require();
        using var dir = new TempDir();
        var spec = Spec();
        string made = MakeResult(Path.Combine(dir.Path, "here"), spec, seed: 1), there = Path.Combine(dir.Path, "there");
        string prefix = NewPrefix();
        var warnings = new List<string>();
        using var cache = s3.Open(prefix);
        Assert.IsType<S3Cache>(cache);

        Assert.True(CachedResult.Publish(cache, made, replaceDamaged: false, warnings.Add));
        // The documented layout: <prefix>/v1/<Stage>/<id>/<fingerprint>/<file>, one object per file.
        Assert.Equal(FilesOf(made).Select(f => EntryPrefix(prefix, spec) + f), s3.Keys(EntryPrefix(prefix, spec)));

        var fetch = CachedResult.TryFetch(cache, spec, there, warnings.Add);
        AssertNoWarnings(warnings);
        Assert.False(fetch.Damaged);
        Assert.NotNull(fetch.Manifest);
        string fetched = Path.Combine(there, spec.Output);
        AssertSameFiles(made, fetched);   // manifest.json included: the result made there, timings and all
        Assert.Equal(Manifest.Load(made).Files, fetch.Manifest.Files);
        Assert.Equal(FilesOf(made).Where(f => f != Manifest.FileName).Sum(f => new FileInfo(Path.Combine(made, f)).Length), fetch.Bytes);
        Assert.Equal([fetched], Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(fetched)!));   // no temporary folder left
    }

    /// <summary>
    /// A file past the single-PUT size goes up in parts; each part without chunked framing, which s3rver (and other
    /// S3-compatible stores) would otherwise keep as the object's bytes. The sizes are shrunk so that 12 MiB takes three
    /// parts (S3's minimum part is 5 MiB).
    /// </summary>
    [SkippableFact]
    public void ALargeFileGoesUpInPartsAndComesBackByteForByte()
    {
        s3.Require();
        using var dir = new TempDir();
        var spec = Spec();
        string made = Path.Combine(dir.Path, "here", spec.Output), there = Path.Combine(dir.Path, "there");
        using (var writer = ArtifactWriter.Begin(made))
        {
            var weights = new byte[12 << 20];
            new Random(7).NextBytes(weights);
            File.WriteAllBytes(Path.Combine(writer.Dir, "sae_weights.safetensors"), weights);
            writer.Commit(spec);
        }
        var warnings = new List<string>();
        using var cache = s3.Open(NewPrefix());
        var s3Cache = Assert.IsType<S3Cache>(cache);
        s3Cache.MultipartAbove = 6 << 20;
        s3Cache.PartBytes = 5 << 20;

        Assert.True(CachedResult.Publish(cache, made, replaceDamaged: false, warnings.Add));
        var fetch = CachedResult.TryFetch(cache, spec, there, warnings.Add);
        AssertNoWarnings(warnings);
        Assert.NotNull(fetch.Manifest);
        AssertSameFiles(made, Path.Combine(there, spec.Output));
    }

    [SkippableFact]
    public void AnEntryWithAnOverwrittenObjectIsDamagedWritesNothingAndIsRepairedByPublishingAgain()
    {
        s3.Require();
        using var dir = new TempDir();
        var spec = Spec();
        string made = MakeResult(Path.Combine(dir.Path, "here"), spec, seed: 1), there = Path.Combine(dir.Path, "there");
        string prefix = NewPrefix();
        var warnings = new List<string>();
        using var cache = s3.Open(prefix);
        Assert.True(CachedResult.Publish(cache, made, replaceDamaged: false, warnings.Add));

        // Bit rot, or a writer that went wrong: other bytes, the same size, so only the sha256 can tell.
        var other = File.ReadAllBytes(Path.Combine(made, "sub", "w.bin"));
        for (int i = 0; i < other.Length; i += 1000) other[i] ^= 0xff;
        s3.Put(EntryPrefix(prefix, spec) + "sub/w.bin", other);

        var fetch = CachedResult.TryFetch(cache, spec, there, warnings.Add);
        Assert.True(fetch.Damaged);
        Assert.Null(fetch.Manifest);
        string warning = Assert.Single(warnings);
        Assert.Contains("warning SAE6001", warning);
        Assert.Contains("sub/w.bin does not match the sha256", warning);
        AssertNothingWritten(there, spec);

        // A plain publish keeps what is there (it cannot tell a damaged entry from another publisher's); the stage
        // that saw the damage replaces it.
        warnings.Clear();
        Assert.False(CachedResult.Publish(cache, made, replaceDamaged: false, warnings.Add));
        Assert.True(CachedResult.Publish(cache, made, replaceDamaged: true, warnings.Add));
        fetch = CachedResult.TryFetch(cache, spec, there, warnings.Add);
        AssertNoWarnings(warnings);
        Assert.False(fetch.Damaged);
        Assert.NotNull(fetch.Manifest);
        AssertSameFiles(made, Path.Combine(there, spec.Output));
    }

    [SkippableFact]
    public void AnUploadCutShortBeforeItsManifestIsNotUsedAndTheNextPublishReplacesIt()
    {
        s3.Require();
        using var dir = new TempDir();
        var spec = Spec();
        string made = MakeResult(Path.Combine(dir.Path, "here"), spec, seed: 1), there = Path.Combine(dir.Path, "there");
        string prefix = NewPrefix();
        // What a publisher killed before its last PUT leaves: every file, no manifest.json.
        foreach (var file in Manifest.Load(made).Files)
            s3.Put(EntryPrefix(prefix, spec) + file.Path, File.ReadAllBytes(Path.Combine(made, file.Path)));
        var warnings = new List<string>();
        using var cache = s3.Open(prefix);

        var fetch = CachedResult.TryFetch(cache, spec, there, warnings.Add);
        Assert.Null(fetch.Manifest);
        Assert.True(fetch.Damaged);
        Assert.Contains("warning SAE6001: this cache entry is damaged (it has files but no manifest.json: an upload cut short, or one still under way)",
                        Assert.Single(warnings));
        AssertNothingWritten(there, spec);
        warnings.Clear();

        Assert.True(CachedResult.Publish(cache, made, replaceDamaged: fetch.Damaged, warnings.Add));
        Assert.NotNull(CachedResult.TryFetch(cache, spec, there, warnings.Add).Manifest);
        AssertNoWarnings(warnings);
    }

    [SkippableFact]
    public void AnUnreachableStoreIsAMissWithAWarningWithinSeconds()
    {
        s3.Require();
        using var dir = new TempDir();
        var spec = Spec();
        string made = MakeResult(Path.Combine(dir.Path, "here"), spec, seed: 1), there = Path.Combine(dir.Path, "there");
        var warnings = new List<string>();
        using var cache = s3.Open(NewPrefix(), endpoint: $"http://127.0.0.1:{ClosedPort()}");

        var clock = Stopwatch.StartNew();
        var fetch = CachedResult.TryFetch(cache, spec, there, warnings.Add);
        var fetchTook = clock.Elapsed;
        Assert.Null(fetch.Manifest);
        Assert.False(fetch.Damaged);
        Assert.Contains("warning SAE6002", Assert.Single(warnings));
        AssertNothingWritten(there, spec);
        // Every item of a build asks the cache first: a store that is down must cost seconds, not the SDK's retries.
        Assert.True(fetchTook < TimeSpan.FromSeconds(5), $"the fetch took {fetchTook.TotalSeconds:F1} s");

        // Publishing to it loses nothing either: a warning, and the result stays here.
        warnings.Clear();
        Assert.False(CachedResult.Publish(cache, made, replaceDamaged: false, warnings.Add));
        Assert.Contains("warning SAE6003", Assert.Single(warnings));
        Manifest.Load(made, verifyHashes: true);
    }

    [SkippableFact]
    public void PublishingOverAnExistingEntryKeepsItAndSaysSo()
    {
        s3.Require();
        using var dir = new TempDir();
        var spec = Spec();
        string first = MakeResult(Path.Combine(dir.Path, "first"), spec, seed: 1);
        string second = MakeResult(Path.Combine(dir.Path, "second"), spec, seed: 2);   // same item and fingerprint, other bytes
        string there = Path.Combine(dir.Path, "there");
        var warnings = new List<string>();
        using var cache = s3.Open(NewPrefix());

        Assert.True(CachedResult.Publish(cache, first, replaceDamaged: false, warnings.Add));
        Assert.False(CachedResult.Publish(cache, second, replaceDamaged: false, warnings.Add));
        AssertNoWarnings(warnings);
        Assert.NotNull(CachedResult.TryFetch(cache, spec, there, warnings.Add).Manifest);
        AssertSameFiles(first, Path.Combine(there, spec.Output));
    }

    /// <summary>A localhost port that nothing listens on (it was free a moment ago, and nothing here binds it).</summary>
    static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>
    /// One s3rver for the tests of this class, with an empty data folder and the bucket <see cref="Bucket"/>. S3Cache
    /// reads its endpoint and credentials from the environment, so the fixture sets the AWS_* variables for the test
    /// process (and restores them after): environment variables are process-wide and other test classes run in
    /// parallel, but nothing else in this process reads AWS_*; the tests of one class run one at a time.
    /// </summary>
    public sealed class S3rver : IDisposable
    {
        public const string Bucket = "sae-cache";
        const string NotInstalled = "s3rver not installed: run .ci/s3rver-up.sh";
        static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

        /// <summary>
        /// The variables set, and those cleared: a session token or profile from the developer's shell would otherwise
        /// be sent with (or chosen over) s3rver's fixed keys, and AWS_ENDPOINT_URL_S3 is read before AWS_ENDPOINT_URL.
        /// </summary>
        static readonly string[] AwsVariables =
            ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION"];

        readonly Dictionary<string, string?> saved = [];
        readonly Process? server;
        readonly TempDir? data;
        readonly string? missing;
        readonly AmazonS3Client? client;

        public S3rver()
        {
            string bin = Environment.GetEnvironmentVariable("SAE_TEST_S3RVER") is { Length: > 0 } named
                ? named
                : Path.Combine(Fixtures.RepoRoot, ".ci", "tools", "s3rver", "node_modules", ".bin", "s3rver");
            if (!File.Exists(bin))
            {
                missing = bin;
                return;
            }
            data = new TempDir();
            var start = new ProcessStartInfo(bin) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            // Port 0: s3rver binds a free port itself and prints it, so parallel test runs never race for one.
            foreach (var arg in new[] { "--directory", data.Path, "--address", "127.0.0.1", "--port", "0", "--silent", "--configure-bucket", Bucket })
                start.ArgumentList.Add(arg);
            server = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {bin}");
            var stderr = new System.Text.StringBuilder();
            server.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
            server.BeginErrorReadLine();
            try
            {
                Endpoint = $"http://127.0.0.1:{WaitForPort(server, stderr)}";
            }
            catch
            {
                Stop();
                data.Dispose();
                throw;
            }
            // --silent keeps it to the one line read above; whatever else comes is read and dropped, so a full pipe can
            // never stall the server.
            _ = server.StandardOutput.ReadToEndAsync();
            foreach (var name in AwsVariables) saved[name] = Environment.GetEnvironmentVariable(name);
            foreach (var name in AwsVariables) Environment.SetEnvironmentVariable(name, null);
            Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_S3", Endpoint);
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "S3RVER");
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "S3RVER");
            Environment.SetEnvironmentVariable("AWS_REGION", "us-east-1");
            client = new AmazonS3Client(new BasicAWSCredentials("S3RVER", "S3RVER"), new AmazonS3Config
            {
                ServiceURL = Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1",
                RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
                ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            });
        }

        /// <summary>The server's address, http://127.0.0.1:port.</summary>
        public string? Endpoint { get; }

        static bool OnCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

        /// <summary>
        /// Every test's first line: skips it where s3rver is not installed, a developer's machine without node; fails it
        /// on CI (CI=true), which must run these tests, not report them skipped.
        /// </summary>
        public void Require()
        {
            if (missing is null) return;
            if (OnCi) Assert.Fail($"{NotInstalled} (CI=true, and there is no {missing})");
            Skip.If(true, NotInstalled);
        }

        static int WaitForPort(Process server, System.Text.StringBuilder stderr)
        {
            using var timeout = new CancellationTokenSource(StartTimeout);
            string? line;
            int port = 0;
            try
            {
                while ((line = server.StandardOutput.ReadLineAsync(timeout.Token).AsTask().GetAwaiter().GetResult()) is not null)
                    if (Regex.Match(line, @"listening on 127\.0\.0\.1:(\d+)") is { Success: true } m)
                    {
                        port = int.Parse(m.Groups[1].Value);
                        break;
                    }
            }
            catch (OperationCanceledException)
            {
            }
            if (port == 0)
                lock (stderr)
                    throw new InvalidOperationException($"s3rver did not say where it listens within {StartTimeout.TotalSeconds} s: {stderr}");
            // It prints the line once it listens; connecting once makes sure before any test relies on it.
            using var probe = new TcpClient();
            probe.Connect(IPAddress.Loopback, port);
            return port;
        }

        /// <summary>The cache at s3://sae-cache/<paramref name="prefix"/>, opened as a build opens it (from the environment).</summary>
        public ResultCache Open(string prefix, string? endpoint = null)
        {
            if (endpoint is null) return ResultCache.Open($"s3://{Bucket}/{prefix}");
            // Another endpoint for this one cache: S3Cache reads it once, when it connects.
            Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_S3", endpoint);
            try
            {
                return ResultCache.Open($"s3://{Bucket}/{prefix}");
            }
            finally
            {
                Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_S3", Endpoint);
            }
        }

        /// <summary>Writes one object directly, as another program (or a fault) would.</summary>
        public void Put(string key, byte[] bytes)
        {
            using var body = new MemoryStream(bytes);
            client!.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, InputStream = body, UseChunkEncoding = false })
                .GetAwaiter().GetResult();
        }

        /// <summary>The keys of the bucket under <paramref name="prefix"/>, sorted.</summary>
        public List<string> Keys(string prefix) =>
            (client!.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, Prefix = prefix }).GetAwaiter().GetResult().S3Objects ?? [])
                .Select(o => o.Key).Order(StringComparer.Ordinal).ToList();

        void Stop()
        {
            if (server is null) return;
            try
            {
                if (!server.HasExited) server.Kill(entireProcessTree: true);
                server.WaitForExit(10_000);
            }
            catch (InvalidOperationException)
            {
                // It exited between the check and the kill.
            }
            server.Dispose();
        }

        public void Dispose()
        {
            client?.Dispose();
            foreach (var (name, value) in saved) Environment.SetEnvironmentVariable(name, value);
            Stop();
            data?.Dispose();
        }
    }
}
