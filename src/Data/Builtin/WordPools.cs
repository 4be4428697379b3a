namespace SaePipeline.Data.Builtin;

/// <summary>
/// Word lists shared by the generators. Sizes matter more than contents: each list multiplies the number of distinct
/// documents, which is what keeps a small language model from memorising the corpus.
/// </summary>
public static class WordPools
{
    public static readonly string[] MaleFirstNames =
    [
        "James", "John", "Robert", "Michael", "William", "David", "Richard", "Joseph", "Thomas", "Charles", "Christopher",
        "Daniel", "Matthew", "Anthony", "Mark", "Donald", "Steven", "Paul", "Andrew", "Joshua", "Kenneth", "Kevin", "Brian",
        "George", "Timothy", "Ronald", "Edward", "Jason", "Jeffrey", "Ryan", "Jacob", "Gary", "Nicholas", "Eric", "Jonathan",
        "Stephen", "Larry", "Justin", "Scott", "Brandon", "Benjamin", "Samuel", "Gregory", "Alexander", "Frank", "Patrick",
        "Raymond", "Jack", "Dennis", "Jerry", "Tyler", "Aaron", "Jose", "Adam", "Nathan", "Henry", "Douglas", "Zachary",
        "Peter", "Kyle", "Ethan", "Walter", "Noah", "Jeremy", "Christian", "Keith", "Roger", "Terry", "Gerald", "Harold",
        "Sean", "Austin", "Carl", "Arthur", "Lawrence", "Dylan", "Jesse", "Jordan", "Bryan", "Billy", "Joe", "Bruce",
        "Gabriel", "Logan", "Albert", "Willie", "Alan", "Juan", "Wayne", "Elijah", "Randy", "Roy", "Vincent", "Ralph",
        "Eugene", "Russell", "Bobby", "Mason", "Philip", "Louis", "Harry", "Howard", "Ahmed", "Rahul", "Wei", "Hiroshi",
        "Luca", "Marco", "Pierre", "Hans", "Lars", "Sven", "Mateo", "Diego", "Carlos", "Rafael", "Ivan", "Dmitri", "Omar",
        "Tariq", "Kwame", "Chinedu", "Arjun", "Vikram", "Kenji", "Jun", "Oliver", "Liam", "Lucas", "Felix", "Hugo",
        "Oscar", "Theo", "Max", "Leon", "Simon", "Colin", "Graham", "Neil", "Ian", "Derek", "Marcus", "Trevor", "Wesley",
        "Caleb", "Isaac", "Owen", "Connor", "Miles", "Grant", "Dean", "Victor", "Martin", "Stefan", "Tobias", "Andre",
        "Malik", "Darnell", "Jamal", "Terrence", "Rohan", "Sanjay", "Hassan", "Yusuf", "Mehmet", "Nikolai", "Pavel",
        "Tomasz", "Jakub", "Bjorn", "Erik", "Anders", "Jens", "Matthias", "Florian", "Julien", "Antoine", "Giovanni",
        "Alessandro", "Paolo", "Pablo", "Javier", "Fernando", "Emmanuel", "Desmond", "Cedric", "Reginald",
    ];

