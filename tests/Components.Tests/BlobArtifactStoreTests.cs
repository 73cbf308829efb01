using System.Security.Cryptography;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ShipSec.Shared.Artifacts;

namespace ShipSec.Components.Tests;

/// <summary>Against the real Azurite; every test gets its own container, deleted afterwards.</summary>
public sealed class BlobArtifactStoreTests : IAsyncLifetime
{
    private static readonly string ConnectionString =
        Environment.GetEnvironmentVariable("ConnectionStrings__Storage")
        ?? "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;";

    private readonly string container = $"test-{Guid.NewGuid():N}";
    private readonly BlobArtifactStore store;

    public BlobArtifactStoreTests()
        => store = new BlobArtifactStore(
            Options.Create(new ArtifactStorageOptions { ConnectionString = ConnectionString, Container = container }),
            NullLogger<BlobArtifactStore>.Instance);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
        => await new BlobServiceClient(ConnectionString).GetBlobContainerClient(container).DeleteIfExistsAsync();

    [Fact]
    public async Task Saves_streamed_bytes_and_reads_them_back_with_size_and_sha256()
    {
        var bytes = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        var descriptor = new ArtifactDescriptor("run-1", "scan", 2, "a1", "nmap.xml", "application/xml");

        // A forward-only stream, as a component producing output on the fly would give.
        var reference = await store.SaveAsync(descriptor, new ForwardOnlyStream(bytes));

        Assert.Equal(bytes.Length, reference.Size);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), reference.Sha256);
        Assert.Equal("run-1/scan/2/a1/nmap.xml", reference.BlobName);
        Assert.Equal(container, reference.Container);
        Assert.Equal(("a1", "nmap.xml", "application/xml"), (reference.ArtifactId, reference.Name, reference.ContentType));

        await using var opened = await store.OpenAsync(reference);
        Assert.NotNull(opened);
        Assert.Equal("application/xml", opened.ContentType);
        Assert.Equal(bytes.Length, opened.Size);
        using var copy = new MemoryStream();
        await opened.Content.CopyToAsync(copy);
        Assert.Equal(bytes, copy.ToArray());
    }

    [Fact]
    public async Task A_traversal_name_stays_inside_its_run_prefix()
    {
        var reference = await store.SaveAsync(
            new ArtifactDescriptor("run-2", "report", 1, "a9", "../../etc/passwd", "text/plain"),
            new MemoryStream("root:x:0:0"u8.ToArray()));

        Assert.Equal("run-2/report/1/a9/etc_passwd", reference.BlobName);
        var names = new List<string>();
        await foreach (var blob in new BlobServiceClient(ConnectionString).GetBlobContainerClient(container).GetBlobsAsync())
        {
            names.Add(blob.Name);
        }

        Assert.Equal(["run-2/report/1/a9/etc_passwd"], names);
    }

    [Theory]
    [InlineData("..", "artifact")]
    [InlineData("a/./b\\..\\c", "a_b_c")]
    [InlineData("report.md", "report.md")]
    [InlineData("evil\n.", "evil")]
    public void Safe_names_are_one_segment(string name, string safe) => Assert.Equal(safe, BlobNames.SafeName(name));

    [Fact]
    public async Task Ids_that_would_escape_their_segment_are_rejected()
        => await Assert.ThrowsAsync<ArgumentException>(() => store.SaveAsync(
            new ArtifactDescriptor("..", "node", 1, "a", "x.txt", "text/plain"), new MemoryStream([1])));

    [Fact]
    public async Task A_missing_blob_opens_as_null()
    {
        var saved = await store.SaveAsync(new ArtifactDescriptor("run-3", "n", 1, "a", "x.txt", "text/plain"), new MemoryStream([1, 2]));

        Assert.Null(await store.OpenAsync(saved with { BlobName = "run-3/n/1/a/missing.txt" }));
        Assert.Null(await store.OpenAsync(saved with { Container = $"missing-{Guid.NewGuid():N}" }));
    }

    [Fact]
    public async Task The_report_component_stores_its_artifacts_through_the_store()
    {
        var context = new RecordingComponentContext(new { findings = new[] { "one" } }, store: store) { RunId = "run-4", NodeId = "report" };

        await new ReportComponent().ExecuteAsync(context);

        Assert.Equal(["report.md", "report.json"], context.Artifacts.Select(a => a.Reference.Name));
        foreach (var artifact in context.Artifacts)
        {
            await using var opened = await store.OpenAsync(artifact.Reference);
            using var copy = new MemoryStream();
            await opened!.Content.CopyToAsync(copy);
            Assert.Equal(artifact.Content, copy.ToArray());
            Assert.StartsWith("run-4/report/1/", artifact.Reference.BlobName, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Configuration_falls_back_to_the_storage_connection_string_and_validates_the_container()
    {
        using var good = Provider(new() { ["ConnectionStrings:Storage"] = ConnectionString, ["Artifacts:Container"] = container });
        Assert.Equal(ConnectionString, good.GetRequiredService<IOptions<ArtifactStorageOptions>>().Value.ConnectionString);
        Assert.IsType<BlobArtifactStore>(good.GetRequiredService<IArtifactStore>());

        using var badName = Provider(new() { ["ConnectionStrings:Storage"] = ConnectionString, ["Artifacts:Container"] = "Bad_Name" });
        var nameError = Assert.Throws<OptionsValidationException>(() => badName.GetRequiredService<IOptions<ArtifactStorageOptions>>().Value);
        Assert.Contains("Container", nameError.Message, StringComparison.Ordinal);

        using var nothing = Provider([]);
        var missing = Assert.Throws<OptionsValidationException>(() => nothing.GetRequiredService<IOptions<ArtifactStorageOptions>>().Value);
        Assert.Contains("ConnectionStrings:Storage", missing.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Provider(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddLogging();
        return services.AddShipSecArtifacts().BuildServiceProvider();
    }

    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private int position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            // Short reads on purpose, like a pipe.
            var read = Math.Min(Math.Min(count, 7000), bytes.Length - position);
            Array.Copy(bytes, position, buffer, offset, read);
            position += read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
