namespace SaePipeline.Data.Builtin;

/// <summary>
/// Sentence frames shared by all professions, in the style of bias_in_bios' <c>hard_text</c>: the biography after its
/// first sentence, about a person referred to by pronoun or name. The frames leave the profession to the vocabulary
/// they draw from (degree, place, focus, duty, field, group), which is what makes it inferable without its title.
/// </summary>
public static class BiosFrames
{
    /// <summary>Per-document variables: the pronouns (see <see cref="WordPools.Pronouns"/>), then how the bio names its subject.</summary>
    public static readonly string[] Variables = [.. WordPools.PronounVariables, "name"];

    /// <summary>The sentence kinds a bio is assembled from, shuffled; the "s_personal" ones go last, as in real bios.</summary>
    public static readonly string[] ProfessionalSentences = ["s_edu", "s_work", "s_duty", "s_duty", "s_focus", "s_extra", "s_extra", "s_exp", "s_group"];

    public static readonly IReadOnlyDictionary<string, string[]> Rules = new Dictionary<string, string[]>
    {
        ["s_edu"] =
        [
            "{He} {graduated from|studied at|trained at} {school}{| in {#1975-2016}}{|, where {he} earned {degree}}.",
            "{He} holds {degree} from {school}.",
            "{He} earned {degree} from {school} in {#1975-2018}{| and {later|then} completed {degree}}.",
            "{name} received {his} {training|education} at {school}.",
            "After completing {degree} at {school}, {he} {moved to|returned to|settled in} {city}.",
        ],
        ["s_work"] =
        [
            "{He} currently works at {place} in {city}.",
            "{He} {is based in|lives and works in|works out of} {city}{|, where {he} {duty}}.",
            "{He} has been with {place} since {#1990-2020}.",
            "At {place}, {he} {duty}.",
            "{name} has {worked|been working} at {place} for {over |}{#2-25} years.",
        ],
        ["s_duty"] =
        [
            "{He} {duty}.", "{He} also {duty}.", "In addition, {he} {duty}.", "{name} {duty}.", "{He} {duty} and {duty}.",
            "{He} {duty}, and {he} also {duty}.", "{name} also {duty}.",
        ],
        ["s_focus"] =
        [
            "{He} specializes in {focus}{| and {focus}}.",
            "{His} {work_noun} focuses on {focus}{| and {focus}}.",
            "{His} {areas of interest|interests|main areas of expertise} include {focus}, {focus}, and {focus}.",
            "{He} has a {special|particular|strong} interest in {focus}.",
        ],
        ["s_extra"] = ["{extra}"],
        ["s_exp"] =
        [
            "{He} has {over |more than |}{#2-35} years of experience in {field}.",
            "{He} has been {working|active} in {field} since {#1978-2018}.",
            "With {#3-30} years in {field}, {he} {duty}.",
            "{name} brings {#5-30} years of experience in {field} to {his} {work_noun}.",
        ],
        ["s_group"] =
        [
            "{He} is a member of {group}{| and {group}}.",
            "{He} serves on the {board|executive committee|advisory council} of {group}.",
            "{He} is {an active|a longtime|a proud} member of {group}.",
        ],
        ["s_personal"] =
        [
            "{He} lives in {city} with {his} {family}.",
            "In {his} {free|spare} time, {he} enjoys {hobby}{| and {hobby}}.",
            "When {he} is not working, {he} {likes|loves} {hobby}.",
            "{He} is fluent in {spoken_language}{| and {spoken_language}}.",
            "{He} {grew up|was born and raised} in {city}{| and now lives in {city}}.",
            "Outside of work, {he} volunteers with {charity}.",
        ],
        ["s_title"] =
        [
            "{He} has worked as {@title} for {over |}{#3-25} years.", "{name} is {@title} based in {city}.",
            "{He} became {@title} in {#1985-2018}.",
        ],
        ["family"] =
        [
            "wife", "husband", "partner", "two children", "three kids", "family", "dog", "two cats", "wife and {two|three} children",
            "husband and {two|three} children", "partner and their {son|daughter}",
        ],
        ["hobby"] =
        [
            "hiking", "cooking", "reading mystery novels", "gardening", "running", "traveling", "playing guitar", "cycling",
            "skiing", "baking bread", "fishing", "sailing", "watching {baseball|football|basketball|hockey}", "kayaking",
            "spending time with family", "camping", "birdwatching", "woodworking", "playing tennis", "golf", "swimming",
            "rock climbing", "knitting", "board games", "collecting vinyl records", "chess", "surfing", "volunteering",
        ],
        ["spoken_language"] =
        [
            "Spanish", "French", "German", "Italian", "Portuguese", "Mandarin", "Cantonese", "Japanese", "Korean", "Hindi",
            "Arabic", "Russian", "Polish", "Dutch", "Hebrew", "Turkish", "Swahili", "Tagalog", "Vietnamese", "Greek",
        ],
        ["charity"] =
        [
            "Habitat for Humanity", "the local food bank", "Big Brothers Big Sisters", "an animal shelter in {city}",
            "a literacy program for adults", "the {city} {Youth|Arts|Literacy} Foundation", "Meals on Wheels",
        ],
        ["saint"] = ["Mary", "Joseph", "Luke", "Jude", "Francis", "Vincent", "Anthony", "Michael", "Elizabeth", "Catherine", "John", "Paul"],
        ["hospital"] =
        [
            "{city} General Hospital", "St. {saint} Hospital", "{surname} Memorial Hospital", "the {city} Medical Center",
            "{surname} University Medical Center", "{city} Children's Hospital", "St. {saint} Medical Center", "{city} Regional Medical Center",
        ],
        ["magazine"] = ["Vogue", "Elle", "Harper's Bazaar", "Marie Claire", "GQ", "Cosmopolitan", "{invented} Magazine", "Glamour"],
        ["school"] = ["{university}"],
        ["work_noun"] = ["work"],
    };
}