    public static readonly string[] FemaleFirstNames =
    [
        "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah", "Karen", "Lisa",
        "Nancy", "Betty", "Margaret", "Sandra", "Ashley", "Kimberly", "Emily", "Donna", "Michelle", "Carol", "Amanda",
        "Dorothy", "Melissa", "Deborah", "Stephanie", "Rebecca", "Sharon", "Laura", "Cynthia", "Kathleen", "Amy",
        "Angela", "Shirley", "Anna", "Brenda", "Pamela", "Emma", "Nicole", "Helen", "Samantha", "Katherine", "Christine",
        "Debra", "Rachel", "Carolyn", "Janet", "Catherine", "Maria", "Heather", "Diane", "Ruth", "Julie", "Olivia",
        "Joyce", "Virginia", "Victoria", "Kelly", "Lauren", "Christina", "Joan", "Evelyn", "Judith", "Megan", "Andrea",
        "Cheryl", "Hannah", "Jacqueline", "Martha", "Gloria", "Teresa", "Ann", "Sara", "Madison", "Frances", "Kathryn",
        "Janice", "Jean", "Abigail", "Alice", "Judy", "Sophia", "Grace", "Denise", "Amber", "Doris", "Marilyn",
        "Danielle", "Beverly", "Isabella", "Theresa", "Diana", "Natalie", "Brittany", "Charlotte", "Marie", "Kayla",
        "Alexis", "Lori", "Priya", "Ananya", "Mei", "Yuki", "Sakura", "Aiko", "Fatima", "Aisha", "Leila", "Yasmin",
        "Amara", "Chioma", "Ngozi", "Sofia", "Lucia", "Isabel", "Camila", "Valentina", "Ingrid", "Astrid", "Freya",
        "Sigrid", "Anke", "Katrin", "Claudia", "Monika", "Elena", "Irina", "Natasha", "Olga", "Agnieszka", "Zofia",
        "Chloe", "Zoe", "Ella", "Mia", "Ava", "Lily", "Ruby", "Holly", "Fiona", "Siobhan", "Bridget", "Gwen", "Nora",
        "Clara", "Ellen", "Molly", "Paige", "Tara", "Vanessa", "Monique", "Latoya", "Keisha", "Tanisha", "Imani",
        "Deepa", "Kavita", "Sunita", "Neha", "Meera", "Shreya", "Hui", "Ling", "Xiu", "Min", "Aylin", "Elif", "Zeynep",
        "Giulia", "Francesca", "Chiara", "Camille", "Amelie", "Manon", "Elodie", "Carmen", "Pilar", "Rosa", "Lena",
        "Hanna", "Johanna", "Greta", "Maja", "Esther", "Miriam", "Naomi", "Leah", "Veronica", "Rita", "Gabriela",
    ];

    public static readonly string[] Surnames =
    [
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Hernandez",
        "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez",
        "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen",
        "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
        "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker",
        "Cruz", "Edwards", "Collins", "Reyes", "Stewart", "Morris", "Morales", "Murphy", "Cook", "Rogers", "Gutierrez",
        "Ortiz", "Morgan", "Cooper", "Peterson", "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward",
        "Richardson", "Watson", "Brooks", "Chavez", "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes",
        "Price", "Alvarez", "Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez", "Powell",
        "Jenkins", "Perry", "Russell", "Sullivan", "Bell", "Coleman", "Butler", "Henderson", "Barnes", "Gonzales",
        "Fisher", "Vasquez", "Simmons", "Romero", "Jordan", "Patterson", "Alexander", "Hamilton", "Graham", "Reynolds",
        "Griffin", "Wallace", "Moreno", "West", "Cole", "Hayes", "Bryant", "Herrera", "Gibson", "Ellis", "Tran",
        "Medina", "Aguilar", "Stevens", "Murray", "Ford", "Castro", "Marshall", "Owens", "Harrison", "Fernandez",
        "McDonald", "Woods", "Washington", "Kennedy", "Wells", "Vargas", "Henry", "Chen", "Freeman", "Webb", "Tucker",
        "Guzman", "Burns", "Crawford", "Olson", "Simpson", "Porter", "Hunter", "Gordon", "Mendez", "Silva", "Shaw",
        "Snyder", "Mason", "Dixon", "Munoz", "Hunt", "Hicks", "Holmes", "Palmer", "Wagner", "Black", "Robertson",
        "Boyd", "Rose", "Stone", "Salazar", "Fox", "Warren", "Mills", "Meyer", "Rice", "Schmidt", "Garza", "Daniels",
        "Ferguson", "Nichols", "Stephens", "Soto", "Weaver", "Ryan", "Gardner", "Payne", "Grant", "Dunn", "Kelley",
        "Spencer", "Hawkins", "Arnold", "Pierce", "Hansen", "Peters", "Santos", "Hart", "Bradley", "Knight", "Elliott",
        "Cunningham", "Duncan", "Armstrong", "Hudson", "Carroll", "Lane", "Riley", "Andrews", "Ray", "Berry", "Perkins",
        "Hoffman", "Johnston", "Matthews", "Pena", "Richards", "Willis", "Carpenter", "Lawrence", "Sandoval", "Wang",
        "Li", "Zhang", "Liu", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo", "Singh",
        "Kumar", "Sharma", "Gupta", "Shah", "Mehta", "Iyer", "Reddy", "Rao", "Nair", "Das", "Khan", "Ali", "Hussain",
        "Ahmed", "Rahman", "Tanaka", "Suzuki", "Takahashi", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi",
        "Sato", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Mueller", "Schneider", "Fischer", "Weber", "Becker",
        "Schulz", "Koch", "Richter", "Klein", "Wolf", "Neumann", "Schwarz", "Dubois", "Moreau", "Laurent", "Lefebvre",
        "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Novak", "Kowalski",
        "Nowak", "Wisniewski", "Ivanov", "Petrov", "Smirnov", "Popescu", "Jansen", "de Vries", "van Dijk", "Bakker",
        "Visser", "Larsen", "Nielsen", "Johansson", "Karlsson", "Lindqvist", "Okafor", "Okonkwo", "Mensah", "Boateng",
        "Kamau", "Otieno", "Abubakar", "Adeyemi", "O'Brien", "O'Connor", "Byrne", "Walsh", "Doyle", "Quinn", "McCarthy",
        "Fitzgerald", "Thornton", "Whitaker", "Holloway", "Ashford", "Kingsley", "Pemberton", "Langley",
    ];

