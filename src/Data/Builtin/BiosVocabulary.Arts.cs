namespace SaePipeline.Data.Builtin;

public static partial class BiosVocabulary
{
    /// <summary>Arts, media and entertainment.</summary>
    static readonly Dictionary<string, Dictionary<string, string[]>> Arts = new()
    {
        ["comedian"] = new()
        {
            ["degree"] = ["a degree in theater", "a bachelor's degree in communications", "a degree in English"],
            ["school"] = ["{university}", "the {city} Improv Conservatory"],
            ["place"] = ["{invented} Comedy Club", "the {city} Improv", "a late-night television show", "the {city} Laugh Factory"],
            ["focus"] = ["stand-up", "improv", "sketch comedy", "observational humor", "storytelling", "political satire", "crowd work", "one-liners"],
            ["duty"] =
            [
                "performs stand-up at clubs and colleges across the country", "headlines shows at {place}", "writes jokes about family, dating and growing up in {city}",
                "hosts a weekly podcast about {food|movies|sports|relationships|nothing in particular}", "tours with {his} one-hour special",
                "has opened for some of the biggest names in comedy", "writes for a late-night sketch show", "performs regularly at festivals from {city} to {city}",
            ],
            ["extra"] =
            [
                "{His} debut album reached number one on the iTunes comedy chart.", "{He} has appeared on {Comedy Central|late-night television|Netflix|HBO}.",
                "{He} started doing open mics in {city} in {#1998-2016}.", "{His} first hour-long special premiered in {#2010-2023}.",
            ],
            ["group"] = ["the Writers Guild of America", "SAG-AFTRA", "the sketch troupe {invented}"],
            ["field"] = ["comedy", "stand-up comedy", "entertainment"],
            ["work_noun"] = ["act", "material", "comedy"],
        },
        ["composer"] = new()
        {
            ["degree"] = ["a Master of Music in composition", "a doctorate in music composition", "a Bachelor of Music", "a degree in film scoring"],
            ["school"] = ["{university}", "the {city} Conservatory of Music", "the Royal College of Music", "the {invented} School of Music"],
            ["place"] = ["the {city} Symphony Orchestra", "{invented} Studios", "{his} studio", "the {city} Opera"],
            ["focus"] =
            [
                "orchestral music", "film scores", "chamber music", "choral works", "video game soundtracks", "electronic music", "opera",
                "music for dance", "string quartets", "television scoring",
            ],
            ["duty"] =
            [
                "writes music for film, television and video games", "has scored more than {#10-60} feature films and documentaries",
                "writes works for orchestra, choir and chamber ensembles", "orchestrates and conducts {his} own scores",
                "collaborates with directors to create original soundtracks", "receives commissions from orchestras and festivals across {Europe|North America|Asia}",
                "teaches orchestration and counterpoint",
            ],
            ["extra"] =
            [
                "{His} works have been performed by the {city} Philharmonic and the {city} Symphony.", "{His} opera {invented} premiered in {city} in {#2005-2023}.",
                "{He} was awarded {a Guggenheim Fellowship|an ASCAP award|a BMI Film Award|the Rome Prize} in {#2000-2022}.",
                "{His} recent score blends solo cello with analog synthesizers.",
            ],
            ["group"] = ["ASCAP", "BMI", "the Society of Composers & Lyricists"],
            ["field"] = ["music", "film music", "contemporary classical music"],
            ["work_noun"] = ["music", "work"],
        },
        ["dj"] = new()
        {
            ["degree"] = ["a degree in audio engineering", "a diploma in music production", "a degree in sound design"],
            ["school"] = ["{university}", "the {city} School of Audio Engineering"],
            ["place"] = ["{invented} nightclub", "{invented} Radio", "the {invented} Lounge", "{invented} Records"],
            ["focus"] = ["house music", "techno", "hip-hop", "deep house", "drum and bass", "open-format sets", "Afrobeat", "disco", "trance", "wedding receptions"],
            ["duty"] =
            [
                "spins {house|techno|hip-hop|disco} at clubs and festivals", "holds a weekly residency at {invented} in {city}",
                "mixes live on the turntables at weddings and corporate events", "hosts a Friday night mix show on {invented} Radio",
                "produces remixes for artists across {Europe|the world|North America}", "reads the crowd and keeps the dance floor packed until closing time",
                "has played sets alongside international headliners", "releases monthly mixes on {SoundCloud|Mixcloud}",
            ],
            ["extra"] =
            [
                "{He} began collecting vinyl at the age of {#10-17}.", "{His} sets blend classic grooves with new underground releases.",
                "{He} has toured clubs in {city}, {city} and {city}.", "{His} remix of a {#1975-2015} classic topped the Beatport charts.",
            ],
            ["group"] = ["the {invented} collective", "the {city} nightlife collective {invented}", "the {invented} Records family"],
            ["field"] = ["nightlife", "dance music", "the club scene"],
            ["work_noun"] = ["music", "sets"],
        },
        ["filmmaker"] = new()
        {
            ["degree"] = ["an MFA in film production", "a degree in film studies", "a BFA in cinema", "a master's degree in documentary film"],
            ["school"] = ["{university}", "the {city} Film School", "the American Film Institute"],
            ["place"] = ["{invented} Films", "{invented} Pictures", "{his} production company", "{surname} Productions"],
            ["focus"] =
            [
                "documentaries", "short films", "narrative features", "social justice stories", "experimental film", "music videos", "branded content",
                "animation", "environmental documentaries",
            ],
            ["duty"] =
            [
                "writes, directs and produces independent films", "makes documentaries about {immigration|climate change|the music industry|rural life|sport|food}",
                "has directed {#3-25} short films", "edits and shoots much of {his} own footage", "develops feature projects with independent producers",
                "tells stories about people at the margins of society", "directs commercials and music videos",
            ],
            ["extra"] =
            [
                "{His} films have screened at {Sundance|the Toronto International Film Festival|SXSW|Tribeca|the Berlinale} and {Cannes|Venice|Telluride|Hot Docs}.",
                "{His} debut feature premiered in {#2008-2023} and was released by {invented} Pictures.",
                "{His} documentary about {city} won the audience award at the {invented} Film Festival.",
                "{He} is developing {his} second feature with support from the {invented} Film Fund.",
            ],
            ["group"] = ["the Directors Guild of America", "the International Documentary Association", "Film Independent"],
            ["field"] = ["film", "documentary film", "independent cinema"],
            ["work_noun"] = ["work", "films"],
        },
        ["interior_designer"] = new()
        {
            ["degree"] = ["a BFA in interior design", "a degree in interior architecture", "a certificate in interior design", "a degree in fine arts"],
            ["school"] = ["{university}", "the {city} School of Design", "Parsons School of Design"],
            ["place"] = ["{invented} Interiors", "{surname} Design Studio", "{invented} Home", "a residential design firm"],
            ["focus"] =
            [
                "residential interiors", "hospitality design", "kitchen and bath design", "space planning", "color consulting", "sustainable materials",
                "furniture selection", "custom millwork", "commercial office spaces", "historic renovations", "lighting design",
            ],
            ["duty"] =
            [
                "creates warm, livable spaces that reflect each client's personality", "transforms homes with custom furniture, fabrics and lighting",
                "works closely with architects and contractors from concept to installation", "selects finishes, textiles and art for luxury residences",
                "designs boutique hotels and restaurants", "manages renovation budgets and timelines", "blends modern and traditional elements",
            ],
            ["extra"] =
            [
                "{His} projects have been featured in {Architectural Digest|Elle Decor|House Beautiful|Dwell}.", "{He} is known for {his} bold use of color and pattern.",
                "{He} is NCIDQ certified.", "{He} believes a room should tell the story of the people who live in it.",
            ],
            ["group"] = ["the American Society of Interior Designers", "the International Interior Design Association", "the {state} chapter of IIDA"],
            ["field"] = ["interior design", "residential design", "the design industry"],
            ["work_noun"] = ["work", "design work"],
        },
        ["journalist"] = new()
        {
            ["degree"] = ["a master's degree in journalism", "a degree in political science", "a bachelor's degree in English", "a degree in communications"],
            ["school"] = ["{university}", "the Columbia Graduate School of Journalism", "the {city} School of Journalism"],
            ["place"] = ["the {city} {Times|Herald|Tribune|Post|Gazette|Chronicle}", "{invented} News", "the {invented} Daily", "{invented} Public Radio"],
            ["focus"] =
            [
                "politics", "investigative reporting", "climate and the environment", "health care", "technology", "immigration", "criminal justice",
                "education", "business and finance", "foreign affairs", "local government", "sports",
            ],
            ["duty"] =
            [
                "covers {focus} for {place}", "reports on {focus} and {focus}", "writes features and profiles for national magazines",
                "has reported from {country}, {country} and {country}", "investigates government spending and public contracts",
                "hosts a weekly podcast about {focus}", "edits the paper's weekend section", "breaks news on the {city} city hall beat",
            ],
            ["extra"] =
            [
                "{His} work has appeared in {outlet}, {outlet} and {outlet}.",
                "{He} was a finalist for {the Pulitzer Prize|a National Magazine Award|an Edward R. Murrow Award} in {#2000-2022}.",
                "{He} previously worked as a correspondent in {city}.", "{His} reporting on {focus} won a {state} Press Association award.",
            ],
            ["outlet"] =
            [
                "The New York Times", "The Guardian", "The Washington Post", "The Atlantic", "Reuters", "the BBC", "NPR", "The Economist", "Slate",
                "Wired", "Vox", "Politico", "the {city} Tribune",
            ],
            ["group"] = ["the Society of Professional Journalists", "Investigative Reporters and Editors", "the Online News Association"],
            ["field"] = ["journalism", "news", "media"],
            ["work_noun"] = ["reporting", "work", "writing"],
        },
        ["model"] = new()
        {
            ["degree"] = ["a degree in fashion merchandising", "a degree in communications", "a bachelor's degree in psychology"],
            ["place"] = ["{invented} Management", "{invented} Agency", "{invented} Talent", "{invented} Management"],
            ["focus"] =
            [
                "runway", "editorial work", "commercial campaigns", "swimwear", "fitness shoots", "beauty campaigns", "high fashion", "catalog work",
                "fit work", "print advertising",
            ],
            ["duty"] =
            [
                "has walked the runway for {brand} and {brand}", "has appeared in campaigns for {brand}", "shoots editorials for fashion magazines",
                "travels between {city}, {city} and {city} for castings", "has been photographed for the covers of {magazine}",
                "works with designers during fashion week", "represents brands at trade shows and events",
            ],
            ["extra"] =
            [
                "{He} was discovered at the age of {#14-22} while shopping in {city}.", "{He} is signed with {place} in {city}.",
                "{He} stands 1.{#70-92} meters tall.", "{He} has graced the covers of {magazine} and {magazine}.",
            ],
            ["brand"] = ["{invented}", "Chanel", "Dior", "Versace", "Gucci", "Prada", "H&M", "Calvin Klein", "Nike", "Levi's", "Zara"],
            ["group"] = ["SAG-AFTRA", "the {invented} agency roster"],
            ["field"] = ["fashion", "the fashion industry", "print and runway work"],
            ["work_noun"] = ["work", "portfolio"],
        },
        ["painter"] = new()
        {
            ["degree"] = ["an MFA in painting", "a BFA in fine arts", "a degree in art history", "a master's degree in studio art"],
            ["school"] = ["{university}", "the {city} Academy of Fine Arts", "the School of the Art Institute of Chicago", "the {city} College of Art"],
            ["place"] = ["{his} studio", "the {invented} Gallery", "a converted warehouse studio"],
            ["focus"] =
            [
                "oil painting", "abstract landscapes", "portraiture", "watercolor", "large-scale canvases", "color field painting", "still life",
                "figurative work", "murals", "encaustic", "acrylic on panel",
            ],
            ["duty"] =
            [
                "works primarily in oil on linen", "paints large abstract canvases inspired by {the sea|the desert|urban architecture|memory|music}",
                "explores color, light and memory in {his} work", "creates public murals for schools and hospitals", "exhibits regularly in {city} and {city}",
                "teaches drawing and painting workshops", "paints portraits on commission",
            ],
            ["extra"] =
            [
                "{His} paintings are held in private and public collections in {country} and {country}.",
                "{He} has had {#3-30} solo exhibitions, most recently at the {invented} Gallery in {city}.",
                "{He} was awarded a residency at {invented} in {#2005-2022}.", "{His} canvases often take months to complete.",
            ],
            ["group"] = ["the {city} Artists Guild", "the National Academy of Design", "the {invented} artist collective"],
            ["field"] = ["the visual arts", "fine art", "contemporary art"],
            ["work_noun"] = ["work", "painting"],
        },
        ["photographer"] = new()
        {
            ["degree"] = ["a BFA in photography", "a degree in photojournalism", "a degree in visual communication"],
            ["school"] = ["{university}", "the {city} School of Photography", "the International Center of Photography"],
            ["place"] = ["{invented} Photography", "{first_name} {surname} Photography", "{his} studio"],
            ["focus"] =
            [
                "wedding photography", "portraits", "newborn sessions", "commercial product shots", "landscapes", "documentary photography",
                "fashion editorials", "wildlife", "architectural photography", "street photography", "headshots", "event photography",
            ],
            ["duty"] =
            [
                "captures weddings, engagements and family portraits", "shoots editorial and commercial work for brands and magazines",
                "travels the world to document {wildlife|remote communities|landscapes|festivals}", "specializes in natural light portraits",
                "teaches workshops on lighting and composition", "loves telling stories through candid images", "works with both digital and film cameras",
            ],
            ["extra"] =
            [
                "{His} images have been published in {National Geographic|Time|Vogue|The New York Times|Outside Magazine}.",
                "{He} shoots with {Canon|Nikon|Sony|Leica|Fujifilm} cameras and prime lenses.", "{He} picked up {his} first camera at age {#8-18}.",
                "{His} photo essay on {city} was exhibited at the {invented} Gallery.",
            ],
            ["group"] = ["the Professional Photographers of America", "the American Society of Media Photographers", "the Wedding Photojournalist Association"],
            ["field"] = ["photography", "wedding photography", "visual storytelling"],
            ["work_noun"] = ["work", "photography"],
        },
        ["poet"] = new()
        {
            ["degree"] = ["an MFA in creative writing", "a degree in English literature", "a Ph.D. in comparative literature"],
            ["school"] = ["{university}", "the Iowa Writers' Workshop", "the {invented} Writers' Workshop"],
            ["place"] = ["{university}", "the {invented} Review", "{invented} Press"],
            ["focus"] = ["memory and migration", "the natural world", "grief", "the body", "family history", "language and identity", "love and loss", "urban life", "myth", "faith and doubt"],
            ["duty"] =
            [
                "writes about {focus}", "teaches creative writing at {university}", "edits the literary journal {invented} Review",
                "gives readings at festivals and bookstores", "translates contemporary verse from {Spanish|French|Arabic|Korean|Polish}",
                "leads writing workshops for teens", "writes lyric essays as well as verse",
            ],
            ["extra"] =
            [
                "{His} collection {invented} was published by {invented} Press in {#2000-2023}.",
                "{His} poems have appeared in {Poetry|The Paris Review|Ploughshares|The Kenyon Review|The New Yorker}.",
                "{He} is the author of {two|three|four} collections of poems.",
                "{He} has received fellowships from the {invented} Foundation and the National Endowment for the Arts.",
            ],
            ["group"] = ["the Academy of American Poets", "PEN America", "Cave Canem", "the {invented} Writers' Collective"],
            ["field"] = ["poetry", "literature", "writing"],
            ["work_noun"] = ["writing", "work", "poetry"],
        },
        ["rapper"] = new()
        {
            ["degree"] = ["a degree in music business", "a degree in audio production"],
            ["place"] = ["{invented} Records", "{his} home studio", "the local hip-hop scene"],
            ["focus"] = ["hip-hop", "trap", "conscious rap", "freestyle", "boom bap", "drill", "storytelling verses"],
            ["duty"] =
            [
                "drops verses about life growing up in {city}", "released {his} debut mixtape in {#2008-2023}", "writes rhymes about hustle, family and survival",
                "has collaborated with producers across the {South|West Coast|East Coast|Midwest}", "performs at festivals and sold-out shows",
                "runs {his} own independent label, {invented} Records", "freestyles on local radio",
            ],
            ["extra"] =
            [
                "{His} single went platinum in {#2010-2023}.", "{His} latest album features guest verses from {invented} and {invented}.",
                "{He} started recording tracks in {his} bedroom at age {#12-17}.", "{His} music has been streamed more than {#2-900} million times.",
            ],
            ["group"] = ["the {invented} crew", "the {city} hip-hop collective {invented}"],
            ["field"] = ["hip-hop", "music", "the rap game"],
            ["work_noun"] = ["music", "lyrics"],
        },
    };
}
