using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ShipSec.Shared.Json;
using ShipSec.Shared.Trace;
using ShipSec.TestSupport;

namespace ShipSec.LocalHost.Tests.Replay;

/// <summary>Search across runs over a real local host: two runs logging different words, filters, paging, hostile text.</summary>
public sealed class SearchTests(InMemoryLocalHostFixture host) : IClassFixture<InMemoryLocalHostFixture>, IAsyncLifetime
{
    // xunit makes an instance per test; the two runs are started once per host (its own schema).
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<InMemoryLocalHostFixture, Task<(string Zebra, string Mango)>> Runs = [];

    private string zebraRun = "";
    private string mangoRun = "";

    public async Task InitializeAsync()
    {
        Task<(string Zebra, string Mango)> runs;
        lock (Runs)
        {
            runs = Runs.GetValue(host, StartRunsAsync);
        }

        (zebraRun, mangoRun) = await runs;
    }

    private static async Task<(string Zebra, string Mango)> StartRunsAsync(InMemoryLocalHostFixture host)
    {
        var zebraRun = await host.StartRunAsync("""
            { "id": "search-zebra", "name": "zebra", "nodes": [
              { "id": "z", "component": "core.log", "inputs": { "message": "zebra crossed the quartz lantern", "count": 5, "level": "warn" } } ] }
            """);
        var mangoRun = await host.StartRunAsync("""
            { "id": "search-mango", "name": "mango", "nodes": [
              { "id": "m", "component": "core.log", "inputs": { "message": "mango flute", "count": 3 } },
              { "id": "breaks", "component": "core.fail", "inputs": { "message": "quartz reactor breaks" } } ] }
            """);
        await host.WaitForEndAsync(zebraRun);
        await host.WaitForEndAsync(mangoRun);
        return (zebraRun, mangoRun);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<RunSearchPage> SearchAsync(string query)
    {
        using var response = await host.Http.GetAsync(new Uri("api/search?" + query, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<RunSearchPage>(ShipSecJson.Options))!;
    }

    [Fact]
    public async Task A_word_is_found_in_the_run_that_logged_it_and_no_other()
    {
        var page = await SearchAsync("q=zebra");

        Assert.Equal(5, page.Results.Count);
        Assert.All(page.Results, r =>
        {
            Assert.Equal(zebraRun, r.RunId);
            Assert.Equal("search-zebra", r.WorkflowId);
            Assert.Equal("z", r.NodeId);
            Assert.Contains("«zebra»", r.Snippet, StringComparison.Ordinal);
        });
        Assert.Equal(page.Results.OrderByDescending(r => r.Timestamp).ThenByDescending(r => r.Sequence), page.Results);
        Assert.Null(page.NextCursor);
        var flute = (await SearchAsync("q=flute")).Results;
        Assert.Equal(3, flute.Count);
        Assert.All(flute, r => Assert.Equal(mangoRun, r.RunId));
    }

    [Fact]
    public async Task A_failure_message_is_found_and_filters_narrow_the_results()
    {
        var both = await SearchAsync("q=quartz");
        Assert.Equal(6, both.Results.Count);

        var failure = Assert.Single((await SearchAsync("q=quartz&workflowId=search-mango")).Results);
        Assert.Equal(mangoRun, failure.RunId);
        Assert.Equal("breaks", failure.NodeId);
        Assert.Contains("«quartz»", failure.Snippet, StringComparison.Ordinal);

        Assert.Equal(failure, Assert.Single((await SearchAsync("q=quartz&level=error")).Results));
        Assert.Equal(5, (await SearchAsync("q=quartz&nodeId=z")).Results.Count);
        Assert.Equal(5, (await SearchAsync("q=quartz&level=warn")).Results.Count);
        var future = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O"));
        Assert.Empty((await SearchAsync($"q=quartz&from={future}")).Results);
        Assert.Equal(6, (await SearchAsync($"q=quartz&to={future}")).Results.Count);
    }

    [Fact]
    public async Task Pages_follow_the_cursor_without_repeating_or_missing_a_result()
    {
        var all = (await SearchAsync("q=zebra")).Results;
        var seen = new List<RunSearchResult>();
        var query = "q=zebra&limit=2";
        while (true)
        {
            var page = await SearchAsync(query);
            Assert.True(page.Results.Count <= 2);
            seen.AddRange(page.Results);
            if (page.NextCursor is null)
            {
                break;
            }

            query = $"q=zebra&limit=2&cursor={Uri.EscapeDataString(page.NextCursor)}";
        }

        Assert.Equal(all, seen);
    }

    [Theory]
    [InlineData("'); DROP TABLE runs; --")]
    [InlineData("\"unterminated | & ! ( :*")]
    public async Task Sql_and_query_metacharacters_are_only_text(string text)
    {
        var page = await SearchAsync("q=" + Uri.EscapeDataString(text));

        Assert.All(page.Results, r => Assert.Equal(zebraRun, r.RunId));
        Assert.NotEmpty((await SearchAsync("q=mango")).Results);
    }

    [Theory]
    [InlineData("", "?q")]
    [InlineData("q=%20", "?q")]
    [InlineData("q=zebra%00", "?q")]
    [InlineData("q=zebra&level=loud", "?level")]
    [InlineData("q=zebra&cursor=nonsense", "?cursor")]
    [InlineData("q=zebra&limit=0", "?limit")]
    public async Task A_bad_parameter_is_a_400_naming_it(string query, string field)
    {
        using var response = await host.Http.GetAsync(new Uri("api/search?" + query, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(field, problem.RootElement.GetProperty("errors")[0].GetProperty("field").GetString());
    }
}
