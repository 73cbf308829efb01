using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ShipSec.Shared.Artifacts;

namespace ShipSec.Shared.Tests.Artifacts;

/// <summary>Read links signed with the account key, against Azurite, each test in a container of its own.</summary>
public sealed class ArtifactLinkTests : IDisposable
{
    private static readonly string StorageConnectionString =
        Environment.GetEnvironmentVariable("ConnectionStrings__Storage") is { Length: > 0 } configured
            ? configured
            : "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;";

    private readonly string _container = "links-" + Guid.NewGuid().ToString("N");
    private readonly HttpClient _http = new();

    [Fact]
    public async Task A_link_downloads_the_artifact_without_credentials_within_its_lifetime()
    {
        var store = CreateStore();
        var bytes = "nmap report\n"u8.ToArray();
        var reference = await store.SaveAsync(new ArtifactDescriptor("run-1", "scan", 1, "a1", "report.txt", "text/plain"), new MemoryStream(bytes));
        var before = DateTimeOffset.UtcNow;

        var link = await store.TryCreateReadLinkAsync(reference, TimeSpan.FromMinutes(2));

        Assert.NotNull(link);
        Assert.InRange(link.ExpiresAt, before.AddMinutes(2).AddSeconds(-2), DateTimeOffset.UtcNow.AddMinutes(2));
        using var response = await _http.GetAsync(link.Url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Storage_refuses_a_link_once_its_expiry_has_passed_and_not_before()
    {
        var store = CreateStore();
        var reference = await store.SaveAsync(new ArtifactDescriptor("run-1", "scan", 1, "a4", "late.txt", "text/plain"), new MemoryStream("late"u8.ToArray()));
        var link = (await store.TryCreateReadLinkAsync(reference, TimeSpan.FromSeconds(1)))!;

        // Polled until storage refuses it (no fixed wait): the first refusal comes after the expiry the link reports.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        HttpStatusCode status;
        DateTimeOffset askedAt;
        do
        {
            askedAt = DateTimeOffset.UtcNow;
            using var response = await _http.GetAsync(link.Url, deadline.Token);
            status = response.StatusCode;
            if (status == HttpStatusCode.OK)
            {
                Assert.True(askedAt <= link.ExpiresAt.AddSeconds(1), $"still readable at {askedAt:O}, after its expiry {link.ExpiresAt:O}");
            }
        }
        while (status == HttpStatusCode.OK && await poll.WaitForNextTickAsync(deadline.Token));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.True(askedAt >= link.ExpiresAt.AddSeconds(-1), $"refused at {askedAt:O}, before its expiry {link.ExpiresAt:O}");
    }

    [Fact]
    public async Task A_link_only_reads()
    {
        var store = CreateStore();
        var reference = await store.SaveAsync(new ArtifactDescriptor("run-1", "scan", 1, "a2", "hosts.json", "application/json"), new MemoryStream("[]"u8.ToArray()));
        var link = await store.TryCreateReadLinkAsync(reference, TimeSpan.FromMinutes(1));

        using var overwrite = new HttpRequestMessage(HttpMethod.Put, link!.Url) { Content = new ByteArrayContent("tampered"u8.ToArray()) };
        overwrite.Headers.Add("x-ms-blob-type", "BlockBlob");
        using var response = await _http.SendAsync(overwrite);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_lifetime_beyond_the_cap_is_shortened()
    {
        var store = CreateStore();
        var reference = await store.SaveAsync(new ArtifactDescriptor("run-1", "scan", 1, "a3", "x.bin", "application/octet-stream"), new MemoryStream([1, 2, 3]));

        var link = await store.TryCreateReadLinkAsync(reference, TimeSpan.FromDays(7));

        Assert.True(link!.ExpiresAt <= DateTimeOffset.UtcNow + BlobArtifactStore.MaxLinkLifetime);
    }

    public void Dispose()
    {
        _http.Dispose();
        new Azure.Storage.Blobs.BlobContainerClient(StorageConnectionString, _container).DeleteIfExists();
    }

    private BlobArtifactStore CreateStore() => new(
        Options.Create(new ArtifactStorageOptions { ConnectionString = StorageConnectionString, Container = _container }),
        NullLogger<BlobArtifactStore>.Instance);
}
