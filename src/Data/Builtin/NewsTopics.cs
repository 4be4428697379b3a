namespace SaePipeline.Data.Builtin;

/// <summary>
/// The four ag_news topics in label order (0 World, 1 Sports, 2 Business, 3 Sci/Tech), each a grammar layer with a
/// "headline" and "sentence" rule over its own entities (leaders, teams, companies, agencies) and numbers.
/// </summary>
public static class NewsTopics
{
    public static readonly IReadOnlyList<string> Names = ["World", "Sports", "Business", "Sci/Tech"];

    /// <summary>Rules every topic can use: wire services, datelines, reporting verbs.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Shared = new Dictionary<string, string[]>
    {
        ["lead"] = ["{headline}", "{headline}", "{headline} (Reuters) Reuters -", "{headline} (AP) AP -", "{headline} (AFP) AFP -", "{headline} {^city} -", "{headline} {^city} ({Reuters|AP}) -"],
        ["said"] = ["said", "said on {weekday}", "told reporters", "said in a statement", "announced on {weekday}"],
        ["official"] = ["officials", "a spokesman", "analysts", "a senior official", "sources close to the talks"],
        ["percent"] = ["{#1-9} percent", "{#1-9}.{#1-9} percent", "{#10-45} percent"],
        ["money"] = ["${#1-900} million", "${#1-90} billion", "${#1-9}.{#1-9} billion", "{#10-990} million euros"],
    };

