using Wilson.Core.Plans;

namespace Wilson.Core.Tests.Plans;

public sealed class DependencyGraphTests
{
    private static Dictionary<string, IReadOnlyList<string>> Graph(params (string Node, string[] DependsOn)[] edges) =>
        edges.ToDictionary(e => e.Node, e => (IReadOnlyList<string>)e.DependsOn, StringComparer.Ordinal);

    [Fact]
    public void FindCycle_TwoCycle_ReturnsClosingPath()
    {
        var graph = Graph(("a", ["b"]), ("b", ["a"]));

        Assert.Equal(["a", "b", "a"], DependencyGraph.FindCycle(graph));
    }

    [Fact]
    public void FindCycle_ThreeCycle_ReturnsClosingPath()
    {
        var graph = Graph(("a", ["b"]), ("b", ["c"]), ("c", ["a"]));

        Assert.Equal(["a", "b", "c", "a"], DependencyGraph.FindCycle(graph));
    }

    [Fact]
    public void FindCycle_SelfLoop_ReturnsNodeTwice()
    {
        var graph = Graph(("a", []), ("b", ["b"]));

        Assert.Equal(["b", "b"], DependencyGraph.FindCycle(graph));
    }

    [Fact]
    public void FindCycle_CycleBehindATail_ReturnsOnlyTheCycle()
    {
        var graph = Graph(("a", ["b"]), ("b", ["c"]), ("c", ["d"]), ("d", ["b"]));

        Assert.Equal(["b", "c", "d", "b"], DependencyGraph.FindCycle(graph));
    }

    [Fact]
    public void FindCycle_Dag_ReturnsNull()
    {
        var graph = Graph(("a", ["b", "c"]), ("b", ["d"]), ("c", ["d"]), ("d", []));

        Assert.Null(DependencyGraph.FindCycle(graph));
    }

    [Fact]
    public void FindCycle_EdgesToUnknownNodes_AreIgnored()
    {
        var graph = Graph(("a", ["T-7"]), ("b", ["a", "missing"]));

        Assert.Null(DependencyGraph.FindCycle(graph));
    }

    [Fact]
    public void FindCycle_EmptyGraph_ReturnsNull()
    {
        Assert.Null(DependencyGraph.FindCycle(Graph()));
    }

    [Fact]
    public void TopologicalOrder_PutsDependenciesFirst()
    {
        var graph = Graph(("app", ["api", "ui"]), ("ui", ["api"]), ("api", ["schema"]), ("schema", []));

        var order = DependencyGraph.TopologicalOrder(graph).ToList();

        Assert.Equal(4, order.Count);
        foreach (var (node, dependencies) in graph)
        {
            Assert.All(dependencies, dependency => Assert.True(order.IndexOf(dependency) < order.IndexOf(node), $"{dependency} before {node}"));
        }
    }

    [Fact]
    public void TopologicalOrder_EdgesToUnknownNodes_AreLeftOut()
    {
        var graph = Graph(("b", ["a", "T-3"]), ("a", []));

        Assert.Equal(["a", "b"], DependencyGraph.TopologicalOrder(graph));
    }
}
