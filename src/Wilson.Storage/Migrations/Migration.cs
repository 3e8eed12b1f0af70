namespace Wilson.Storage.Migrations;

/// <summary>One numbered schema change, read from an embedded <c>NNNN_name.sql</c>.</summary>
internal sealed record Migration(int Version, string Name, string Sql);