    public static readonly string[] Cities =
    [
        "New York", "Los Angeles", "Chicago", "Houston", "Phoenix", "Philadelphia", "San Antonio", "San Diego", "Dallas",
        "Austin", "Jacksonville", "San Jose", "Columbus", "Charlotte", "Indianapolis", "Seattle", "Denver", "Boston",
        "Nashville", "Portland", "Detroit", "Memphis", "Louisville", "Baltimore", "Milwaukee", "Albuquerque", "Tucson",
        "Fresno", "Sacramento", "Atlanta", "Miami", "Raleigh", "Omaha", "Minneapolis", "Tulsa", "Cleveland", "Tampa",
        "New Orleans", "Pittsburgh", "Cincinnati", "St. Louis", "Orlando", "Buffalo", "Madison", "Salt Lake City",
        "Richmond", "Boise", "Des Moines", "Spokane", "Anchorage", "Honolulu", "Burlington", "Savannah", "Charleston",
        "Ann Arbor", "Berkeley", "Cambridge", "Oxford", "London", "Manchester", "Birmingham", "Leeds", "Glasgow",
        "Edinburgh", "Bristol", "Liverpool", "Dublin", "Cork", "Belfast", "Cardiff", "Toronto", "Vancouver", "Montreal",
        "Calgary", "Ottawa", "Winnipeg", "Halifax", "Sydney", "Melbourne", "Brisbane", "Perth", "Adelaide", "Auckland",
        "Wellington", "Cape Town", "Johannesburg", "Nairobi", "Lagos", "Accra", "Mumbai", "Delhi", "Bangalore",
        "Chennai", "Hyderabad", "Singapore", "Hong Kong", "Tokyo", "Osaka", "Seoul", "Shanghai", "Beijing", "Taipei",
        "Manila", "Bangkok", "Jakarta", "Dubai", "Tel Aviv", "Istanbul", "Athens", "Rome", "Milan", "Madrid",
        "Barcelona", "Lisbon", "Paris", "Lyon", "Brussels", "Amsterdam", "Rotterdam", "Berlin", "Munich", "Hamburg",
        "Frankfurt", "Vienna", "Zurich", "Geneva", "Prague", "Warsaw", "Budapest", "Copenhagen", "Stockholm", "Oslo",
        "Helsinki", "Reykjavik", "Mexico City", "Guadalajara", "Bogota", "Lima", "Santiago", "Buenos Aires",
        "Sao Paulo", "Rio de Janeiro", "Montevideo", "Boulder", "Asheville", "Santa Fe", "Eugene", "Providence",
        "Hartford", "New Haven", "Princeton", "Durham", "Chapel Hill", "Lexington", "Knoxville", "Chattanooga",
        "Mobile", "Jackson", "Little Rock", "Wichita", "Kansas City", "Lincoln", "Fargo", "Sioux Falls",
        "Billings", "Reno", "Las Vegas", "San Francisco", "Oakland", "Long Beach", "Pasadena", "Santa Barbara",
    ];

