using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace SaePipeline.Cache;

/// <summary>
/// A cache in an S3 bucket (<c>s3://bucket/prefix</c>), or any S3-compatible store (MinIO, Ceph, a test server).
/// Credentials and region come from the usual AWS places (AWS_ACCESS_KEY_ID…, ~/.aws, instance roles); an endpoint in
/// <c>AWS_ENDPOINT_URL_S3</c> or <c>AWS_ENDPOINT_URL</c> selects another store, addressed path-style. S3 has no
/// rename, but each object appears whole: an entry's files are uploaded first and its manifest.json last, so an
/// upload cut short leaves objects that no reader counts as an entry.
/// </summary>
public sealed class S3Cache : ResultCache
{
    /// <summary>Larger files go up in parts (one PUT takes at most 5 GiB).</summary>
    const long SinglePutBytes = 1L << 30;

    readonly AmazonS3Client client;
    readonly string bucket, prefix;

    S3Cache(string location, AmazonS3Client client, string bucket, string prefix)
    {
        Location = location;
        this.client = client;
        this.bucket = bucket;
        this.prefix = prefix;
    }

    public override string Location { get; }

    public static S3Cache Connect(string location)
    {
        string rest = location["s3://".Length..];
        int slash = rest.IndexOf('/');
        string bucket = slash < 0 ? rest : rest[..slash], prefix = slash < 0 ? "" : rest[(slash + 1)..].Trim('/');
        if (bucket.Length == 0)
            throw new Runtime.PipelineException($"'{location}' names no bucket; write the cache as s3://bucket or s3://bucket/prefix", "-p:Cache") { Code = "SAE1003" };
        var config = new AmazonS3Config
        {
            // The SDK's default CRC checksums with chunked trailers are not spoken by every S3-compatible store; the
            // manifest's sha256 checks every file anyway.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        string region = Env("AWS_REGION") ?? Env("AWS_DEFAULT_REGION") ?? "us-east-1";
        if ((Env("AWS_ENDPOINT_URL_S3") ?? Env("AWS_ENDPOINT_URL")) is { } endpoint)
        {
            config.ServiceURL = endpoint;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = region;
        }
        else config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(region);
        return new S3Cache(location.TrimEnd('/'), new AmazonS3Client(config), bucket, prefix);
    }

    static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

    string ObjectKey(string key, string file) => prefix.Length == 0 ? $"{key}/{file}" : $"{prefix}/{key}/{file}";

    public override string? ReadManifest(string key)
    {
        try
        {
            using var response = client.GetObjectAsync(bucket, ObjectKey(key, Artifacts.Manifest.FileName)).GetAwaiter().GetResult();
            using var reader = new StreamReader(response.ResponseStream);
            return reader.ReadToEnd();
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public override void Download(string key, string file, string destination)
    {
        string objectKey = ObjectKey(key, file);
        try
        {
            using var response = client.GetObjectAsync(bucket, objectKey).GetAwaiter().GetResult();
            using var output = new FileStream(destination, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
            response.ResponseStream.CopyTo(output);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new FileNotFoundException($"s3://{bucket}/{objectKey} is missing", objectKey);
        }
    }

    public override bool Publish(string key, string sourceDir, IReadOnlyList<string> files, bool replace)
    {
        if (!replace && ReadManifest(key) is not null) return false;
        foreach (var file in files.Append(Artifacts.Manifest.FileName))
        {
            string path = Path.Combine(sourceDir, file);
            if (new FileInfo(path).Length <= SinglePutBytes)
                client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = ObjectKey(key, file), FilePath = path, UseChunkEncoding = false })
                    .GetAwaiter().GetResult();
            else
                new Amazon.S3.Transfer.TransferUtility(client).UploadAsync(path, bucket, ObjectKey(key, file)).GetAwaiter().GetResult();
        }
        return true;
    }

    public override void Dispose() => client.Dispose();
}
