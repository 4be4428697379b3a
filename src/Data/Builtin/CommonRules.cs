namespace SaePipeline.Data.Builtin;

/// <summary>Grammar rules over <see cref="WordPools"/> that every generator's grammar can refer to.</summary>
public static class CommonRules
{
    public static readonly IReadOnlyDictionary<string, string[]> Rules = new Dictionary<string, string[]>
    {
        ["male_first"] = WordPools.MaleFirstNames,
        ["female_first"] = WordPools.FemaleFirstNames,
        ["first_name"] = WordPools.FirstNames,
        ["surname"] = WordPools.Surnames,
        ["person"] = ["{first_name} {surname}"],
        ["city"] = WordPools.Cities,
        ["state"] = WordPools.UsStates,
        ["country"] = WordPools.Countries,
        ["month"] = WordPools.Months,
        ["weekday"] = WordPools.Weekdays,
        ["year"] = ["{#1950-2023}"],
        ["recent_year"] = ["{#2005-2023}"],
        ["syl"] = WordPools.Syllables,
        ["name_suffix"] = WordPools.NameEndings,
        ["invented"] = ["{^syl}{syl}{name_suffix}", "{^syl}{name_suffix}", "{^syl}{syl}"],
        ["university"] =
        [
            "the University of {city}", "the University of {state}", "{state} State University", "{surname} University",
            "{surname} College", "{city} Community College", "the {city} Institute of Technology", "{invented} University",
            "the University of {city}", "{city} State University",
        ],
        ["company"] =
        [
            "{invented}", "{invented} {Group|Labs|Systems|Holdings|Partners|Industries|Technologies|Solutions}",
            "{surname} & {surname}", "{surname} {Group|Associates|and Sons|Partners|Inc.}", "{invented} Inc.",
        ],
    };
}
