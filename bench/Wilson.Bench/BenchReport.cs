namespace Wilson.Bench;

/// <summary>Every figure of the run, printed as one table at the end.</summary>
internal sealed class BenchReport
{
    private readonly List<ReportRow> _rows = [];

    public void Add(ReportRow row) => _rows.Add(row);

    public void Print(TextWriter output, string machine)
    {
        string[] header = ["database", "measure", "value", "target", "result"];
        var cells = _rows.Select(r => new[] { r.Database, r.Measure, r.Value, r.Target, r.Verdict }).ToList();
        var widths = header.Select((h, i) => cells.Select(c => c[i].Length).Append(h.Length).Max()).ToArray();
        output.WriteLine();
        output.WriteLine("Summary");
        output.WriteLine(Line(header, widths));
        output.WriteLine(Line(widths.Select(w => new string('-', w)).ToArray(), widths));
        foreach (var row in cells)
        {
            output.WriteLine(Line(row, widths));
        }

        var targets = _rows.Count(r => r.Pass is not null);
        var passed = _rows.Count(r => r.Pass == true);
        output.WriteLine();
        output.WriteLine($"targets: {passed} of {targets} passed");
        output.WriteLine(machine);
    }

    private static string Line(string[] cells, int[] widths) =>
        "| " + string.Join(" | ", cells.Select((c, i) => c.PadRight(widths[i]))) + " |";
}
