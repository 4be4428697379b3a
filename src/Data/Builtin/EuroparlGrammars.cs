namespace SaePipeline.Data.Builtin;

/// <summary>
/// Parliament-debate sentences in five languages, one grammar each with the same frames (thanking the rapporteur,
/// what an institution must do, voting intentions, the agenda) over that language's function words, institutions
/// and policy topics. Noun phrases are listed whole, with their articles and cases, so agreement stays right.
/// </summary>
public static class EuroparlGrammars
{
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string[]>> ByLanguage = new Dictionary<string, IReadOnlyDictionary<string, string[]>>
    {
        ["en"] = new Dictionary<string, string[]>
        {
            ["address"] = ["Mr President", "Madam President", "Commissioner", "Ladies and gentlemen", "Mr President-in-Office of the Council"],
            ["topic"] =
            [
                "the common agricultural policy", "the internal market", "the protection of the environment", "the situation in {place}", "the human rights situation in {place}",
                "the budget for {#2000-2027}", "the fisheries agreement with {place}", "the reform of the structural funds", "the enlargement of the Union",
                "road safety", "consumer protection", "climate change", "public health", "the stability pact", "asylum and immigration policy",
                "the financing of small and medium-sized enterprises", "the transport of dangerous goods", "employment in the regions",
            ],
            ["place"] = ["Turkey", "Morocco", "Ukraine", "China", "Russia", "Norway", "Canada", "Egypt", "Brazil", "India", "Croatia", "Belarus", "Kosovo"],
            ["actor"] = ["the Commission", "the Council", "this Parliament", "the Presidency", "our group", "the European Union", "the Member States", "the national governments"],
            ["verb"] = ["support", "reject", "examine", "improve", "reform", "strengthen", "guarantee", "protect", "review", "finance"],
            ["sentence"] =
            [
                "{address}, I would like to thank the rapporteur for {his|her} {excellent|important|balanced|detailed} report on {topic}.",
                "{address}, {actor} must {verb} {topic} {as soon as possible|without delay|in the coming years}.",
                "We cannot accept {topic} without a clear commitment from {actor}.",
                "It is {essential|important|necessary} for {actor} to {verb} {topic}, in the interest of all our citizens.",
                "My group will vote {in favour of|against} this report on {topic}, for the reasons I have given.",
                "The proposal of the Commission on {topic} is a step in the right direction.",
                "In my opinion, {topic} is one of the greatest challenges facing Europe today.",
                "The vote will take place tomorrow at {#9-12} o'clock.",
                "I would remind the House that {topic} concerns {#2-90} million citizens.",
            ],
        },
        ["fr"] = new Dictionary<string, string[]>
        {
            ["address"] = ["Monsieur le Président", "Madame la Présidente", "Monsieur le Commissaire", "Mesdames et Messieurs", "Chers collègues"],
            ["topic"] =
            [
                "la politique agricole commune", "le marché intérieur", "la protection de l'environnement", "la situation des droits de l'homme",
                "le budget pour {#2000-2027}", "l'accord de pêche avec {place}", "la réforme des fonds structurels", "l'élargissement de l'Union",
                "la sécurité routière", "la protection des consommateurs", "le changement climatique", "la santé publique", "le pacte de stabilité",
                "la politique d'asile et d'immigration", "le financement des petites et moyennes entreprises", "la coopération avec {place}",
                "le transport des marchandises dangereuses", "l'emploi dans les régions",
            ],
            ["place"] = ["la Turquie", "le Maroc", "l'Ukraine", "la Chine", "la Russie", "la Norvège", "le Canada", "l'Égypte", "le Brésil", "l'Inde", "la Croatie"],
            ["actor_sg"] = ["la Commission", "le Conseil", "ce Parlement", "la présidence", "notre groupe", "l'Union européenne"],
            ["actor_pl"] = ["les États membres", "les gouvernements nationaux"],
            // "de" elides before a vowel: d'examiner.
            ["verb_de"] = ["de soutenir", "de rejeter", "d'examiner", "d'améliorer", "de réformer", "de renforcer", "de garantir", "de protéger", "de réviser", "de financer"],
            ["verb"] = ["soutenir", "rejeter", "examiner", "améliorer", "réformer", "renforcer", "garantir", "protéger", "réviser", "financer"],
            ["sentence"] =
            [
                "{address}, je voudrais remercier le rapporteur pour son {excellent rapport|rapport très {détaillé|équilibré|ambitieux}} sur {topic}.",
                "{address}, {actor_sg} doit {verb} {topic} {dès que possible|sans tarder|au cours des prochaines années}.",
                "{^actor_pl} doivent {verb} {topic} {dès que possible|sans tarder|au cours des prochaines années}.",
                "Nous ne pouvons pas accepter {topic} sans un engagement clair {de la Commission|du Conseil|des États membres}.",
                "Il est {essentiel|important|nécessaire} {verb_de} {topic} {dès que possible|sans tarder|au cours des prochaines années}, dans l'intérêt de tous nos citoyens.",
                "Mon groupe votera {pour|contre} ce rapport sur {topic}, pour les raisons que j'ai évoquées.",
                "La proposition de la Commission sur {topic} va dans la bonne direction.",
                "À mon avis, {topic} est l'un des plus grands défis auxquels l'Europe est confrontée aujourd'hui.",
                "Le vote aura lieu demain à {#9-12} heures.",
                "Je voudrais rappeler à cette Assemblée que {topic} concerne {#2-90} millions de citoyens.",
            ],
        },
        ["de"] = new Dictionary<string, string[]>
        {
            ["address"] = ["Herr Präsident", "Frau Präsidentin", "Herr Kommissar", "Meine Damen und Herren", "Liebe Kolleginnen und Kollegen"],
            // Feminine and neuter phrases read the same in nominative and accusative; masculine ones do not.
            ["topic_same"] =
            [
                "die gemeinsame Agrarpolitik", "die Sicherheit im Straßenverkehr", "die Reform der Strukturfonds", "die Erweiterung der Union",
                "die öffentliche Gesundheit", "die Asyl- und Einwanderungspolitik", "die Lage in {place}", "die Beschäftigung in den Regionen",
                "das Fischereiabkommen mit {place}", "die Menschenrechtslage in {place}", "die Finanzierung kleiner und mittlerer Unternehmen",
            ],
            ["topic_nom"] = ["{topic_same}", "{topic_same}", "der Binnenmarkt", "der Klimawandel", "der Stabilitätspakt", "der Schutz der Umwelt", "der Verbraucherschutz", "der Haushalt für {#2000-2027}"],
            ["topic_acc"] = ["{topic_same}", "{topic_same}", "den Binnenmarkt", "den Klimawandel", "den Stabilitätspakt", "den Schutz der Umwelt", "den Verbraucherschutz", "den Haushalt für {#2000-2027}"],
            ["place"] = ["Frankreich", "Italien", "Spanien", "Polen", "Marokko", "China", "Russland", "Norwegen", "Kanada", "Ägypten", "Brasilien", "Indien", "Kroatien", "Österreich"],
            ["actor_sg"] = ["die Kommission", "der Rat", "dieses Parlament", "die Präsidentschaft", "unsere Fraktion", "die Europäische Union"],
            ["actor_pl"] = ["die Mitgliedstaaten", "die nationalen Regierungen"],
            ["verb"] = ["unterstützen", "ablehnen", "prüfen", "verbessern", "reformieren", "stärken", "garantieren", "schützen", "überprüfen", "finanzieren"],
            ["verb_zu"] = ["zu unterstützen", "abzulehnen", "zu prüfen", "zu verbessern", "zu reformieren", "zu stärken", "zu garantieren", "zu schützen", "zu überprüfen", "zu finanzieren"],
            ["sentence"] =
            [
                "{address}, ich möchte dem Berichterstatter für seinen {ausgezeichneten|wichtigen|ausgewogenen|detaillierten} Bericht über {topic_acc} danken.",
                "{address}, {actor_sg} muss {topic_acc} {so schnell wie möglich|ohne Verzögerung|in den kommenden Jahren} {verb}.",
                "{^actor_pl} müssen {topic_acc} {so schnell wie möglich|ohne Verzögerung|in den kommenden Jahren} {verb}.",
                "Wir können {topic_acc} nicht ohne eine klare Zusage {der Kommission|des Rates|der Mitgliedstaaten} akzeptieren.",
                "Es ist {wichtig|notwendig|unerlässlich}, {topic_acc} {so schnell wie möglich|ohne Verzögerung|in den kommenden Jahren} {verb_zu}, und zwar im Interesse aller Bürger.",
                "Meine Fraktion wird aus den genannten Gründen {für|gegen} diesen Bericht über {topic_acc} stimmen.",
                "Der Vorschlag der Kommission über {topic_acc} ist ein Schritt in die richtige Richtung.",
                "Meiner Meinung nach ist {topic_nom} eine der größten Herausforderungen für Europa.",
                "Die Abstimmung findet morgen um {#9-12} Uhr statt.",
                "Ich möchte das Haus daran erinnern, dass {topic_nom} {#2-90} Millionen Bürger betrifft.",
            ],
        },
        ["es"] = new Dictionary<string, string[]>
        {
            ["address"] = ["Señor Presidente", "Señora Presidenta", "Señor Comisario", "Señorías", "Estimados colegas"],
            ["topic"] =
            [
                "la política agrícola común", "el mercado interior", "la protección del medio ambiente", "la situación en {place}", "la situación de los derechos humanos en {place}",
                "el presupuesto para {#2000-2027}", "el acuerdo pesquero con {place}", "la reforma de los fondos estructurales", "la ampliación de la Unión",
                "la seguridad vial", "la protección de los consumidores", "el cambio climático", "la salud pública", "el pacto de estabilidad",
                "la política de asilo e inmigración", "la financiación de las pequeñas y medianas empresas", "el empleo en las regiones",
            ],
            ["place"] = ["Francia", "Alemania", "Italia", "Polonia", "Marruecos", "China", "Rusia", "Noruega", "Canadá", "Egipto", "Brasil", "Turquía", "Croacia"],
            ["actor_sg"] = ["la Comisión", "el Consejo", "este Parlamento", "la Presidencia", "nuestro grupo", "la Unión Europea"],
            ["actor_pl"] = ["los Estados miembros", "los gobiernos nacionales"],
            ["verb"] = ["apoyar", "rechazar", "examinar", "mejorar", "reformar", "reforzar", "garantizar", "proteger", "revisar", "financiar"],
            ["sentence"] =
            [
                "{address}, quisiera dar las gracias al ponente por su {excelente|importante|detallado|equilibrado} informe sobre {topic}.",
                "{address}, {actor_sg} debe {verb} {topic} {lo antes posible|sin demora|en los próximos años}.",
                "{^actor_pl} deben {verb} {topic} {lo antes posible|sin demora|en los próximos años}.",
                "No podemos aceptar {topic} sin un compromiso claro {de la Comisión|del Consejo|de los Estados miembros}.",
                "Es {esencial|importante|necesario} {verb} {topic} {lo antes posible|sin demora|en los próximos años}, en interés de todos nuestros ciudadanos.",
                "Mi grupo votará {a favor de|en contra de} este informe sobre {topic}, por las razones que he expuesto.",
                "La propuesta de la Comisión sobre {topic} es un paso en la buena dirección.",
                "En mi opinión, {topic} es uno de los mayores desafíos a los que se enfrenta Europa hoy.",
                "La votación tendrá lugar mañana a las {#9-12} horas.",
                "Quisiera recordar a la Cámara que {topic} afecta a {#2-90} millones de ciudadanos.",
            ],
        },
        ["nl"] = new Dictionary<string, string[]>
        {
            ["address"] = ["Mijnheer de Voorzitter", "Mevrouw de Voorzitter", "Mijnheer de Commissaris", "Dames en heren", "Geachte collega's"],
            ["topic"] =
            [
                "het gemeenschappelijk landbouwbeleid", "de interne markt", "de bescherming van het milieu", "de situatie in {place}", "de mensenrechtensituatie in {place}",
                "de begroting voor {#2000-2027}", "de visserijovereenkomst met {place}", "de hervorming van de structuurfondsen", "de uitbreiding van de Unie",
                "de verkeersveiligheid", "de bescherming van de consument", "de klimaatverandering", "de volksgezondheid", "het stabiliteitspact",
                "het asiel- en immigratiebeleid", "de financiering van kleine en middelgrote ondernemingen", "de werkgelegenheid in de regio's",
            ],
            ["place"] = ["Frankrijk", "Duitsland", "Italië", "Spanje", "Polen", "Marokko", "China", "Rusland", "Noorwegen", "Canada", "Egypte", "Brazilië", "Turkije", "Kroatië"],
            ["actor_sg"] = ["de Commissie", "de Raad", "dit Parlement", "het voorzitterschap", "onze fractie", "de Europese Unie"],
            ["actor_pl"] = ["de lidstaten", "de nationale regeringen"],
            ["verb"] = ["steunen", "verwerpen", "onderzoeken", "verbeteren", "hervormen", "versterken", "garanderen", "beschermen", "herzien", "financieren"],
            ["sentence"] =
            [
                "{address}, ik wil de rapporteur bedanken voor {zijn|haar} {uitstekende|belangrijke|evenwichtige|gedetailleerde} verslag over {topic}.",
                "{address}, {actor_sg} moet {topic} {zo snel mogelijk|zonder vertraging|in de komende jaren} {verb}.",
                "{^actor_pl} moeten {topic} {zo snel mogelijk|zonder vertraging|in de komende jaren} {verb}.",
                "Wij kunnen {topic} niet aanvaarden zonder een duidelijke toezegging van {de Commissie|de Raad|de lidstaten}.",
                "Het is {essentieel|belangrijk|noodzakelijk} om {topic} {zo snel mogelijk|zonder vertraging|in de komende jaren} te {verb}, in het belang van al onze burgers.",
                "Mijn fractie zal om de genoemde redenen {voor|tegen} dit verslag over {topic} stemmen.",
                "Het voorstel van de Commissie over {topic} is een stap in de goede richting.",
                "Naar mijn mening is {topic} een van de grootste uitdagingen waar Europa vandaag voor staat.",
                "De stemming vindt morgen om {#9-12}.00 uur plaats.",
                "Ik wil het Parlement eraan herinneren dat {topic} {#2-90} miljoen burgers aangaat.",
            ],
        },
    };
}
