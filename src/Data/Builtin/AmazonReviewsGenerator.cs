using System.Globalization;
using SaePipeline.Runtime;

namespace SaePipeline.Data.Builtin;

/// <summary>
/// Product reviews shaped like canrager/amazon_reviews_mcauley_1and5: a category (equal shares of the ten in
/// <see cref="ReviewCategories"/>), a rating of 1.0 or 5.0 (half each), and 30–100 words of opening, feature
/// judgements, category-specific remarks and a verdict. Each rating borrows the other's words now and then ("the only
/// downside…", "looks great, but…") so that sentiment is not one keyword away.
/// </summary>
public sealed class AmazonReviewsGenerator : ITextGenerator
{
    static readonly IReadOnlyDictionary<string, string[]> Sentiment = new Dictionary<string, string[]>
    {
        ["good"] = ["excellent", "great", "sturdy", "perfect", "solid", "impressive", "well made", "better than expected", "fantastic", "really nice", "top notch"],
        ["bad"] = ["flimsy", "cheap", "terrible", "poor", "disappointing", "awful", "worse than expected", "useless", "badly made", "junk"],
        ["buyer"] = ["I", "We", "My wife and I", "My husband and I", "I finally"],
        ["p_open"] =
        [
            "{buyer} bought this {product} for {use} and {it works great|we love it|it is perfect|it exceeded our expectations}.",
            "{This is the best|Best} {product} I have owned{| in years}.",
            "I was not expecting much from a {product} at this price, but it is {good}.",
            "After {#2-12} {weeks|months} of use, this {product} is still going strong.",
            "Bought this {product} as a gift for {use}.",
            "I needed a new {product} for {use}, and this one is {good}.",
        ],
        ["n_open"] =
        [
            "{buyer} bought this {product} for {use} and {it broke after {#2-10} days|it stopped working within a week|it was a huge disappointment}.",
            "This is the worst {product} I have ever bought.",
            "I really wanted to love this {product}, but it is {bad}.",
            "Bought this {product} as a gift for {use} and had to return it.",
            "Save your money and skip this {product}.",
            "I had high hopes for this {product} after reading the reviews.",
        ],
        ["p_feature"] =
        [
            "The {feature} is {good}{| and the {feature} is {good}}.", "I love the {feature}.", "The {feature} is much better than on my old one.",
            "Great {feature}, great price.", "The {feature} is {good} for the money.",
        ],
        ["n_feature"] =
        [
            "The {feature} is {bad}{| and the {feature} is even worse}.", "The {feature} is not what the description promised.",
            "The {feature} fell apart almost immediately.", "The {feature} is {bad}, which makes it hard to use.",
        ],
        ["p_mixed"] =
        [
            "The only downside is that the {feature} is a bit {bad}, but for the price it is fine.",
            "It is not perfect, since the {feature} could be better, but I would still buy it again.",
            "Not bad at all, although the {feature} took some getting used to.",
        ],
        ["n_mixed"] =
        [
            "The {feature} looks {good}, but that is the only good thing about it.", "It started out {good}, but then the {feature} failed.",
            "The price is great, but you get what you pay for.",
        ],
        ["p_ship"] = ["Arrived {quickly|early|a day early} and well packaged.", "Shipping was fast.", "It came in {#2-5} days."],
        ["n_ship"] = ["It arrived {late|damaged|with missing parts|in a torn box}.", "The seller never responded to my emails.", "Returning it was a hassle."],
        ["p_close"] =
        [
            "Highly recommend!", "Would buy again.", "Five stars.", "{My son|My daughter|My wife|My husband|Everyone} loves it.", "Worth every penny.",
            "I will be ordering another one.", "You will not regret it.",
        ],
        ["n_close"] = ["Do not waste your money.", "I returned it.", "Would not recommend.", "One star is generous.", "Avoid.", "Very disappointed.", "Never again."],
    };

    static readonly string[] PositiveBody = ["p_feature", "p_feature", "p_mixed", "cat_pos", "cat_pos", "p_ship"];
    static readonly string[] NegativeBody = ["n_feature", "n_feature", "n_mixed", "cat_neg", "cat_neg", "n_ship"];

    readonly Grammar[] grammars = ReviewCategories.All.Select(c => new Grammar([], CommonRules.Rules, Sentiment, c.Rules)).ToArray();
    readonly string[] codes = ReviewCategories.All.Select(c => c.Code.ToString(CultureInfo.InvariantCulture)).ToArray();

    public DatasetKind Kind => DatasetKind.AmazonReviews;

    public string Name => "amazon_reviews";

    public GeneratedRow Generate(long index, long seed, string split) => Generate(DocumentRandom.For(seed, Name, split, index));

    internal GeneratedRow Generate(SplitMix64 random)
    {
        int category = random.NextInt(grammars.Length);
        bool positive = random.Chance(0.5);
        var grammar = grammars[category];
        var body = (positive ? PositiveBody : NegativeBody).ToArray();
        random.Shuffle(body);
        int targetWords = random.Between(30, 90);
        var review = new Paragraph();
        review.Add(grammar, positive ? "p_open" : "n_open", random);
        for (int k = 0; k < body.Length && review.Words < targetWords; k++) review.Add(grammar, body[k], random);
        if (random.Chance(0.7)) review.Add(grammar, positive ? "p_close" : "n_close", random);
        return new GeneratedRow(review.ToString(), [codes[category], positive ? "5.0" : "1.0"]);
    }
}
