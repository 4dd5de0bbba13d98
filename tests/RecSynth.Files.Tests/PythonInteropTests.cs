using System.Globalization;
using System.Text.Json;
using RecSynth.Catalog;
using RecSynth.Testing;

namespace RecSynth.Files.Tests;

/// <summary>
/// The files load in Python as docs/design.md describes them: numpy.load for the .npy files, pandas.read_csv for the
/// CSVs, hashlib for the manifest's hashes. Skipped on a machine without numpy/pandas, failing when CI=true.
/// </summary>
public sealed class PythonInteropTests(GeneratedDatasets datasets)
{
    private const string CheckNpy = """
        import json, sys
        import numpy as np
        path, dtype, rows, cols, atol = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
        with open(path, "rb") as f:
            assert np.lib.format.read_magic(f) == (1, 0), "not format 1.0"
            shape, fortran, header_dtype = np.lib.format.read_array_header_1_0(f)
        assert header_dtype.str == dtype, header_dtype.str
        assert not fortran
        a = np.load(path)
        assert a.shape == (rows, cols), a.shape
        assert a.dtype == np.dtype(dtype), a.dtype
        assert a.dtype.str == dtype, a.dtype.str  # "<": little-endian
        assert a.flags["C_CONTIGUOUS"]
        assert np.isfinite(a).all()
        norms = np.linalg.norm(a.astype(np.float64), axis=1)
        if atol > 0:
            worst = float(np.max(np.abs(norms - 1)))
            assert worst <= atol, f"a row norm is off by {worst}"
        picks = [0, rows // 2, rows - 1]
        print(json.dumps({"rows": picks, "values": [a[i].astype(np.float64).tolist() for i in picks]}))
        """;

    private const string ReadCsv = """
        import json, math, sys
        import pandas as pd
        df = pd.read_csv(sys.argv[1])
        out = {"columns": list(df.columns), "dtypes": {c: str(df[c].dtype) for c in df.columns}, "data": {}, "types": {}}
        for c in df.columns:
            out["data"][c] = [None if isinstance(v, float) and math.isnan(v) else v for v in df[c].tolist()]
            out["types"][c] = sorted({type(v).__name__ for v in df[c].tolist() if not (isinstance(v, float) and math.isnan(v))})
        for c in sys.argv[2:]:
            t = pd.to_datetime(df[c], utc=True)
            assert t.notna().all(), f"{c} has values pandas cannot parse"
            out["data"][c + "_seconds"] = ((t - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)).tolist()
        if "style_preferences" in df.columns:
            out["style_preferences"] = [json.loads(s) for s in df["style_preferences"]]
        print(json.dumps(out))
        """;

    private static JsonDocument Run(string script, params string[] args) => JsonDocument.Parse(Python.Run(script, args));

    private static void AssertRowsEqualEmbeddings(JsonDocument output, Func<int, float[]> expected)
    {
        var root = output.RootElement;
        var rows = root.GetProperty("rows").EnumerateArray().Select(r => r.GetInt32()).ToList();
        var values = root.GetProperty("values").EnumerateArray().ToList();
        for (int r = 0; r < rows.Count; r++)
        {
            double[] fromPython = [.. values[r].EnumerateArray().Select(v => v.GetDouble())];
            Assert.Equal(expected(rows[r]).Select(f => (double)f), fromPython);
        }
    }

    [Fact]
    public void Embeddings_npy_loads_with_numpy_as_little_endian_c_order_float32_unit_rows()
    {
        var dataset = datasets.Default;
        var catalog = ProductCatalog.Generate(dataset.Options, TestContext.Current.CancellationToken);

        using var output = Run(CheckNpy, dataset.File("embeddings.npy"), "<f4", "3000", "512", "1e-5");

        AssertRowsEqualEmbeddings(output, catalog.GetEmbedding);
    }

