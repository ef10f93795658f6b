using NServe.Server.Options;

namespace NServe.Server.Tests.Options;

public sealed class FlagTableTests
{
    private const int Cpus = 3;

    [Fact]
    public void Documents_48_flags_and_all_are_accepted_in_main_cc_order()
    {
        Assert.Equal(48, DocumentedFlags.All.Length);
        var tfFlags = ServerFlags.All.Take(48).Select(f => f.Name);
        Assert.Equal(DocumentedFlags.All.Select(r => r.Name), tfFlags);
    }

    [Theory]
    [MemberData(nameof(DocumentedFlags.Names), MemberType = typeof(DocumentedFlags))]
    public void Default_matches_flags_md(string name)
    {
        var row = DocumentedFlags.Get(name);
        var options = ServerFlagParser.Parse([], "/work", Cpus).Options;

        Assert.Equal(DocumentedFlags.ExpectedDefault(row, Cpus), row.Property(options));
        Assert.Equal(DocumentedFlags.ExpectedDefault(row, Cpus), row.Property(new ServerOptions(Cpus)));
    }

    [Theory]
    [MemberData(nameof(DocumentedFlags.Names), MemberType = typeof(DocumentedFlags))]
    public void Type_matches_flags_md(string name)
    {
        var flag = ServerFlags.Find(name);
        Assert.NotNull(flag);
        Assert.Equal(DocumentedFlags.Get(name).Type, flag.TypeName);
    }

    [Theory]
    [MemberData(nameof(DocumentedFlags.Names), MemberType = typeof(DocumentedFlags))]
    public void Setting_a_flag_changes_its_property_and_no_other(string name)
    {
        var row = DocumentedFlags.Get(name);
        var (text, value) = DocumentedFlags.NonDefault(row);

        var result = ServerFlagParser.Parse([$"--{name}={text}"], "/work", Cpus);

        Assert.Empty(result.Errors);
        Assert.Empty(result.Warnings);
        Assert.Equal([name], result.ExplicitlySetFlags);
        foreach (var other in DocumentedFlags.All)
        {
            var expected = other.Name == name ? value : DocumentedFlags.ExpectedDefault(other, Cpus);
            Assert.Equal(expected, other.Property(result.Options));
        }
    }

    [Fact]
    public void Every_flag_has_a_support_entry_and_a_description()
    {
        foreach (var flag in ServerFlags.All)
        {
            _ = FlagSupport.IsActedOn(flag.Name); // throws when the entry is missing
            Assert.False(string.IsNullOrWhiteSpace(flag.Description), flag.Name);
        }
    }

    [Fact]
    public void Flag_names_are_unique()
    {
        Assert.Equal(ServerFlags.All.Count, ServerFlags.All.Select(f => f.Name).Distinct().Count());
    }

    [Fact]
    public void Unknown_name_is_not_found_and_lookup_is_case_sensitive()
    {
        Assert.Null(ServerFlags.Find("Port"));
        Assert.Null(ServerFlags.Find("no_such_flag"));
        Assert.NotNull(ServerFlags.Find("port"));
    }
}
