namespace SaePipeline.Data.Builtin;

/// <summary>
/// The ten product categories of SAEBench's amazon_reviews_1and5 subset, with their integer codes in that data set,
/// and per category the products, features, uses and category-specific praise and complaints a review draws on.
/// </summary>
public static class ReviewCategories
{
    public sealed record Category(int Code, string Name, IReadOnlyDictionary<string, string[]> Rules);

    public static readonly IReadOnlyList<Category> All =
    [
        new(1, "Toys_and_Games", new Dictionary<string, string[]>
        {
            ["product"] = ["puzzle", "board game", "building set", "doll", "action figure", "card game", "plush toy", "remote control car", "jigsaw puzzle", "play kitchen", "science kit", "toy train set"],
            ["feature"] = ["pieces", "instructions", "colors", "box", "paint", "stickers", "game board", "cards"],
            ["use"] = ["my {#3-12} year old {son|daughter|grandson|granddaughter|nephew|niece}", "a birthday gift", "Christmas", "family game night", "our playroom"],
            ["cat_pos"] = ["The kids played with it for hours.", "It is a great game for family night.", "Assembly was easy and the {#3-12} year old did most of it.", "It keeps {#2-4} kids busy on rainy days."],
            ["cat_neg"] = ["Some of the pieces were missing.", "The paint started chipping off after one day.", "My kids lost interest after {#5-30} minutes.", "The rules make no sense and the box is half empty."],
        }),
        new(2, "Cell_Phones_and_Accessories", new Dictionary<string, string[]>
        {
            ["product"] = ["phone case", "screen protector", "charging cable", "car mount", "wireless charger", "power bank", "pair of Bluetooth earbuds", "phone holder", "USB-C adapter"],
            ["feature"] = ["fit", "cable", "battery", "grip", "buttons", "charging speed", "adhesive", "port cutouts"],
            ["use"] = ["my iPhone {#8-15}", "my Galaxy S{#9-23}", "my {invented} phone", "my daily commute", "my car"],
            ["cat_pos"] = ["It fits my phone perfectly and the buttons are easy to press.", "It charges my phone from zero to full in about {#1-3} hours.", "The screen protector went on without a single bubble.", "My phone survived a drop onto concrete with this case on."],
            ["cat_neg"] = ["The case cracked the first time I dropped my phone.", "The cable stopped charging after {#2-6} weeks.", "The screen protector is full of bubbles and lifts at the corners.", "The mount cannot hold the phone on a bumpy road."],
        }),
        new(3, "Industrial_and_Scientific", new Dictionary<string, string[]>
        {
            ["product"] = ["digital caliper", "box of nitrile gloves", "lab thermometer", "pair of safety glasses", "pH meter", "spool of PLA filament", "soldering station", "set of storage bins", "magnifying lamp", "pipette set"],
            ["feature"] = ["accuracy", "display", "build quality", "calibration", "tolerance", "grip", "packaging", "temperature control"],
            ["use"] = ["my workshop", "the lab", "small repairs", "my 3D printer", "our garage", "classroom experiments"],
            ["cat_pos"] = ["Measurements were accurate to {0.01|0.02|0.1} mm.", "The filament printed smoothly at {#190-230} degrees.", "The gloves do not tear even after hours of use.", "Calibration took a minute and readings match our reference meter."],
            ["cat_neg"] = ["The readings drift by several degrees.", "The filament kept tangling and jammed my extruder.", "The gloves tear as soon as you put them on.", "The calibration solution was missing from the box."],
        }),
        new(5, "Musical_Instruments", new Dictionary<string, string[]>
        {
            ["product"] = ["set of guitar strings", "capo", "clip-on tuner", "microphone stand", "pair of drum sticks", "ukulele", "keyboard stand", "guitar strap", "audio interface", "overdrive pedal"],
            ["feature"] = ["tone", "sound", "tuning stability", "strap", "finish", "pickup", "tension", "build"],
            ["use"] = ["my acoustic guitar", "gigs", "practice at home", "my band", "my home studio", "lessons"],
            ["cat_pos"] = ["They stay in tune even after hours of playing.", "The tone is warm and bright.", "It sounds as good as pedals that cost three times as much.", "The tuner picks up every string instantly."],
            ["cat_neg"] = ["The strings went dead within a week.", "It buzzes on every fret.", "The stand wobbles with anything heavier than a mic.", "The pedal adds a loud hum to my signal."],
        }),
        new(6, "Electronics", new Dictionary<string, string[]>
        {
            ["product"] = ["HDMI cable", "wireless mouse", "Bluetooth speaker", "pair of noise cancelling headphones", "USB hub", "webcam", "universal remote", "memory card", "mechanical keyboard", "Wi-Fi router"],
            ["feature"] = ["sound quality", "battery life", "range", "picture quality", "connection", "setup", "bass", "signal"],
            ["use"] = ["my laptop", "the living room TV", "my home office", "gaming", "video calls", "my desktop"],
            ["cat_pos"] = ["Pairing with my laptop took seconds.", "The battery lasts about {#10-40} hours on a charge.", "Picture quality is crisp even in low light.", "Setup took less than {#2-10} minutes."],
            ["cat_neg"] = ["The Bluetooth connection keeps dropping.", "The battery barely lasts {#1-3} hours.", "It gets very hot and shuts itself off.", "My computer does not recognize it half the time."],
        }),
        new(11, "Office_Products", new Dictionary<string, string[]>
        {
            ["product"] = ["stapler", "pack of gel pens", "ream of printer paper", "desk organizer", "label maker", "planner", "pack of sticky notes", "set of ink cartridges", "paper shredder", "whiteboard"],
            ["feature"] = ["ink", "paper", "binding", "labels", "color", "size", "tape", "cutting blade"],
            ["use"] = ["the office", "school", "my home office", "work", "my classroom", "bullet journaling"],
            ["cat_pos"] = ["The ink flows smoothly and does not smudge.", "It shreds {#5-12} sheets at a time without jamming.", "The paper is thick enough that nothing bleeds through.", "The labels print crisp and stick well."],
            ["cat_neg"] = ["The printer does not recognize these cartridges.", "It jams on every other sheet.", "The pens dried out within a week.", "The notes do not stick to anything."],
        }),
        new(18, "Pet_Supplies", new Dictionary<string, string[]>
        {
            ["product"] = ["bag of dog food", "box of cat litter", "chew toy", "dog leash", "cat tree", "aquarium filter", "dog bed", "flea collar", "pet carrier", "bird cage"],
            ["feature"] = ["size", "smell", "material", "stitching", "price", "padding", "clasp"],
            ["use"] = ["my {Labrador|beagle|golden retriever|German Shepherd|husky|pug}", "my {cat|kitten|two cats}", "our new puppy", "my {#5-14} year old dog", "our fish tank"],
            ["cat_pos"] = ["My {dog|cat|puppy} loves it.", "The litter clumps well and controls the smell.", "It survived months of chewing from a very determined {puppy|terrier}.", "My picky {cat|dog} ate every bite."],
            ["cat_neg"] = ["My dog destroyed it in {#5-30} minutes.", "My cat refuses to go near it.", "The food made my dog sick.", "The seams split after a week."],
        }),
        new(24, "Books", new Dictionary<string, string[]>
        {
            ["product"] = ["book", "novel", "cookbook", "biography", "children's book", "thriller", "history book", "travel guide", "memoir", "fantasy series"],
            ["feature"] = ["writing", "characters", "plot", "ending", "illustrations", "recipes", "pacing", "dialogue"],
            ["use"] = ["my book club", "a long flight", "my {daughter|son}", "the beach", "bedtime reading", "a class"],
            ["cat_pos"] = ["I could not put it down.", "I read it in {#1-5} days.", "The characters feel like real people.", "The last chapter had me in tears."],
            ["cat_neg"] = ["The plot dragged in the middle.", "I gave up after {#20-150} pages.", "The ending made no sense at all.", "The editing is sloppy and full of typos."],
        }),
        new(26, "CDs_and_Vinyl", new Dictionary<string, string[]>
        {
            ["product"] = ["album", "record", "CD", "vinyl pressing", "box set", "soundtrack", "live album", "remastered edition", "greatest hits collection"],
            ["feature"] = ["sound", "mix", "pressing", "liner notes", "vocals", "packaging", "remaster", "track list"],
            ["use"] = ["my collection", "road trips", "my turntable", "the car", "a party"],
            ["cat_pos"] = ["Every track is a classic.", "The remaster sounds better than the original from {#1965-1999}.", "The pressing is quiet with no pops or clicks.", "I have played it {#5-50} times already."],
            ["cat_neg"] = ["The vinyl arrived warped and skips on side {A|B|two}.", "Half the songs are filler.", "The remaster is loud and flat.", "The CD case was cracked and the disc scratched."],
        }),
        new(30, "Software", new Dictionary<string, string[]>
        {
            ["product"] = ["antivirus program", "photo editor", "tax program", "video editing program", "language learning program", "office suite", "VPN subscription", "accounting program", "game"],
            ["feature"] = ["interface", "installation", "updates", "customer support", "license key", "features", "activation", "export options"],
            ["use"] = ["my {Windows|Mac} computer", "my small business", "work", "my family's laptops", "filing taxes"],
            ["cat_pos"] = ["Installation took {#2-15} minutes and everything just worked.", "It runs smoothly even on my old laptop.", "The tutorials made it easy to learn.", "Updates install quietly in the background."],
            ["cat_neg"] = ["The license key did not work and support never answered.", "It crashes every time I try to export.", "It slowed my computer to a crawl.", "The subscription renewed without asking me."],
        }),
    ];
}