    [Fact]
    public void Float64_embeddings_load_with_numpy_as_float64_unit_rows()
    {
        var dataset = datasets.Float64;
        var catalog = ProductCatalog.Generate(dataset.Options, TestContext.Current.CancellationToken);

        using var output = Run(CheckNpy, dataset.File("embeddings.npy"), "<f8", "3000", "512", "1e-12");

        foreach (var (row, values) in output.RootElement.GetProperty("rows").EnumerateArray().Zip(output.RootElement.GetProperty("values").EnumerateArray()))
        {
            float[] single = catalog.GetEmbedding(row.GetInt32());
            double[] fromPython = [.. values.EnumerateArray().Select(v => v.GetDouble())];
            Assert.All(fromPython.Zip(single), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-6));
        }
    }

    [Fact]
    public void Factor_files_load_with_numpy()
    {
        var dataset = datasets.Default;
        var catalog = ProductCatalog.Generate(dataset.Options, TestContext.Current.CancellationToken);
        var users = RecSynth.Users.UserPopulation.Generate(dataset.Options, TestContext.Current.CancellationToken);

        using var items = Run(CheckNpy, dataset.File("item_factors.npy"), "<f4", "3000", "32", "0");
        using var userFactors = Run(CheckNpy, dataset.File("user_factors.npy"), "<f4", "1000", "32", "0");

        AssertRowsEqualEmbeddings(items, catalog.GetFactors);
        AssertRowsEqualEmbeddings(userFactors, users.GetFactors);
    }

    [Fact]
    public void Products_csv_loads_with_pandas_with_the_spec_columns_and_dtypes()
    {
        var dataset = datasets.Default;

        using var output = Run(ReadCsv, dataset.File("products.csv"), "listed_at");

        var root = output.RootElement;
        Assert.Equal(ExpectedRows.ProductColumns, root.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        var dtypes = root.GetProperty("dtypes");
        Assert.Equal("float64", dtypes.GetProperty("price").GetString());
        Assert.Equal("float64", dtypes.GetProperty("popularity").GetString());
        foreach (string column in ExpectedRows.ProductColumns.Except(["price", "popularity"]))
        {
            Assert.Equal("object", dtypes.GetProperty(column).GetString());
            Assert.Equal(["str"], root.GetProperty("types").GetProperty(column).EnumerateArray().Select(t => t.GetString()));
        }

        AssertValues(root, ExpectedRows.ProductColumns, ExpectedRows.Products(dataset.Options), numbers: ["price", "popularity"], times: ["listed_at"]);
    }

    [Fact]
    public void Users_csv_loads_with_pandas_with_the_spec_columns_and_dtypes()
    {
        var dataset = datasets.Default;

        using var output = Run(ReadCsv, dataset.File("users.csv"), "signed_up_at");

        var root = output.RootElement;
        Assert.Equal(ExpectedRows.UserColumns, root.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        var dtypes = root.GetProperty("dtypes");
        foreach (string column in new[] { "cf_preference", "preference_consistency", "activity" })
        {
            Assert.Equal("float64", dtypes.GetProperty(column).GetString());
        }

        foreach (string column in new[] { "user_id", "age_group", "primary_style", "price_sensitivity", "sustainability_focus", "style_preferences", "signed_up_at" })
        {
            Assert.Equal("object", dtypes.GetProperty(column).GetString());
            Assert.Equal(["str"], root.GetProperty("types").GetProperty(column).EnumerateArray().Select(t => t.GetString()));
        }

        // No drift by default: both columns are empty, which pandas reads as NaN.
        Assert.All(root.GetProperty("data").GetProperty("drift_at").EnumerateArray(), v => Assert.Equal(JsonValueKind.Null, v.ValueKind));
        Assert.All(root.GetProperty("data").GetProperty("cf_preference_after").EnumerateArray(), v => Assert.Equal(JsonValueKind.Null, v.ValueKind));

        var preferences = root.GetProperty("style_preferences").EnumerateArray().ToList();
        Assert.Equal(1_000, preferences.Count);
        foreach (var p in preferences)
        {
            Assert.Equal(["colors", "patterns", "materials", "brands"], p.EnumerateObject().Select(x => x.Name));
            Assert.InRange(p.GetProperty("colors").GetArrayLength(), 2, 5);
            Assert.InRange(p.GetProperty("patterns").GetArrayLength(), 1, 3);
            Assert.InRange(p.GetProperty("materials").GetArrayLength(), 2, 4);
            Assert.InRange(p.GetProperty("brands").GetArrayLength(), 2, 4);
        }

        string[][] expected = ExpectedRows.Users(dataset.Options);
        AssertValues(root, ExpectedRows.UserColumns.Except(["style_preferences", "drift_at", "cf_preference_after"]).ToArray(),
            [.. expected.Select(r => r.Where((_, i) => i is not (5 or 10 or 11)).ToArray())],
            numbers: ["cf_preference", "preference_consistency", "activity"], times: ["signed_up_at"]);
        Assert.Equal(
            expected.Select(r => r[5]),
            preferences.Select(p => ExpectedRows.NormaliseStylePreferences(p.GetRawText())));
    }

    [Fact]
    public void Pandas_reads_awkward_names_back_exactly()
    {
        var dataset = datasets.AwkwardNames;

        using var products = Run(ReadCsv, dataset.File("products.csv"));
        using var users = Run(ReadCsv, dataset.File("users.csv"));

        AssertValues(products.RootElement, ExpectedRows.ProductColumns, ExpectedRows.Products(dataset.Options), numbers: ["price", "popularity"], times: []);
        string[][] expectedUsers = ExpectedRows.Users(dataset.Options);
        AssertValues(users.RootElement, ["user_id", "age_group", "primary_style"], [.. expectedUsers.Select(r => r[..3])], numbers: [], times: []);
        Assert.Equal(
            expectedUsers.Select(r => r[5]),
            users.RootElement.GetProperty("style_preferences").EnumerateArray().Select(p => ExpectedRows.NormaliseStylePreferences(p.GetRawText())));
    }

    [Fact]
    public void The_manifest_sha256_values_match_hashlib()
    {
        const string script = """
            import hashlib, json, os, sys
            folder = sys.argv[1]
            with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as f:
                manifest = json.load(f)
            assert manifest["tool"] == "recsynth"
            assert manifest["files"], "no files"
            for name, entry in manifest["files"].items():
                with open(os.path.join(folder, name), "rb") as f:
                    data = f.read()
                assert hashlib.sha256(data).hexdigest() == entry["sha256"], name
                assert len(data) == entry["bytes"], name
            print(len(manifest["files"]))
            """;

        Assert.Equal("8", Python.Run(script, datasets.Default.Folder).Trim()); // every stage, with the factor files
        Assert.Equal("3", Python.Run(script, datasets.AwkwardNames.Folder).Trim()); // catalogue and users
    }

    [Fact]
    public void Stats_agree_with_the_same_measures_computed_by_pandas()
    {
        // An independent implementation of each vital sign (issue 3 §9), with pandas, on the same files.
        const string script = """
            import json, sys
            import pandas as pd
            d = sys.argv[1]
            p = pd.read_csv(d + "/products.csv"); u = pd.read_csv(d + "/users.csv")
            i = pd.read_csv(d + "/interactions.csv"); s = pd.read_csv(d + "/sessions.csv"); g = pd.read_csv(d + "/ground_truth.csv")
            per_user = i.groupby("UserId").size().reindex(u["user_id"], fill_value=0)
            per_product = i.groupby("ItemId").size().reindex(p["item_id"], fill_value=0)
            q = lambda x: {k: float(x.quantile(v, interpolation="lower")) for k, v in [("p10", .1), ("p50", .5), ("p90", .9), ("p99", .99)]} | {"max": float(x.max())}
            top = per_product.sort_values(ascending=False).head(max(1, len(p) // 5)).sum()
            bucket = u.set_index("user_id")["cf_preference"].map(lambda c: "cf_le_0_3" if c <= 0.3 else ("cf_ge_0_7" if c >= 0.7 else "cf_0_3_to_0_7"))
            s["bucket"] = s["UserId"].map(bucket)
            arm = lambda a: a if a in ("cf", "image") else "blend_" + str(a).replace(".", "_")
            rate = {b: {arm(a): float(r) for a, r in grp.groupby("Arm")["Reward"].mean().items()} for b, grp in s.groupby("bucket")}
            blend = g["OptimalBlend"].dropna()
            print(json.dumps({
                "products": len(p), "users": len(u), "sessions": len(s), "interactions": len(i),
                "mix": {k: int(v) for k, v in i["FeedbackType"].value_counts().items()},
                "sparsity": 1 - len(i[["UserId", "ItemId"]].drop_duplicates()) / (len(u) * len(p)),
                "per_user": q(per_user), "per_product": q(per_product), "top20": float(top / len(i)),
                "rate": rate, "interior": float(((blend > 0) & (blend < 1)).mean()),
            }))
            """;
        var dataset = datasets.Default;
        using var json = Run(script, dataset.Folder);
        var expected = json.RootElement;

        var stats = DatasetStats.Compute(dataset.Folder, TestContext.Current.CancellationToken);

        Assert.Equal(expected.GetProperty("products").GetInt64(), stats.Products);
        Assert.Equal(expected.GetProperty("users").GetInt64(), stats.Users);
        Assert.Equal(expected.GetProperty("sessions").GetInt64(), stats.Sessions);
        Assert.Equal(expected.GetProperty("interactions").GetInt64(), stats.Interactions);
        Assert.True(stats.Interactions > 1_000, "too few interactions for the measures to mean anything");
        Assert.Equal(expected.GetProperty("mix").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64()), stats.EventMix);
        Assert.Equal(expected.GetProperty("sparsity").GetDouble(), stats.Sparsity, 12);
        Assert.Equal(expected.GetProperty("per_user").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble()), stats.InteractionsPerUser);
        Assert.Equal(expected.GetProperty("per_product").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble()), stats.InteractionsPerProduct);
        Assert.Equal(expected.GetProperty("top20").GetDouble(), stats.Top20Share, 12);
        Assert.Equal(expected.GetProperty("interior").GetDouble(), stats.InteriorOptimalBlendShare!.Value, 12);
        var rates = expected.GetProperty("rate");
        Assert.Equal(rates.EnumerateObject().Select(b => b.Name).Order(StringComparer.Ordinal), stats.RewardRate.Keys);
        foreach (var bucket in rates.EnumerateObject())
        {
            foreach (var arm in bucket.Value.EnumerateObject())
            {
                Assert.Equal(arm.Value.GetDouble(), stats.RewardRate[bucket.Name][arm.Name], 12);
            }
        }
    }

    [Fact]
    public void Behaviour_csvs_load_with_pandas_with_the_spec_columns_and_the_values_sep_reads()
    {
        var dataset = datasets.Default;

        using var interactions = Run(ReadCsv, dataset.File("interactions.csv"), "Timestamp");
        using var sessions = Run(ReadCsv, dataset.File("sessions.csv"), "StartedAt");
        using var truth = Run(ReadCsv, dataset.File("ground_truth.csv"));

        var (interactionHeader, interactionRows) = ExpectedRows.ReadCsv(dataset.File("interactions.csv"));
        var (sessionHeader, sessionRows) = ExpectedRows.ReadCsv(dataset.File("sessions.csv"));
        var (truthHeader, truthRows) = ExpectedRows.ReadCsv(dataset.File("ground_truth.csv"));
        Assert.Equal(ExpectedRows.InteractionColumns, interactionHeader);
        Assert.Equal(ExpectedRows.SessionColumns, sessionHeader);
        Assert.Equal(ExpectedRows.InteractionColumns, interactions.RootElement.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(ExpectedRows.SessionColumns, sessions.RootElement.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(truthHeader, truth.RootElement.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(1_000, truthRows.Count);
        foreach (var (root, column) in new[] { (interactions, "SessionId"), (interactions, "Position"), (sessions, "SessionId"), (sessions, "SlateSize"), (sessions, "Views") })
        {
            Assert.Equal("int64", root.RootElement.GetProperty("dtypes").GetProperty(column).GetString());
        }

        Assert.Equal("float64", sessions.RootElement.GetProperty("dtypes").GetProperty("Propensity").GetString());
        AssertValues(interactions.RootElement, ExpectedRows.InteractionColumns, [.. interactionRows], numbers: ["SessionId", "Position"], times: ["Timestamp"]);
        AssertValues(sessions.RootElement, ExpectedRows.SessionColumns, [.. sessionRows], numbers: ["SessionId", "Propensity", "SlateSize", "Views", "Likes", "Purchases", "Reward"], times: ["StartedAt"]);
        AssertValues(truth.RootElement, truthHeader, [.. truthRows], numbers: [.. truthHeader.Where(c => c is not ("UserId" or "OptimalArm"))], times: []);

        // docs/design.md §4.13: sorted by time.
        foreach (var (root, file, column) in new[] { (interactions, "interactions.csv", "Timestamp"), (sessions, "sessions.csv", "StartedAt") })
        {
            long[] seconds = [.. root.RootElement.GetProperty("data").GetProperty(column + "_seconds").EnumerateArray().Select(v => v.GetInt64())];
            Assert.True(seconds.Zip(seconds.Skip(1)).All(p => p.First <= p.Second), $"{file} is not sorted by {column}");
        }
    }

    /// <summary>Compares pandas' columns to the expected rows: strings exactly, numbers as parsed, times as Unix seconds.</summary>
    private static void AssertValues(JsonElement root, string[] columns, string[][] expected, string[] numbers, string[] times)
    {
        var data = root.GetProperty("data");
        for (int c = 0; c < columns.Length; c++)
        {
            string column = columns[c];
            var values = data.GetProperty(column).EnumerateArray().ToList();
            Assert.Equal(expected.Length, values.Count);
            for (int r = 0; r < values.Count; r++)
            {
                if (expected[r][c].Length == 0)
                {
                    // An empty field (e.g. the ground truth of a user without sessions) is missing for pandas: NaN.
                    Assert.True(values[r].ValueKind == JsonValueKind.Null, $"{column} row {r + 1}: pandas has {values[r]}, expected NaN for an empty field");
                }
                else if (numbers.Contains(column))
                {
                    double want = double.Parse(expected[r][c], CultureInfo.InvariantCulture);
                    Assert.True(Math.Abs(values[r].GetDouble() - want) <= 1e-12 * Math.Max(1, Math.Abs(want)), $"{column} row {r + 1}: pandas has {values[r].GetDouble():R}, expected {want:R}");
                }
                else
                {
                    Assert.True(values[r].GetString() == expected[r][c], $"{column} row {r + 1}: pandas has «{values[r].GetString()}», expected «{expected[r][c]}»");
                }
            }

            if (times.Contains(column))
            {
                long[] seconds = [.. data.GetProperty(column + "_seconds").EnumerateArray().Select(v => v.GetInt64())];
                Assert.Equal(expected.Select(r => DateTimeOffset.Parse(r[c], CultureInfo.InvariantCulture).ToUnixTimeSeconds()), seconds);
            }
        }
    }
}