    public static readonly string[] UsStates =
    [
        "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware", "Florida",
        "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas", "Kentucky", "Louisiana", "Maine",
        "Maryland", "Massachusetts", "Michigan", "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada",
        "New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota", "Ohio", "Oklahoma",
        "Oregon", "Pennsylvania", "Rhode Island", "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah",
        "Vermont", "Virginia", "Washington", "West Virginia", "Wisconsin", "Wyoming",
    ];

    public static readonly string[] Countries =
    [
        "France", "Germany", "Italy", "Spain", "Portugal", "Greece", "Poland", "Hungary", "Romania", "Bulgaria", "Sweden",
        "Norway", "Finland", "Denmark", "Ireland", "Belgium", "Netherlands", "Austria", "Switzerland", "Ukraine", "Russia",
        "Turkey", "Egypt", "Morocco", "Algeria", "Tunisia", "Libya", "Nigeria", "Ghana", "Kenya", "Ethiopia", "Sudan",
        "Somalia", "South Africa", "Zimbabwe", "Congo", "Uganda", "Israel", "Lebanon", "Syria", "Jordan", "Iraq", "Iran",
        "Saudi Arabia", "Yemen", "Afghanistan", "Pakistan", "India", "Bangladesh", "Sri Lanka", "Nepal", "China",
        "Japan", "South Korea", "North Korea", "Taiwan", "Vietnam", "Thailand", "Cambodia", "Myanmar", "Malaysia",
        "Indonesia", "Philippines", "Australia", "New Zealand", "Canada", "Mexico", "Cuba", "Haiti", "Colombia",
        "Venezuela", "Brazil", "Peru", "Chile", "Argentina", "Bolivia", "Ecuador", "Uruguay", "Georgia", "Armenia",
        "Azerbaijan", "Kazakhstan", "Uzbekistan", "Serbia", "Croatia", "Bosnia", "Kosovo", "Albania", "Belarus",
    ];

    public static readonly string[] Months =
    [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    ];

    public static readonly string[] Weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

    /// <summary>Syllables that combine into invented but pronounceable names (brands, towns, companies).</summary>
    public static readonly string[] Syllables =
    [
        "ka", "lo", "mi", "ra", "ven", "tor", "zen", "qua", "li", "ber", "dan", "sol", "mar", "ex", "ion", "tri", "nova",
        "vi", "ta", "ro", "cor", "del", "fin", "gal", "hex", "jun", "kel", "lum", "nor", "pax", "rin", "sen", "tal",
        "ul", "var", "wen", "xan", "yor", "zel", "bri", "cal", "dor", "el", "fa", "gri", "hal", "ir", "jo", "kor",
    ];

    /// <summary>Word-final syllables for invented names.</summary>
    public static readonly string[] NameEndings =
    [
        "ix", "on", "a", "ex", "or", "ia", "io", "us", "ar", "en", "is", "o", "um", "ly", "ta", "va", "ra", "tek", "ium",
    ];

    public static readonly string[] FirstNames = [.. MaleFirstNames, .. FemaleFirstNames];

    /// <summary>Fixed bindings of English pronouns for a gender: he/she, his/her (determiner), him/her (object).</summary>
    public static IReadOnlyList<string> Pronouns(bool female) =>
        female ? ["she", "She", "her", "Her", "her"] : ["he", "He", "his", "His", "him"];

    /// <summary>The variable names that <see cref="Pronouns"/> binds, in its order.</summary>
    public static readonly string[] PronounVariables = ["he", "He", "his", "His", "him"];
}
