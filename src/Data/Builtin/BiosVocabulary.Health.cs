namespace SaePipeline.Data.Builtin;

public static partial class BiosVocabulary
{
    /// <summary>Health care and fitness.</summary>
    static readonly Dictionary<string, Dictionary<string, string[]>> Health = new()
    {
        ["chiropractor"] = new()
        {
            ["degree"] = ["a Doctor of Chiropractic degree", "a D.C. degree", "a bachelor's degree in kinesiology", "a B.S. in human biology"],
            ["school"] = ["{invented} College of Chiropractic", "the {state} College of Chiropractic", "Palmer College of Chiropractic", "{university}"],
            ["place"] = ["{invented} Chiropractic", "{surname} Family Chiropractic", "the {city} Spine and Wellness Center", "{invented} Spine & Sport", "a multidisciplinary clinic"],
            ["focus"] =
            [
                "spinal adjustments", "sports injuries", "lower back pain", "neck pain and headaches", "prenatal care", "pediatric adjustments",
                "postural correction", "soft tissue therapy", "the Gonstead technique", "the Activator method", "whiplash injuries", "joint mobility",
            ],
            ["duty"] =
            [
                "performs spinal adjustments to relieve back and neck pain", "treats patients suffering from headaches, sciatica and joint pain",
                "uses gentle manual techniques to restore the alignment of the spine", "combines adjustments with corrective exercises and nutrition advice",
                "helps athletes recover from sports injuries without surgery or medication", "evaluates posture and spinal alignment with digital x-rays",
                "works with patients of all ages, from infants to seniors", "designs rehabilitation programs for car accident victims",
            ],
            ["extra"] =
            [
                "{He} believes the body can heal itself when the nervous system works without interference.", "{His} approach to care is hands-on and drug-free.",
                "{He} is certified in {Active Release Technique|kinesio taping|dry needling|the Webster technique}.", "{He} sees patients at {his} office {#3-6} days a week.",
            ],
            ["group"] = ["the American Chiropractic Association", "the {state} Chiropractic Association", "the International Chiropractors Association", "the Council on Chiropractic Pediatrics"],
            ["field"] = ["chiropractic care", "spinal health", "chiropractic medicine"],
            ["work_noun"] = ["practice", "work"],
        },
        ["dentist"] = new()
        {
            ["degree"] = ["a Doctor of Dental Surgery degree", "a DMD degree", "a Doctor of Dental Medicine degree", "a bachelor's degree in biology", "a certificate in advanced general dentistry"],
            ["school"] = ["the School of Dentistry at {university}", "the {city} College of Dentistry", "{surname} University School of Dental Medicine"],
            ["place"] = ["{invented} Dental", "{surname} Family Dentistry", "{city} Smile Center", "a private dental practice", "{invented} Dental Group", "the {city} Cosmetic Dentistry Studio"],
            ["focus"] =
            [
                "cosmetic dentistry", "dental implants", "root canal therapy", "Invisalign", "teeth whitening", "porcelain veneers", "pediatric dentistry",
                "periodontal care", "crowns and bridges", "sedation dentistry", "preventive care", "full mouth reconstruction",
            ],
            ["duty"] =
            [
                "provides comprehensive dental care for patients of all ages", "places and restores dental implants", "performs root canals, extractions and fillings",
                "helps anxious patients feel comfortable in the dental chair", "designs beautiful smiles with veneers and whitening",
                "uses digital impressions and same-day crowns", "teaches patients how to keep their teeth and gums healthy", "treats gum disease and tooth decay",
            ],
            ["extra"] =
            [
                "{He} completed a general practice residency at {hospital}.",
                "{He} has taken hundreds of hours of continuing education in {implant dentistry|orthodontics|cosmetic dentistry|oral surgery}.",
                "{His} office is equipped with the latest dental technology.", "{He} believes a healthy smile is the foundation of a healthy life.",
            ],
            ["group"] = ["the American Dental Association", "the {state} Dental Association", "the Academy of General Dentistry", "the American Academy of Cosmetic Dentistry"],
            ["field"] = ["dentistry", "general and cosmetic dentistry", "family dentistry"],
            ["work_noun"] = ["practice"],
        },
        ["dietitian"] = new()
        {
            ["degree"] = ["a Bachelor of Science in Dietetics", "a master's degree in nutrition science", "a degree in food and nutrition", "an M.S. in clinical nutrition", "a Master of Public Health in nutrition"],
            ["place"] = ["{hospital}", "{invented} Nutrition", "a private nutrition counseling practice", "the {city} Diabetes Center", "a school district wellness program"],
            ["focus"] =
            [
                "weight management", "diabetes education", "sports nutrition", "eating disorders", "food allergies", "pediatric nutrition", "renal nutrition",
                "plant-based diets", "gut health", "meal planning", "heart-healthy eating", "prenatal nutrition",
            ],
            ["duty"] =
            [
                "counsels clients on healthy eating and sustainable weight loss", "creates individualized meal plans for people with diabetes",
                "teaches cooking classes focused on whole foods", "helps athletes fuel for training and recovery", "works with families to build healthy eating habits",
                "assesses the nutritional needs of hospital patients", "translates the latest nutrition science into practical advice",
                "develops menus for schools and senior living communities",
            ],
            ["extra"] =
            [
                "{He} holds the RDN and CDE credentials.", "{He} believes there are no good or bad foods, only balance.", "{His} recipes have appeared in {magazine}.",
                "{He} completed {his} dietetic internship at {hospital}.",
            ],
            ["group"] = ["the Academy of Nutrition and Dietetics", "the {state} Academy of Nutrition and Dietetics", "the Sports, Cardiovascular, and Wellness Nutrition group"],
            ["field"] = ["clinical nutrition", "nutrition counseling", "dietetics"],
            ["work_noun"] = ["practice", "work"],
        },
        ["nurse"] = new()
        {
            ["degree"] = ["a Bachelor of Science in Nursing", "an associate degree in nursing", "a Master of Science in Nursing", "a BSN", "a Doctor of Nursing Practice degree"],
            ["school"] = ["the {city} School of Nursing", "{university}", "the College of Nursing at {university}"],
            ["place"] =
            [
                "{hospital}", "the intensive care unit at {hospital}", "the emergency department of {hospital}", "a home health agency",
                "the labor and delivery unit at {hospital}", "{invented} Hospice",
            ],
            ["focus"] =
            [
                "critical care", "pediatric care", "oncology", "wound care", "labor and delivery", "emergency care", "geriatric care", "patient education",
                "palliative care", "infection control", "cardiac care", "neonatal intensive care",
            ],
            ["duty"] =
            [
                "provides compassionate bedside care to patients and their families", "administers medications and monitors vital signs",
                "coordinates care with physicians, therapists and social workers", "educates patients about managing chronic conditions at home",
                "works twelve-hour night shifts on a busy medical-surgical floor", "supervises a team of nursing assistants",
                "cares for critically ill patients on ventilators", "assesses patients and updates their care plans", "starts IVs and draws blood",
            ],
            ["extra"] =
            [
                "{He} is certified in {Advanced Cardiac Life Support|pediatric advanced life support|critical care nursing|oncology nursing}.",
                "{He} has been caring for patients for {#3-30} years.", "{He} is an RN licensed in {state} and {state}.",
                "{He} chose nursing after caring for {his} grandmother during a long illness.",
            ],
            ["group"] = ["the American Nurses Association", "the {state} Nurses Association", "the Emergency Nurses Association", "the American Association of Critical-Care Nurses"],
            ["field"] = ["nursing", "patient care", "acute care nursing"],
            ["work_noun"] = ["practice", "work"],
        },
        ["physician"] = new()
        {
            ["degree"] = ["an M.D. degree", "a Doctor of Medicine degree", "a D.O. degree", "{his} medical degree", "a Doctor of Osteopathic Medicine degree"],
            ["school"] = ["the School of Medicine at {university}", "{surname} Medical College", "{university}"],
            ["place"] = ["{hospital}", "{invented} Medical Group", "{surname} Family Medicine", "a community health clinic", "the {city} Heart Institute", "{invented} Primary Care"],
            ["focus"] =
            [
                "internal medicine", "family medicine", "cardiology", "pediatrics", "endocrinology", "gastroenterology", "preventive medicine",
                "diabetes management", "hypertension", "geriatrics", "infectious disease", "sports medicine", "pulmonology", "rheumatology",
            ],
            ["duty"] =
            [
                "sees patients for annual checkups, chronic illness and acute problems", "diagnoses and treats a wide range of medical conditions",
                "manages patients with diabetes, high blood pressure and heart disease", "focuses on preventive care and healthy lifestyle changes",
                "supervises medical residents and students", "takes time to listen to patients and explain their options",
                "provides primary care to underserved communities", "treats patients in both the clinic and the hospital",
            ],
            ["extra"] =
            [
                "{He} completed {his} residency in {internal medicine|family medicine|pediatrics} at {hospital}.", "{He} is board certified in {focus}.",
                "{He} completed a fellowship in {focus} at {hospital}.", "{He} has published research on {focus} in peer-reviewed medical journals.",
            ],
            ["group"] = ["the American Medical Association", "the American College of Physicians", "the American Academy of Family Physicians", "the {state} Medical Society"],
            ["field"] = ["medicine", "internal medicine", "clinical practice"],
            ["work_noun"] = ["practice", "clinical work"],
        },
        ["psychologist"] = new()
        {
            ["degree"] = ["a Ph.D. in clinical psychology", "a Psy.D. in clinical psychology", "a doctorate in counseling psychology", "a master's degree in psychology", "a Ph.D. in developmental psychology"],
            ["place"] = ["a private practice", "the counseling center at {university}", "{hospital}", "the {city} Center for Anxiety and Depression", "a Veterans Affairs medical center", "{invented} Behavioral Health"],
            ["focus"] =
            [
                "anxiety and depression", "trauma and PTSD", "cognitive behavioral therapy", "couples therapy", "child and adolescent development",
                "eating disorders", "grief and loss", "ADHD assessment", "mindfulness-based therapy", "addiction recovery", "neuropsychological testing",
                "relationship issues", "obsessive-compulsive disorder",
            ],
            ["duty"] =
            [
                "provides individual and group therapy for adults and adolescents", "conducts psychological assessments for children with learning differences",
                "helps clients manage stress, anxiety and life transitions", "uses evidence-based approaches such as CBT and DBT",
                "works with veterans coping with trauma", "supervises doctoral students in clinical training",
                "treats couples navigating conflict and communication problems", "creates a warm and nonjudgmental space for clients",
            ],
            ["extra"] =
            [
                "{He} is licensed to practice psychology in {state}.", "{His} therapeutic style is collaborative, warm and direct.",
                "{He} completed {his} predoctoral internship at {hospital}.", "{He} believes therapy works best when clients feel truly heard.",
            ],
            ["group"] = ["the American Psychological Association", "the {state} Psychological Association", "the Association for Behavioral and Cognitive Therapies"],
            ["field"] = ["clinical psychology", "mental health", "psychotherapy"],
            ["work_noun"] = ["practice", "clinical work", "research"],
        },
        ["surgeon"] = new()
        {
            ["degree"] = ["an M.D. degree", "{his} medical degree", "a Doctor of Medicine degree"],
            ["school"] = ["the School of Medicine at {university}", "{surname} Medical College", "{university}"],
            ["place"] = ["{hospital}", "the department of surgery at {hospital}", "{invented} Orthopedics", "{surname} Surgical Associates", "the {city} Center for Spine Surgery"],
            ["focus"] =
            [
                "minimally invasive surgery", "robotic surgery", "joint replacement", "cardiac surgery", "trauma surgery", "spine surgery",
                "breast reconstruction", "laparoscopic procedures", "hand surgery", "sports injuries of the knee and shoulder", "surgical oncology",
                "vascular surgery", "pediatric surgery",
            ],
            ["duty"] =
            [
                "performs more than {#150-600} operations a year", "specializes in complex reconstructions of the hip and knee",
                "operates on patients with cancers of the colon and pancreas", "uses robotic-assisted techniques to shorten recovery times",
                "trains surgical residents in the operating room", "repairs torn ligaments and damaged cartilage",
                "performs coronary artery bypass and valve repair", "leads a team of anesthesiologists, nurses and operating room staff",
            ],
            ["extra"] =
            [
                "{He} completed {his} surgical residency at {hospital} and a fellowship in {focus}.",
                "{He} is board certified by the American Board of {Surgery|Orthopaedic Surgery|Plastic Surgery}.",
                "{He} has pioneered several techniques in {focus}.", "{He} was among the first in {state} to perform {focus} with a surgical robot.",
            ],
            ["group"] = ["the American College of Surgeons", "the American Academy of Orthopaedic Surgeons", "the Society of Thoracic Surgeons"],
            ["field"] = ["surgery", "general surgery", "orthopedic surgery"],
            ["work_noun"] = ["practice", "surgical work"],
        },
        ["personal_trainer"] = new()
        {
            ["degree"] = ["a bachelor's degree in exercise science", "a degree in kinesiology", "a certificate in sports nutrition", "a degree in physical education"],
            ["place"] = ["{invented} Fitness", "a local gym", "{invented} Strength Club", "{surname} Performance Training", "a boutique fitness studio", "{invented} Athletic Club"],
            ["focus"] =
            [
                "strength training", "weight loss", "functional fitness", "HIIT", "kettlebell training", "injury prevention", "marathon preparation",
                "bodybuilding", "senior fitness", "postnatal fitness", "mobility work", "sports conditioning",
            ],
            ["duty"] =
            [
                "designs personalized workout programs for clients of every fitness level", "helps clients lose weight and build lean muscle",
                "coaches one-on-one and small group sessions", "teaches proper form for squats, deadlifts and presses",
                "motivates clients to reach goals they never thought possible", "prepares athletes for competition season",
                "combines strength work with nutrition coaching", "runs outdoor boot camps in the park",
            ],
            ["extra"] =
            [
                "{He} is certified through {NASM|ACE|ACSM|NSCA} and holds a CPR/AED certification.", "{He} discovered {his} love of fitness after losing {#20-80} pounds.",
                "{He} has competed in {#2-15} {bodybuilding shows|marathons|triathlons|powerlifting meets}.", "{His} training philosophy is simple: consistency beats intensity.",
            ],
            ["group"] = ["the National Strength and Conditioning Association", "the American Council on Exercise", "the National Academy of Sports Medicine"],
            ["field"] = ["fitness", "health and fitness", "strength and conditioning"],
            ["work_noun"] = ["coaching", "work"],
        },
        ["yoga_teacher"] = new()
        {
            ["degree"] = ["a {200|500}-hour Vinyasa training", "a 200-hour certification in Hatha yoga", "an advanced certification in Yin and restorative yoga", "a degree in dance"],
            ["school"] = ["{invented} Yoga School", "an ashram in {Rishikesh|Mysore|Goa}", "the {city} Yoga Institute"],
            ["place"] = ["{invented} Yoga", "a neighborhood yoga studio", "{invented} Yoga Collective", "{surname} Wellness Studio", "a corporate wellness program"],
            ["focus"] =
            [
                "Vinyasa flow", "Hatha yoga", "Yin yoga", "restorative yoga", "prenatal yoga", "Ashtanga", "meditation", "pranayama", "yoga for athletes",
                "trauma-informed yoga", "Kundalini", "alignment-based practice",
            ],
            ["duty"] =
            [
                "leads {#4-12} classes a week", "guides students through breath-centered flows", "introduces beginners to the foundations of asana and breath",
                "offers workshops on meditation and pranayama", "leads retreats in {Bali|Costa Rica|Portugal|Tulum|India}",
                "helps students find strength and stillness on the mat", "weaves philosophy and mindfulness into every class", "offers chair yoga to seniors",
            ],
            ["extra"] =
            [
                "{He} first stepped onto a yoga mat in {#1995-2015} and never looked back.", "{He} is an E-RYT {200|500} with Yoga Alliance.",
                "{His} classes are playful, challenging and accessible to every body.", "{He} believes yoga is a practice of coming home to yourself.",
            ],
            ["group"] = ["Yoga Alliance", "the International Association of Yoga Therapists"],
            ["field"] = ["yoga", "the wellness world", "mindful movement"],
            ["work_noun"] = ["practice", "teaching"],
        },
    };
}
