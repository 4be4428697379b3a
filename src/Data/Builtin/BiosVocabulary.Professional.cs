namespace SaePipeline.Data.Builtin;

public static partial class BiosVocabulary
{
    /// <summary>Law, business, technology, religion and education.</summary>
    static readonly Dictionary<string, Dictionary<string, string[]>> Professional = new()
    {
        ["accountant"] = new()
        {
            ["degree"] = ["a bachelor's degree in accounting", "a Master of Accountancy", "an MBA in finance", "a degree in business administration"],
            ["place"] = ["{surname} & {surname} CPAs", "{invented} Financial", "a regional accounting firm", "{invented} Tax Services", "the finance department of {company}"],
            ["focus"] =
            [
                "tax preparation", "audits", "small business accounting", "forensic accounting", "payroll", "estate planning", "nonprofit accounting",
                "financial reporting", "bookkeeping", "QuickBooks consulting", "IRS representation", "budgeting",
            ],
            ["duty"] =
            [
                "prepares individual and business tax returns", "helps small businesses keep accurate books", "conducts audits for nonprofits and local governments",
                "advises clients on tax planning and retirement", "reconciles accounts and prepares financial statements", "represents clients before the IRS",
                "manages month-end close and payroll for mid-sized companies",
            ],
            ["extra"] =
            [
                "{He} is a Certified Public Accountant licensed in {state}.", "{He} has been preparing taxes for more than {#5-30} years.",
                "{He} enjoys helping clients make sense of their numbers.", "{He} is a QuickBooks ProAdvisor.",
            ],
            ["group"] = ["the American Institute of CPAs", "the {state} Society of CPAs", "the Institute of Management Accountants"],
            ["field"] = ["accounting", "public accounting", "tax and accounting"],
            ["work_noun"] = ["practice", "work"],
        },
        ["architect"] = new()
        {
            ["degree"] = ["a Master of Architecture", "a Bachelor of Architecture", "a degree in environmental design", "a master's degree in urban design"],
            ["school"] = ["{university}", "the {city} School of Architecture", "the Architectural Association in London"],
            ["place"] = ["{surname} + {surname} Architects", "{invented} Studio", "{invented} Design Group", "a small design firm"],
            ["focus"] =
            [
                "sustainable design", "residential projects", "adaptive reuse", "healthcare facilities", "urban planning", "passive house design",
                "historic preservation", "affordable housing", "school buildings", "mixed-use developments", "timber construction",
            ],
            ["duty"] =
            [
                "designs homes, schools and civic buildings", "leads projects from schematic design through construction administration",
                "works on large-scale mixed-use developments in {city}", "designs energy-efficient buildings with natural materials",
                "has completed more than {#20-150} built projects", "collaborates with engineers and contractors on site", "teaches design studio at {university}",
            ],
            ["extra"] =
            [
                "{He} is a LEED Accredited Professional and is licensed in {state}.", "{His} design for a library in {city} won an AIA award.",
                "{He} believes good buildings should respond to their landscape and climate.", "{His} work has been published in {Dwell|Architectural Record|Dezeen}.",
            ],
            ["group"] = ["the American Institute of Architects", "the U.S. Green Building Council", "the Royal Institute of British Architects"],
            ["field"] = ["architecture", "building design", "architecture and urban design"],
            ["work_noun"] = ["practice", "work", "design work"],
        },
        ["attorney"] = new()
        {
            ["degree"] = ["a J.D.", "a Juris Doctor", "a law degree", "an LL.M. in taxation", "a J.D. cum laude"],
            ["school"] = ["the School of Law at {university}", "{surname} Law School", "{university}"],
            ["place"] = ["{surname} & {surname} LLP", "{surname}, {surname} & {surname}", "{surname} Law Group", "the public defender's office", "{invented} Legal"],
            ["focus"] =
            [
                "personal injury", "family law", "criminal defense", "estate planning", "business litigation", "immigration law", "employment law",
                "real estate transactions", "intellectual property", "bankruptcy", "medical malpractice", "civil rights",
            ],
            ["duty"] =
            [
                "represents clients in {focus} matters", "litigates complex commercial disputes in state and federal courts",
                "advises businesses on contracts and compliance", "has tried more than {#20-200} cases to verdict", "helps families with wills, trusts and probate",
                "defends individuals charged with serious crimes", "negotiates settlements on behalf of injured clients",
            ],
            ["extra"] =
            [
                "{He} is admitted to practice in {state} and {state}.", "{He} has been named a Super Lawyer {#2-12} years in a row.",
                "Before going into private practice, {he} served as a law clerk for a federal judge.", "{He} is a former prosecutor in {city}.",
            ],
            ["group"] = ["the American Bar Association", "the {state} Bar Association", "the {state} Trial Lawyers Association", "the American Immigration Lawyers Association"],
            ["field"] = ["law", "litigation", "legal practice"],
            ["work_noun"] = ["practice", "legal work"],
        },
        ["paralegal"] = new()
        {
            ["degree"] = ["a certificate in legal studies", "an associate degree in legal studies", "a bachelor's degree in criminal justice"],
            ["place"] = ["{surname} & {surname} LLP", "the legal department of {company}", "a personal injury firm", "{invented} Law Group"],
            ["focus"] =
            [
                "litigation support", "e-discovery", "case management", "legal research", "corporate filings", "real estate closings", "trial preparation",
                "immigration petitions", "document review", "probate",
            ],
            ["duty"] =
            [
                "supports attorneys in litigation and trial preparation", "drafts pleadings, motions and discovery requests", "organizes exhibits and manages case files",
                "conducts legal research using Westlaw and LexisNexis", "coordinates depositions and client meetings",
                "prepares closing documents for real estate transactions", "keeps the firm's calendar and court deadlines on track",
            ],
            ["extra"] =
            [
                "{He} is a certified legal assistant with NALA.", "{He} has {#3-25} years of experience supporting litigation teams.",
                "{He} is known for {his} attention to detail and calm under deadline pressure.", "{He} is currently considering law school.",
            ],
            ["group"] = ["the National Association of Legal Assistants", "the {state} Association of Legal Assistants"],
            ["field"] = ["the legal field", "litigation support", "law firm operations"],
            ["work_noun"] = ["work"],
        },
        ["pastor"] = new()
        {
            ["degree"] = ["a Master of Divinity", "a Doctor of Ministry", "a bachelor's degree in biblical studies", "a degree in theology"],
            ["school"] = ["{invented} Theological Seminary", "the {city} Bible College", "{surname} Seminary"],
            ["place"] = ["{invented} Community Church", "Grace Church", "the {city} Baptist Church", "First Methodist Church", "New Hope Fellowship", "St. {saint} Lutheran Church"],
            ["focus"] = ["youth ministry", "biblical preaching", "church planting", "pastoral care", "worship", "missions", "discipleship", "marriage counseling", "community outreach"],
            ["duty"] =
            [
                "preaches every Sunday and leads a midweek Bible study", "has served the congregation for {#3-30} years", "counsels families through grief and hardship",
                "leads mission trips to {country}", "oversees youth and children's ministries", "officiates weddings, baptisms and funerals",
                "helped plant a new church in {city}",
            ],
            ["extra"] =
            [
                "{He} was ordained in {#1985-2015}.", "{He} has a passion for helping people grow in their faith.",
                "{He} loves serving the people of {city}.", "{His} sermons are broadcast on local radio each week.",
            ],
            ["group"] = ["the Southern Baptist Convention", "the {city} Ministerial Alliance", "the Evangelical Lutheran Church in America", "the United Methodist Church"],
            ["field"] = ["ministry", "pastoral ministry", "the church"],
            ["work_noun"] = ["ministry"],
        },
        ["professor"] = new()
        {
            ["degree"] = ["a Ph.D. in {discipline}", "a doctorate in {discipline}", "a master's degree in {discipline}"],
            ["discipline"] =
            [
                "economics", "physics", "sociology", "history", "chemistry", "computer science", "mathematics", "political science", "biology", "English",
                "philosophy", "linguistics", "anthropology", "mechanical engineering", "education", "public health", "marketing", "statistics", "neuroscience",
            ],
            ["place"] = ["{university}", "the Department of {^discipline} at {university}", "the {invented} Institute at {university}"],
            ["focus"] =
            [
                "labor markets", "quantum materials", "the history of science", "machine learning", "urban inequality", "climate policy", "medieval literature",
                "protein folding", "game theory", "public finance", "migration", "renewable energy systems", "cognitive development", "algebraic geometry",
                "Renaissance art", "international relations", "organic synthesis", "bioinformatics",
            ],
            ["duty"] =
            [
                "teaches undergraduate and graduate courses in {discipline}", "conducts research on {focus}", "directs the {invented} Lab at {university}",
                "supervises doctoral students", "has published more than {#20-200} peer-reviewed articles", "serves as chair of the department of {discipline}",
                "received a grant from the National Science Foundation to study {focus}",
            ],
            ["extra"] =
            [
                "{His} research has been funded by the {National Science Foundation|National Institutes of Health|Ford Foundation|European Research Council}.",
                "{He} is the author of {two|three|several} books, including a study of {focus}.",
                "{He} joined the faculty in {#1985-2020} after a postdoctoral fellowship at {university}.", "{He} has held visiting positions in {city} and {city}.",
            ],
            ["group"] =
            [
                "the American Economic Association", "the American Physical Society", "the Modern Language Association",
                "the American Association for the Advancement of Science", "the American Sociological Association",
            ],
            ["field"] = ["higher education", "{discipline}", "academic research"],
            ["work_noun"] = ["research", "scholarship"],
        },
        ["software_engineer"] = new()
        {
            ["degree"] = ["a B.S. in computer science", "a master's degree in computer science", "a degree in electrical engineering", "a degree in mathematics"],
            ["place"] = ["{company}", "{invented}", "a startup", "{invented} Labs", "the {city} office of {invented}"],
            ["focus"] =
            [
                "distributed systems", "backend services", "machine learning infrastructure", "mobile apps", "web development", "cloud computing", "databases",
                "developer tools", "security", "compilers", "data pipelines", "embedded systems", "front-end frameworks",
            ],
            ["duty"] =
            [
                "builds scalable backend services in {Go|Java|Python|Rust|C++}", "writes code for {focus}", "designs APIs and data pipelines",
                "leads a team of developers building {focus}", "contributes to open-source projects on GitHub", "works on {focus} at {company}",
                "reviews code and mentors junior developers", "ships features used by millions of people",
            ],
            ["extra"] =
            [
                "{He} has been writing code since {he} was {#10-16}.", "{He} is passionate about clean code and test-driven development.",
                "{He} previously worked at {invented} and {invented}.", "{He} holds {#2-6} patents in {focus}.",
            ],
            ["group"] = ["the Association for Computing Machinery", "the IEEE Computer Society", "the {city} Python user group"],
            ["field"] = ["software development", "the tech industry", "{focus}"],
            ["work_noun"] = ["work", "engineering work"],
        },
        ["teacher"] = new()
        {
            ["degree"] = ["a bachelor's degree in elementary education", "a master's degree in education", "a degree in {subject} education", "a teaching credential"],
            ["subject"] = ["math", "science", "English", "history", "Spanish", "art", "music", "biology", "chemistry"],
            ["place"] = ["{surname} Elementary School", "{city} High School", "{invented} Middle School", "{surname} Academy", "a public school", "{surname} Montessori School"],
            ["focus"] =
            [
                "early literacy", "STEM education", "special education", "classroom technology", "project-based learning", "English language learners",
                "{subject}", "gifted education", "differentiated instruction",
            ],
            ["duty"] =
            [
                "teaches {first|second|third|fourth|fifth|sixth}-grade students", "teaches {subject} to {seventh|eighth|ninth|tenth|eleventh}-graders",
                "creates hands-on lessons that make learning fun", "coaches the school's {debate|robotics|soccer|chess} team",
                "works with struggling readers in small groups", "has taught in public schools for {#3-30} years",
                "integrates technology and art into the curriculum",
            ],
            ["extra"] =
            [
                "{He} was named {city} Educator of the Year in {#2000-2022}.", "{He} believes every child can succeed with the right support.",
                "{He} holds National Board Certification.", "{His} classroom is full of plants, books and student artwork.",
            ],
            ["group"] = ["the National Education Association", "the {state} Education Association", "the National Council of Teachers of {Mathematics|English}"],
            ["field"] = ["education", "elementary education", "the classroom"],
            ["work_noun"] = ["teaching", "work"],
        },
    };
}
