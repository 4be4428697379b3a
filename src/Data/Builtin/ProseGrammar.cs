namespace SaePipeline.Data.Builtin;

/// <summary>
/// General English prose for the pretraining mixture: short stories about a named character, encyclopedia-style
/// entries (towns, species, people, inventions) and everyday dialogues. The variables keep a document consistent:
/// one hero with one set of pronouns, one pair of speakers, birth and death years in order.
/// </summary>
public static class ProseGrammar
{
    public static readonly string[] Variables = [.. WordPools.PronounVariables, "hero", "companion", "speaker_a", "speaker_b", "born", "died", "town"];

    public static readonly IReadOnlyDictionary<string, string[]> Rules = new Dictionary<string, string[]>
    {
        ["story_open"] =
        [
            "Once upon a time, there was {@trait} {role} named {hero} who lived in {setting}.",
            "{hero} had always wanted to {dream}.",
            "It was a {weather} {time_of_day} in {setting} when {hero} found {@thing} {in the garden|under the bridge|behind the old shed|at the market}.",
            "Every morning, {hero} walked to {small_place} to {errand}.",
            "Long ago, in {setting}, lived {@trait} {role} called {hero}.",
        ],
        ["story_middle"] =
        [
            "{He} {picked up|looked at|opened|carried} the {thing} and {smiled|frowned|laughed|sighed}.",
            "One day, {companion} asked {him} to {task}.",
            "{He} walked for {#2-9} hours until {he} reached {small_place}.",
            "The {thing} was {quality}, and {hero} did not know what to do.",
            "\"{remark},\" said {companion}.",
            "\"{question}\" {hero} asked.",
            "{^companion} and {hero} {shared a meal|sat by the fire|watched the stars|fixed the roof} and talked until {midnight|dawn|the rain stopped}.",
            "Suddenly, {a loud noise|a strange light|a knock at the door|a gust of wind} made {him} jump.",
            "{His} {mother|father|grandmother|uncle|teacher|neighbor} had told {him} that {advice}.",
            "After {#2-12} days, {he} finally understood what {he} had to do.",
        ],
        ["story_end"] =
        [
            "In the end, {hero} {ending}.", "From that day on, {hero} {habit}.", "{He} never forgot that {day|summer|winter|journey}.",
            "And that is how {hero} became the {bravest|wisest|kindest|happiest} {role} in {setting}.",
        ],
        ["companion_role"] = ["the old {role}", "a {trait} {role}", "the {role} next door", "a traveling {role}"],
        ["trait"] = ["brave", "curious", "clever", "lonely", "kind", "stubborn", "shy", "cheerful", "old", "young", "restless", "gentle"],
        ["role"] = ["farmer", "baker", "sailor", "cat", "fox", "rabbit", "dragon", "robot", "tailor", "shepherd", "mouse", "owl", "knight"],
        ["setting"] = ["a small village", "a quiet town by the sea", "the mountains", "a big city", "a forest", "the valley of {town}", "the town of {town}", "a castle on a hill", "a fishing village"],
        ["small_place"] = ["the market", "the river", "the old mill", "the library", "the bakery", "the harbor", "the top of the hill", "the edge of the forest", "school", "the well"],
        ["dream"] = ["see the ocean", "fly", "find a hidden treasure", "become a famous cook", "climb the tallest mountain", "make a new friend", "build a boat", "learn to read the stars"],
        ["weather"] = ["cold", "rainy", "sunny", "windy", "foggy", "warm", "snowy", "quiet", "stormy"],
        ["time_of_day"] = ["morning", "evening", "afternoon", "night", "day"],
        ["thing"] = ["map", "key", "box", "letter", "stone", "feather", "coin", "lamp", "bottle", "book", "ring", "seed", "compass", "shell"],
        ["quality"] = ["heavy", "warm", "glowing", "very old", "broken", "strangely light", "covered in dust", "bright blue", "humming softly"],
        ["errand"] = ["buy bread", "fetch water", "sell apples", "visit a friend", "feed the ducks", "collect the mail", "sweep the steps"],
        ["task"] = ["find the lost sheep", "carry a message to the king", "fix the broken bridge", "look after the garden", "bring back some medicine", "help with the harvest"],
        ["question"] = ["Where are you going?", "What is that?", "Can you help me?", "Do you hear that?", "Are you sure about this?", "Is anyone there?", "How far is it?"],
        ["remark"] = ["I have never seen anything like it", "We should go home", "Let us try again tomorrow", "It is getting late", "Follow me", "I knew it"],
        ["advice"] = ["patience is a kind of courage", "the river always finds its way", "kindness is never wasted", "every door has a key", "small steps make long journeys"],
        ["ending"] = ["returned home with a smile", "shared the treasure with everyone", "found what {he} had been looking for", "made a true friend", "learned to be brave"],
        ["habit"] = ["helped anyone who asked", "kept the {thing} by the window", "visited {companion} every week", "never left home without a map"],

        ["place_entry"] =
        [
            "{town} is a {small town|city|village|market town|municipality} in the {north|south|east|west|centre} of {country}.",
            "It has a population of about {#2-900},{#100-999} people.",
            "The town was founded in {#1100-1900} {by {settlers}|as a trading post|around a {castle|monastery|river crossing}}.",
            "{town} is known for its {known_for}.",
            "Its economy is based mainly on {industry} and {industry}.",
            "The {river|lake|mountain} {invented} lies {#2-40} kilometres to the {north|south|east|west}.",
            "The climate is {mild|continental|dry|humid|cold}, with an average summer temperature of {#15-34} degrees.",
        ],
        ["settlers"] = ["farmers", "monks", "merchants", "fishermen", "miners", "settlers from {country}"],
        ["known_for"] = ["medieval churches", "annual music festival", "cheese", "wine", "old harbour", "university", "textile mills", "botanical garden", "stone bridge"],
        ["industry"] = ["agriculture", "tourism", "fishing", "mining", "manufacturing", "forestry", "trade", "shipbuilding", "software", "textiles"],
        ["species_entry"] =
        [
            "The {color} {creature} is a species of {class} found in {habitat} of {region}.",
            "It grows to about {#2-90} centimetres in length and feeds mainly on {food}.",
            "The species was first described in {#1758-1990}.",
            "Adults are {color} with {darker|paler|spotted|striped} {wings|backs|tails|fins}.",
            "It is listed as {least concern|near threatened|vulnerable|endangered} because of {habitat loss|pollution|hunting|climate change}.",
            "Females lay between {#2-40} eggs {each spring|once a year|in the rainy season}.",
        ],
        ["color"] = ["red", "grey", "golden", "spotted", "black", "pale", "blue", "brown", "striped", "green"],
        ["creature"] = ["warbler", "frog", "beetle", "salamander", "shrew", "finch", "moth", "lizard", "trout", "bat", "snail", "heron"],
        ["class"] = ["bird", "amphibian", "insect", "mammal", "reptile", "fish", "mollusc"],
        ["habitat"] = ["the wetlands", "the forests", "the grasslands", "the rivers", "the deserts", "the mountain slopes", "the coastal waters"],
        ["region"] = ["{country}", "Central Africa", "South America", "Southeast Asia", "northern Europe", "the Pacific islands", "eastern Australia"],
        ["food"] = ["insects", "seeds", "small fish", "fruit", "leaves", "worms", "algae", "nectar"],
        ["person_entry"] =
        [
            "{hero} ({born}–{died}) was {@nationality} {occupation} known for {achievement}.",
            "{He} was born in {city} and studied at {university}.",
            "In {born_plus}, {he} moved to {city}, where {he} worked for most of {his} life.",
            "{His} best known work {dealt with|described|changed} {achievement}.",
            "{He} died in {city} in {died}.",
            "{He} received {several awards|an honorary doctorate|a national prize} for {his} work.",
        ],
        ["born_plus"] = ["the following years", "{his} twenties", "later life"],
        ["nationality"] = ["American", "French", "German", "Italian", "Japanese", "Brazilian", "Indian", "Swedish", "Polish", "Nigerian", "Irish", "Canadian", "Austrian", "Egyptian"],
        ["occupation"] = ["chemist", "novelist", "engineer", "mathematician", "explorer", "economist", "astronomer", "botanist", "inventor", "historian", "singer", "politician"],
        ["achievement"] = ["early work on electricity", "a series of novels about the sea", "the design of suspension bridges", "the study of prime numbers",
            "an expedition to the Arctic", "research on inflation", "the discovery of a comet", "a catalogue of alpine plants", "folk songs", "land reform"],
        ["invention_entry"] =
        [
            "The {invented} {device} is a device used to {purpose}.",
            "It was invented in {#1820-1990} by {person}, {@nationality} {occupation}.",
            "Early models were made of {wood|brass|iron|glass|plastic} and weighed about {#1-90} kilograms.",
            "Today, devices like it are used in {field_of_use}.",
            "The design was improved in {#1850-2010}, when {engineers|researchers|a small company} {added a motor|made it smaller|replaced the springs}.",
        ],
        ["device"] = ["pump", "loom", "lamp", "gauge", "valve", "press", "lens", "engine", "sensor", "clock", "filter", "scale"],
        ["purpose"] = ["measure air pressure", "lift water from wells", "weave cloth", "keep time at sea", "filter drinking water", "dry grain", "focus light"],
        ["field_of_use"] = ["farming", "medicine", "shipping", "laboratories", "mining", "homes around the world", "weather stations"],

        ["dialogue_line"] =
        [
            "Did you see the game last night?", "I think it is going to rain.", "Have you finished the report yet?", "Let's get coffee after work.",
            "What time does the train leave?", "I lost my keys again.", "Can you pick up some milk on the way home?", "How was your trip to {city}?",
            "I am thinking of learning {spoken}.", "The meeting moved to {weekday}.", "That restaurant on the corner is closed.", "Sure, no problem.",
            "I have no idea.", "Maybe next week.", "It was great, thanks for asking.", "Really? I had no idea.", "Not yet, give me {#2-30} minutes.",
            "I will call you {tonight|tomorrow|later}.", "The tickets cost {#5-90} dollars each.", "My sister lives in {city} now.",
        ],
        ["spoken"] = ["Spanish", "French", "the piano", "to swim", "to cook", "Japanese", "to drive", "German"],
    };
}