    public static readonly IReadOnlyList<IReadOnlyDictionary<string, string[]>> Topics =
    [
        new Dictionary<string, string[]>
        {
            ["leader"] = ["President {surname}", "Prime Minister {surname}", "Foreign Minister {surname}", "opposition leader {person}", "Chancellor {surname}", "{country}'s president"],
            ["body"] = ["the United Nations", "NATO", "the European Union", "the African Union", "the Security Council", "the International Atomic Energy Agency", "the Red Cross"],
            ["event"] = ["peace talks", "a ceasefire", "elections", "a referendum", "a summit", "sanctions", "a hostage crisis", "an earthquake", "floods", "protests", "a coup attempt", "border clashes"],
            ["headline"] =
            [
                "{^country} Agrees to {Peace Talks|Ceasefire|New Elections|Prisoner Swap}", "Clashes Erupt in {country} as {Protests Spread|Violence Spreads}",
                "{^leader} Visits {country} Amid Tensions", "{^body} Warns of Crisis in {country}", "Death Toll Rises After {Earthquake|Floods|Bombing} in {country}",
                "{country} and {country} Sign {Trade|Border|Security} Deal", "Rebels Seize Town in Northern {country}", "{^country} Votes in Tense Election",
            ],
            ["sentence"] =
            [
                "{^leader} {said} that talks with {country} would resume next week.",
                "At least {#3-200} people were killed when {a car bomb exploded|fighting broke out|a bus was attacked} in {city}, {official} {said}.",
                "{^body} called on {country} to {halt its nuclear program|release the prisoners|allow aid workers in|respect the ceasefire}.",
                "Thousands of {protesters|refugees|supporters} gathered in the capital on {weekday} {demanding|calling for} {new elections|the release of political prisoners|an end to the war}.",
                "Talks between {country} and {country} ended without agreement after {#2-9} days.",
                "{^leader} won {#51-79} percent of the vote, according to preliminary results.",
                "Aid agencies said more than {#2-90},000 people had been forced from their homes.",
                "The {clashes|protests|unrest|crisis} came after months of rising tension along the border.",
            ],
        },
        new Dictionary<string, string[]>
        {
            ["team"] =
            [
                "the {city} {Lions|Tigers|Bears|Eagles|Hawks|Kings|Giants|Rangers|Sharks|Wolves|Pirates|Falcons|Rockets|Storm|United|Rovers}",
                "{country}", "{city} United", "{city} City",
            ],
            ["player"] = ["{person}", "{surname}", "striker {person}", "quarterback {person}", "pitcher {person}", "captain {person}", "veteran {surname}"],
            ["competition"] = ["the World Cup", "the Olympics", "the NBA playoffs", "the Super Bowl", "the World Series", "the Premier League", "the Champions League", "the US Open", "Wimbledon", "the Tour de France", "the Stanley Cup finals"],
            ["headline"] =
            [
                "{^team} {Beat|Edge|Rout|Stun|Hold Off} {team}", "{^player} Leads {team} to {Win|Victory|Title}", "{^team} Fire Coach After {#3-9} Straight Losses",
                "{^player} Out {#2-8} Weeks With {Knee|Ankle|Shoulder|Hamstring} Injury", "{^team} Clinch Spot in {competition}", "{^player} Wins Gold in {city}",
            ],
            ["sentence"] =
            [
                "{^player} scored {#2-45} points as {team} beat {team} {#80-120}-{#70-110} on {weekday} night.",
                "{^player} hit a {two-run|three-run|solo|grand slam} homer in the {#1-9}th inning to lift {team} past {team}.",
                "{^player} threw for {#150-420} yards and {#1-5} touchdowns in a {#14-45}-{#3-30} win over {team}.",
                "{^team} scored twice in the final {#5-15} minutes to win {#2-4}-{#0-1} at home.",
                "{^player} won the {#1-5}th stage of {competition}, finishing {#2-40} seconds ahead of {player}.",
                "The coach said {player} would miss the rest of the season with a torn {ligament|tendon|muscle}.",
                "{^team} have now won {#3-12} games in a row and lead the {division|league|conference} by {#2-9} points.",
                "{^player} signed a {#2-6}-year contract worth {money} with {team}.",
            ],
        },
        new Dictionary<string, string[]>
        {
            ["firm"] = ["{company}", "{invented} Corp.", "{invented} Bank", "{invented} Motors", "{invented} Airlines", "{invented} Energy", "{invented} Pharmaceuticals", "{invented} Retail"],
            ["market"] = ["stocks", "the dollar", "oil prices", "bond yields", "the Dow", "the Nasdaq", "European shares", "gold"],
            ["headline"] =
            [
                "{^market} {Rise|Fall|Slip|Climb|Tumble} on {Earnings|Rate Fears|Oil|Jobs Data}", "{^firm} Profit {Jumps|Falls|Beats Forecasts|Misses Estimates}",
                "{^firm} to Buy {firm} for {money}", "{^firm} to Cut {#500-9000} Jobs", "Oil Hits ${#30-90} a Barrel", "Fed Raises Rates by a Quarter Point",
            ],
            ["sentence"] =
            [
                "Shares of {firm} {rose|fell|jumped|dropped} {percent} after the company reported {higher|lower} than expected {quarterly|annual} earnings.",
                "{^firm} said it would buy {firm} for {money} in cash and stock.",
                "{^market} {rose|fell} on {weekday} as investors weighed {oil prices|interest rates|the jobs report|corporate earnings}.",
                "The company said net income rose to {money} from {money} a year earlier.",
                "Crude oil for {month} delivery {rose|fell} {#1-3} dollars to ${#30-90}.{#10-99} a barrel.",
                "{^firm} plans to cut about {#500-9000} jobs as it closes plants in {state} and {country}.",
                "The central bank raised its key rate to {#1-5}.{#1-9} percent, {official} {said}.",
                "Retail sales {rose|fell} {#1-2}.{#1-9} percent in {month}, the Commerce Department said.",
            ],
        },
        new Dictionary<string, string[]>
        {
            ["techfirm"] = ["Microsoft", "Google", "Apple", "IBM", "Intel", "Sony", "Nokia", "{invented} Software", "{invented} Systems", "{invented} Networks"],
            ["gadget"] = ["smartphone", "laptop", "search engine", "web browser", "music player", "processor", "operating system", "video game console", "chip"],
            ["headline"] =
            [
                "{^techfirm} Unveils New {^gadget}", "Scientists Find {Water|Ice|Life Clues|New Planet} Near {Mars|Saturn|Distant Star}",
                "{^techfirm} Patches Security Flaw in {^gadget}", "New Virus Spreads Through E-mail", "NASA Probe {Reaches|Photographs|Lands on} {Mars|Saturn|Titan|Comet}",
                "{^techfirm} and {techfirm} Settle Patent Dispute", "Study Links {Gene|Protein|Enzyme} to {Aging|Cancer|Obesity}",
            ],
            ["sentence"] =
            [
                "{^techfirm} on {weekday} unveiled a new {gadget} that it says is {#2-10} times faster than its predecessor.",
                "Researchers at {university} said they had {found|identified|sequenced} a {gene|protein|molecule} linked to {cancer|aging|memory|obesity}.",
                "The {space probe|rover|telescope} sent back images of {Mars|Saturn's rings|Jupiter's moons|a distant comet} after a journey of {#2-7} years.",
                "Security experts warned that the {worm|virus|flaw} could let attackers take control of {#1-90} million computers.",
                "{^techfirm} said it would release the software update for its {gadget} in {month}.",
                "Broadband subscriptions grew {percent} last year, according to a report from {invented} Research.",
                "The {#2-64}-core {chip|processor} is expected to ship in {#2005-2024}.",
                "Scientists said the discovery could help explain how {planets form|life began|the climate is changing|the brain stores memories}.",
            ],
        },
    ];
}
