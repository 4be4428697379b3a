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
    /// <summary>Files larger than this go up in parts (one PUT takes at most 5 GiB); settable for tests.</summary>
    internal long MultipartAbove { get; set; } = 1L << 30;

    /// <summary>The size of each part but the last (S3 takes 5 MiB to 5 GiB, and at most 10,000 parts: up to 640 GB here).</summary>
    internal long PartBytes { get; set; } = 64L << 20;

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

    /// <summary>An entry holds a handful of objects, so they are listed whole (s3rver listed none with MaxKeys = 1).</summary>
    public override bool HasFiles(string key) =>
        client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = ObjectKey(key, "") })
            .GetAwaiter().GetResult().S3Objects is { Count: > 0 };

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
            // Chunked (aws-chunked) bodies are off: some S3-compatible stores keep the chunk framing as the object's
            // bytes (s3rver did, and every such entry then failed its sha256 check).
            if (new FileInfo(path).Length <= MultipartAbove)
                client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = ObjectKey(key, file), FilePath = path, UseChunkEncoding = false })
                    .GetAwaiter().GetResult();
            else UploadInParts(path, ObjectKey(key, file));
        }
        return true;
    }

    /// <summary>
    /// A multipart upload, part by part without chunked bodies (the SDK's TransferUtility always sends them). An upload
    /// that fails is aborted, so the store keeps no orphaned parts.
    /// </summary>
    void UploadInParts(string path, string objectKey)
    {
        string uploadId = client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = objectKey })
            .GetAwaiter().GetResult().UploadId;
        try
        {
            long length = new FileInfo(path).Length;
            var parts = new List<PartETag>();
            for (int number = 1; (long)(number - 1) * PartBytes < length; number++)
            {
                long offset = (number - 1) * PartBytes;
                var response = client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = bucket, Key = objectKey, UploadId = uploadId, PartNumber = number,
                    FilePath = path, FilePosition = offset, PartSize = Math.Min(PartBytes, length - offset), UseChunkEncoding = false,
                }).GetAwaiter().GetResult();
                parts.Add(new PartETag(number, response.ETag));
            }
            client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = objectKey, UploadId = uploadId, PartETags = parts })
                .GetAwaiter().GetResult();
        }
        catch
        {
            try
            {
                client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = objectKey, UploadId = uploadId })
                    .GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException)
            {
                // The upload's own error is the one to report; the store expires abandoned parts by its own rules.
            }
            throw;
        }
    }

    public override void Dispose() => client.Dispose();
}
