using System.Collections.Immutable;
using RecSynth.Configuration;
using RecSynth.Internals;

namespace RecSynth.Users;

/// <summary>Generated users in memory, with their hidden factors on demand.</summary>
public sealed class UserPopulation
{
    private readonly User[] _users;
    private readonly UserModel _model;

    private UserPopulation(User[] users, UserModel model)
    {
        _users = users;
        _model = model;
    }

    /// <summary>The users, in id order.</summary>
    public ReadOnlySpan<User> Users => _users;

    /// <summary>Age group names, indexed by <see cref="User.AgeGroup"/>.</summary>
    public ImmutableArray<string> AgeGroups => _model.AgeGroups;

    /// <summary>The levels of price sensitivity and sustainability focus, indexed by code.</summary>
    public static ImmutableArray<string> Levels { get; } = ["Low", "Medium", "High"];

    /// <summary>Length of a hidden factor vector.</summary>
    public int FactorDimensions => _model.Communities.Dimensions;

    /// <summary>Generates the users of <paramref name="options"/> (validated first).</summary>
    public static UserPopulation Generate(RecSynthOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.EnsureValid();
        var model = new UserModel(options);
        var users = Entities.Create(model.Count, model.CreateUser, cancellationToken);
        return new UserPopulation(users, model);
    }

    /// <summary>The id of user <paramref name="index"/> among <paramref name="userCount"/>: <c>U000042</c> (6 digits, more when needed).</summary>
    public static string UserId(int index, int userCount)
    {
        int width = Math.Max(6, (Math.Max(userCount - 1, 0)).ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
        return "U" + index.ToString("D" + width.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>User <paramref name="index"/>'s hidden collaborative factors.</summary>
    public float[] GetFactors(int index)
    {
        var factors = new float[FactorDimensions];
        _model.UserFactors(_users[index], factors);
        return factors;
    }
}
