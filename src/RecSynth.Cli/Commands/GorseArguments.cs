using System.CommandLine;
using RecSynth.Gorse;

namespace RecSynth.Cli.Commands;

/// <summary>The options of the verbs that read a dataset for Gorse (push, export): the folder and what goes into the labels.</summary>
internal sealed class GorseArguments
{
    public Argument<string> Directory { get; } = new("DIR") { Description = "The dataset folder", DefaultValueFactory = _ => "generated_data" };

    public Option<bool> WithEmbeddings { get; } = new("--with-embeddings")
    {
        Description = "Put each product's embedding into Labels.embedding (for the image_sim item-to-item recommender)",
    };

    public Option<bool> WithGroundTruth { get; } = new("--with-ground-truth")
    {
        Description = "Also put the hidden ground truth into the labels (users' cf_preference, consistency, activity, drift; products' popularity)",
    };

    public void AddTo(Command command)
    {
        command.Arguments.Add(Directory);
        command.Options.Add(WithEmbeddings);
        command.Options.Add(WithGroundTruth);
    }

    public GorseDatasetOptions Options(ParseResult result) =>
        new() { WithEmbeddings = result.GetValue(WithEmbeddings), WithGroundTruth = result.GetValue(WithGroundTruth) };
}
