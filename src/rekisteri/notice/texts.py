"""The fixed wording of the privacy notice, in Finnish, Swedish and English.

This is content, not user-interface text: the notice is a legal document that must exist in
all three languages whatever the translators have done, so its sentences live here rather
than in gettext catalogues. Everything that varies (controllers, purposes, categories,
recipients, periods) comes from the catalogue. A test checks that every key is present in
every language. Placeholders use str.format names.
"""

from __future__ import annotations

LANGS = ("fi", "sv", "en")

T: dict[str, dict[str, str]] = {
    "fi": {
        "dpo_none": (
            "Tietojesi käsittelyä koskevissa kysymyksissä voit ottaa yhteyttä "
            "rekisterinpitäjään yllä olevin yhteystiedoin."
        ),
        "rights_how_no_dpo": (
            "Voit käyttää oikeuksiasi itsepalvelusivullamme {url} tai ottamalla yhteyttä "
            "rekisterinpitäjään yllä olevin yhteystiedoin. Varmistamme henkilöllisyytesi "
            "ennen kuin luovutamme tai muutamme tietoja. Vastaamme kuukauden kuluessa; "
            "monimutkaisissa tapauksissa voimme jatkaa aikaa kahdella kuukaudella, ja "
            "kerromme syyn. Oikeuksien käyttäminen on maksutonta."
        ),
        "balancing_test": "intressivertailu",
        "functions": "tehtävät",
        "country_unknown": "tuntematon, mahdollisesti EU:n tai ETA:n ulkopuolella",
        "kept_while": "Säilytämme tiedot joka tapauksessa {conditions}",
        "or": "tai",
        "title": "Tietosuojaseloste: {register}",
        "updated": "Päivitetty {date} (versio {number})",
        "intro": (
            "Tässä selosteessa kerromme, mitä henkilötietoja pidämme rekisterissämme, mistä ne "
            "saadaan, miksi ja millä perusteella käsittelemme niitä, kenelle niitä annetaan, "
            "kuinka kauan niitä säilytetään ja mitä oikeuksia sinulla on. Seloste syntyy "
            "samasta käsittelyluettelosta, jonka mukaan järjestelmämme toimii, joten se kuvaa "
            "sitä, mitä todella teemme."
        ),
        "h_controllers": "Kuka vastaa tiedoistasi",
        "controllers_one": "Rekisterinpitäjä on:",
        "controllers_many": (
            "Rekisterinpitäjinä ovat konserniimme kuuluvat yhtiöt; kukin yhtiö vastaa oman "
            "asiakas- ja sidosryhmärekisterinsä tiedoista. Jos asioit useamman yhtiön kanssa, "
            "kukin niistä on rekisterinpitäjä omalta osaltaan."
        ),
        "business_id": "Y-tunnus",
        "email": "sähköposti",
        "phone": "puhelin",
        "h_dpo": "Tietosuojavastaava",
        "dpo_intro": "Tietosuojaa koskevissa kysymyksissä voit ottaa yhteyttä tietosuojavastaavaamme:",
        "h_subjects": "Kenen tietoja käsittelemme",
        "subjects_intro": "Rekisterissä on tietoja seuraavista henkilöistä:",
        "h_purposes": "Miksi käsittelemme tietojasi ja millä perusteella",
        "purposes_intro": (
            "Käsittelemme henkilötietoja vain alla kerrottuihin tarkoituksiin. Kullekin "
            "tarkoitukselle on oma oikeusperusteensa."
        ),
        "basis": "Peruste",
        "interest": "Oikeutettu etumme",
        "data_used": "Käytettävät tiedot",
        "objection_absolute": "Voit kieltää tämän käsittelyn milloin tahansa, ja se lakkaa heti.",
        "objection_balancing": (
            "Voit vastustaa tätä käsittelyä erityiseen tilanteeseesi liittyvällä perusteella."
        ),
        "shared_in_group": "Tiedot voidaan jakaa konserniyhtiöidemme kesken tätä tarkoitusta varten.",
        "stats_note": (
            "Voimme myös koota tiedoista tilastoja, joista ketään ei voi tunnistaa; pienet "
            "ryhmät jätämme pois."
        ),
        "h_categories": "Mitä tietoja käsittelemme",
        "sensitive": "arkaluonteinen, erityisen suojattu",
        "h_sources": "Mistä tiedot saadaan",
        "sources_intro": (
            "Saamme tiedot ensisijaisesti sinulta itseltäsi. Osa tiedoista syntyy palvelujen "
            "käytössä, ja osan saamme muualta lain sallimissa rajoissa:"
        ),
        "combine_note": (
            "Voimme yhdistää eri lähteistä saatuja tietoja, esimerkiksi julkisista rekistereistä "
            "saadut tiedot ja asioinnissa syntyneet tiedot. Kirjaamme jokaisen tiedon lähteen."
        ),
        "h_required": "Onko tietojen antaminen pakollista",
        "required_intro": (
            "Sinun ei ole pakko antaa meille tietojasi, mutta alla kerrotuissa tilanteissa "
            "kieltäytyminen vaikuttaa siihen, mitä voimme tehdä:"
        ),
        "h_recipients": "Kenelle tietoja luovutetaan",
        "recipients_intro": (
            "Luovutamme tai siirrämme tietoja vain alla mainituille vastaanottajille ja vain "
            "niihin tarkoituksiin, joita varten ne on nimetty. Kirjaamme jokaisen luovutuksen."
        ),
        "country": "maa",
        "function": "tehtävä",
        "no_recipients": "Emme luovuta tietoja rekisterin ulkopuolelle.",
        "h_transfers": "Siirrot EU:n ja ETA:n ulkopuolelle",
        "no_transfers": "Emme siirrä henkilötietoja Euroopan unionin tai Euroopan talousalueen ulkopuolelle.",
        "transfers_intro": (
            "Seuraavat vastaanottajat käsittelevät tietoja EU:n ja ETA:n ulkopuolella. "
            "Siirron suojatoimet on kerrottu kunkin kohdalla; saat niistä kopion ottamalla "
            "meihin yhteyttä."
        ),
        "safeguard": "suojatoimi",
        "h_retention": "Kuinka kauan säilytämme tietoja",
        "retention_intro": (
            "Säilytämme tietoja vain niin kauan kuin niitä tarvitaan. Järjestelmämme poistaa "
            "tai anonymisoi tiedot automaattisesti, kun säilytysaika päättyy, paitsi jos laki "
            "velvoittaa säilyttämään ne pidempään."
        ),
        "legal_ref": "peruste",
        "h_rights": "Sinun oikeutesi",
        "rights_how": (
            "Voit käyttää oikeuksiasi itsepalvelusivullamme {url} tai kirjoittamalla "
            "tietosuojavastaavallemme. Varmistamme henkilöllisyytesi ennen kuin luovutamme tai "
            "muutamme tietoja. Vastaamme kuukauden kuluessa; vaikeissa tapauksissa voimme "
            "jatkaa aikaa kahdella kuukaudella, ja kerromme silloin syyn. Oikeuksien "
            "käyttäminen on maksutonta."
        ),
        "right_access_exempt": (
            "Oikeus saada pääsy tietoihin ei koske tietoryhmää {category}: {reason} ({law})."
        ),
        "access_exempt_short": "ei tarkastusoikeutta: {law}",
        "right_access": (
            "Oikeus saada pääsy tietoihin: voit pyytää kopion tiedoistasi sekä tiedon siitä, "
            "mihin tarkoituksiin niitä käytetään, mistä ne on saatu, kenelle niitä on "
            "luovutettu ja kuinka kauan niitä säilytetään."
        ),
        "right_rectification": (
            "Oikeus tietojen oikaisemiseen: korjaamme virheelliset ja täydennämme puutteelliset "
            "tiedot ja kerromme korjauksesta vastaanottajille, joille tietoja on luovutettu. "
            "Kerromme pyynnöstäsi, keitä nämä vastaanottajat ovat."
        ),
        "right_erasure": (
            "Oikeus tietojen poistamiseen: poistamme tietosi, paitsi ne, jotka laki velvoittaa "
            "meidät säilyttämään (esimerkiksi kirjanpitoaineisto); kerromme, mitä säilytämme, "
            "miksi ja mihin asti."
        ),
        "right_restriction": (
            "Oikeus rajoittaa käsittelyä: esimerkiksi kun tietojen oikeellisuutta selvitetään, "
            "vain säilytämme tietoja emmekä käsittele niitä muuten."
        ),
        "right_objection": (
            "Oikeus vastustaa käsittelyä: voit vastustaa käsittelyä, joka perustuu "
            "oikeutettuun etuumme ({purposes}). Punnitsemme pyyntösi ja perustelemme "
            "ratkaisumme."
        ),
        "right_objection_dm": (
            "Suoramarkkinoinnin ja siihen liittyvän profiloinnin voit kieltää milloin tahansa "
            "maksutta ({purposes}); lopetamme sen heti. Jokaisessa markkinointiviestissä on "
            "lopetuslinkki. Säilytämme vähimmäistiedon kiellosta, jotta voimme noudattaa sitä."
        ),
        "right_portability": (
            "Oikeus siirtää tiedot järjestelmästä toiseen: saat meille antamasi tiedot "
            "koneluettavassa muodossa, kun käsittely perustuu suostumukseen tai sopimukseen "
            "({purposes})."
        ),
        "right_withdraw": (
            "Suostumuksen peruuttaminen: kun käsittely perustuu suostumukseesi (esimerkiksi "
            "kuluttajille suunnattu markkinointi), voit peruuttaa sen milloin tahansa yhtä "
            "helposti kuin annoit sen, viestin lopetuslinkistä tai itsepalvelusivulta. "
            "Peruuttaminen ei vaikuta aiemman käsittelyn lainmukaisuuteen."
        ),
        "right_automated": (
            "Oikeus olla joutumatta automaattisen päätöksenteon kohteeksi: emme tee sinusta "
            "pelkästään automaattiseen käsittelyyn perustuvia päätöksiä, joilla olisi "
            "oikeusvaikutuksia tai vastaavia merkittäviä vaikutuksia."
        ),
        "h_complaint": "Oikeus valittaa valvontaviranomaiselle",
        "complaint_intro": (
            "Jos katsot, että käsittelemme tietojasi lainvastaisesti, voit tehdä valituksen "
            "valvontaviranomaiselle. Voit kääntyä myös asuin- tai työskentelymaasi "
            "viranomaisen puoleen."
        ),
        "complaint_for": "{controller}: {authority}",
        "h_profiling": "Profilointi ja automaattiset päätökset",
        "no_profiling": "Emme profiloi henkilöitä emmekä tee automaattisia päätöksiä.",
        "profiling_intro": (
            "Muodostamme asiakasprofiileja ja segmenttejä seuraavissa tarkoituksissa. Ne "
            "vaikuttavat vain siihen, millaista markkinointia saat; emme tee niiden perusteella "
            "päätöksiä, joilla olisi sinulle oikeusvaikutuksia tai vastaavia merkittäviä "
            "vaikutuksia. Voit kysyä, mihin segmentteihin kuulut ja miksi, ja voit kieltää "
            "profiloinnin milloin tahansa."
        ),
        "h_security": "Miten suojaamme tiedot",
        "h_changes": "Muutokset tähän selosteeseen",
        "changes_intro": (
            "Kun käsittelymme muuttuu, päivitämme selosteen ja päivämäärän. Aiemmat versiot "
            "ja niiden muutokset ovat nähtävillä. Merkittävistä muutoksista kerromme myös "
            "niille, joiden suostumus koskee muuttunutta tarkoitusta."
        ),
        "changes_in_version": "Tämän version muutokset:",
        "first_version": "Selosteen ensimmäinen versio.",
        "none": "ei ole",
        "and": "ja",
    },
    "sv": {
        "dpo_none": (
            "Frågor om behandlingen av dina uppgifter kan du ställa till den "
            "personuppgiftsansvarige på kontaktuppgifterna ovan."
        ),
        "rights_how_no_dpo": (
            "Du kan utöva dina rättigheter på vår självbetjäningssida {url} eller genom att "
            "kontakta den personuppgiftsansvarige på kontaktuppgifterna ovan. Vi kontrollerar "
            "din identitet innan vi lämnar ut eller ändrar uppgifter. Vi svarar inom en "
            "månad; i komplicerade fall kan vi förlänga tiden med två månader, och vi "
            "berättar varför. Det är kostnadsfritt att utöva dina rättigheter."
        ),
        "balancing_test": "intresseavvägning",
        "functions": "funktioner",
        "country_unknown": "okänt, möjligen utanför EU eller EES",
        "kept_while": "Vi sparar uppgifterna i alla fall {conditions}",
        "or": "eller",
        "title": "Integritetspolicy: {register}",
        "updated": "Uppdaterad {date} (version {number})",
        "intro": (
            "Här berättar vi vilka personuppgifter vi har i vårt register, var de kommer ifrån, "
            "varför och med vilken rätt vi behandlar dem, vem som får dem, hur länge vi sparar "
            "dem och vilka rättigheter du har. Texten skapas ur samma behandlingsförteckning "
            "som styr vårt system, så den beskriver vad vi faktiskt gör."
        ),
        "h_controllers": "Vem ansvarar för dina uppgifter",
        "controllers_one": "Personuppgiftsansvarig är:",
        "controllers_many": (
            "Personuppgiftsansvariga är bolagen i vår koncern; varje bolag ansvarar för "
            "uppgifterna i sitt eget kund- och intressentregister. Om du har att göra med "
            "flera bolag är vart och ett ansvarigt för sin del."
        ),
        "business_id": "Organisationsnummer",
        "email": "e-post",
        "phone": "telefon",
        "h_dpo": "Dataskyddsombud",
        "dpo_intro": "Frågor om dataskydd kan du ställa till vårt dataskyddsombud:",
        "h_subjects": "Vems uppgifter vi behandlar",
        "subjects_intro": "Registret innehåller uppgifter om följande personer:",
        "h_purposes": "Varför vi behandlar dina uppgifter och med vilken rätt",
        "purposes_intro": (
            "Vi behandlar personuppgifter endast för ändamålen nedan. Varje ändamål har sin "
            "egen rättsliga grund."
        ),
        "basis": "Rättslig grund",
        "interest": "Vårt berättigade intresse",
        "data_used": "Uppgifter som används",
        "objection_absolute": "Du kan när som helst säga nej till denna behandling, och den upphör genast.",
        "objection_balancing": (
            "Du kan invända mot denna behandling av skäl som gäller din särskilda situation."
        ),
        "shared_in_group": "Uppgifterna kan delas mellan våra koncernbolag för detta ändamål.",
        "stats_note": (
            "Vi kan också sammanställa statistik där ingen kan identifieras; små grupper utelämnas."
        ),
        "h_categories": "Vilka uppgifter vi behandlar",
        "sensitive": "känslig, särskilt skyddad",
        "h_sources": "Var uppgifterna kommer ifrån",
        "sources_intro": (
            "Vi får uppgifterna i första hand av dig. En del uppstår när du använder våra "
            "tjänster, och en del får vi från andra källor inom lagens gränser:"
        ),
        "combine_note": (
            "Vi kan kombinera uppgifter från olika källor, till exempel uppgifter från "
            "offentliga register och uppgifter från våra kontakter med dig. Vi registrerar "
            "källan till varje uppgift."
        ),
        "h_required": "Måste du lämna uppgifter",
        "required_intro": (
            "Du är inte skyldig att lämna uppgifter till oss, men i situationerna nedan "
            "påverkar ett nej vad vi kan göra:"
        ),
        "h_recipients": "Vem som får uppgifterna",
        "recipients_intro": (
            "Vi lämnar ut eller överför uppgifter endast till mottagarna nedan och endast för de "
            "ändamål de anges för. Vi registrerar varje utlämnande."
        ),
        "country": "land",
        "function": "uppgift",
        "no_recipients": "Vi lämnar inte ut uppgifter utanför registret.",
        "h_transfers": "Överföringar utanför EU och EES",
        "no_transfers": "Vi överför inte personuppgifter utanför Europeiska unionen eller Europeiska ekonomiska samarbetsområdet.",
        "transfers_intro": (
            "Följande mottagare behandlar uppgifter utanför EU och EES. Skyddsåtgärden anges "
            "för var och en; du får en kopia av den genom att kontakta oss."
        ),
        "safeguard": "skyddsåtgärd",
        "h_retention": "Hur länge vi sparar uppgifterna",
        "retention_intro": (
            "Vi sparar uppgifter bara så länge de behövs. Vårt system raderar eller "
            "anonymiserar uppgifterna automatiskt när tiden har gått ut, om inte lagen kräver "
            "att vi sparar dem längre."
        ),
        "legal_ref": "grund",
        "h_rights": "Dina rättigheter",
        "rights_how": (
            "Du kan utöva dina rättigheter på vår självbetjäningssida {url} eller genom att "
            "skriva till vårt dataskyddsombud. Vi kontrollerar din identitet innan vi lämnar ut "
            "eller ändrar uppgifter. Vi svarar inom en månad; i svåra fall kan tiden förlängas "
            "med två månader, och då berättar vi varför. Det kostar ingenting."
        ),
        "right_access_exempt": (
            "Rätten till tillgång gäller inte uppgiftskategorin {category}: {reason} ({law})."
        ),
        "access_exempt_short": "ingen rätt till tillgång: {law}",
        "right_access": (
            "Rätt till tillgång: du kan begära en kopia av dina uppgifter och få veta för vilka "
            "ändamål de används, var de kommer ifrån, vem som har fått dem och hur länge de "
            "sparas."
        ),
        "right_rectification": (
            "Rätt till rättelse: vi rättar felaktiga och kompletterar ofullständiga uppgifter "
            "och meddelar rättelsen till mottagare som har fått uppgifterna. Du får på begäran "
            "veta vilka mottagarna är."
        ),
        "right_erasure": (
            "Rätt till radering: vi raderar dina uppgifter utom dem som lagen kräver att vi "
            "sparar (till exempel bokföringsmaterial); vi berättar vad vi sparar, varför och "
            "till när."
        ),
        "right_restriction": (
            "Rätt till begränsning: till exempel medan uppgifternas riktighet utreds sparar vi "
            "dem bara och behandlar dem inte på annat sätt."
        ),
        "right_objection": (
            "Rätt att invända: du kan invända mot behandling som grundar sig på vårt "
            "berättigade intresse ({purposes}). Vi väger din begäran och motiverar beslutet."
        ),
        "right_objection_dm": (
            "Direktmarknadsföring och profilering för den kan du när som helst och utan "
            "kostnad säga nej till ({purposes}); vi slutar genast. Varje "
            "marknadsföringsmeddelande har en avregistreringslänk. Vi sparar en minimiuppgift "
            "om spärren för att kunna respektera den."
        ),
        "right_portability": (
            "Rätt till dataportabilitet: du får de uppgifter du har lämnat till oss i "
            "maskinläsbar form när behandlingen grundar sig på samtycke eller avtal "
            "({purposes})."
        ),
        "right_withdraw": (
            "Återkallelse av samtycke: när behandlingen grundar sig på ditt samtycke (till "
            "exempel marknadsföring till konsumenter) kan du när som helst återkalla det lika "
            "enkelt som du gav det, via länken i meddelandet eller på självbetjäningssidan. "
            "Återkallelsen påverkar inte lagligheten av behandlingen dessförinnan."
        ),
        "right_automated": (
            "Rätt att inte bli föremål för automatiserade beslut: vi fattar inga beslut om dig "
            "som enbart grundar sig på automatiserad behandling och har rättsverkan eller "
            "liknande betydande verkan."
        ),
        "h_complaint": "Rätt att klaga hos tillsynsmyndigheten",
        "complaint_intro": (
            "Om du anser att vi behandlar dina uppgifter i strid med lagen kan du klaga hos "
            "tillsynsmyndigheten. Du kan också vända dig till myndigheten i det land där du "
            "bor eller arbetar."
        ),
        "complaint_for": "{controller}: {authority}",
        "h_profiling": "Profilering och automatiserade beslut",
        "no_profiling": "Vi profilerar inte personer och fattar inga automatiserade beslut.",
        "profiling_intro": (
            "Vi skapar kundprofiler och segment för ändamålen nedan. De påverkar bara vilken "
            "marknadsföring du får; vi fattar inga beslut utifrån dem som har rättsverkan eller "
            "liknande betydande verkan för dig. Du kan fråga vilka segment du hör till och "
            "varför, och du kan när som helst säga nej till profileringen."
        ),
        "h_security": "Hur vi skyddar uppgifterna",
        "h_changes": "Ändringar i denna policy",
        "changes_intro": (
            "När vår behandling ändras uppdaterar vi texten och datumet. Tidigare versioner och "
            "deras ändringar finns att läsa. Om väsentliga ändringar informerar vi också dem "
            "vars samtycke gäller ett ändrat ändamål."
        ),
        "changes_in_version": "Ändringar i denna version:",
        "first_version": "Policyns första version.",
        "none": "inga",
        "and": "och",
    },
    "en": {
        "dpo_none": (
            "For questions about the processing of your data, contact the controller at the "
            "details above."
        ),
        "rights_how_no_dpo": (
            "You can use your rights on our self-service page {url} or by contacting the "
            "controller at the details above. We verify your identity before we release or "
            "change any data. We answer within one month; in complex cases we may extend "
            "this by two months, and we tell you why. Using your rights is free of charge."
        ),
        "balancing_test": "balancing test",
        "functions": "functions",
        "country_unknown": "unknown, possibly outside the EU/EEA",
        "kept_while": "We keep it in any case {conditions}",
        "or": "or",
        "title": "Privacy notice: {register}",
        "updated": "Updated on {date} (version {number})",
        "intro": (
            "This notice tells you what personal data we keep in our register, where it comes "
            "from, why and on what legal basis we process it, who receives it, how long we "
            "keep it and what rights you have. It is generated from the same record of "
            "processing that our system runs on, so it describes what we actually do."
        ),
        "h_controllers": "Who is responsible for your data",
        "controllers_one": "The controller is:",
        "controllers_many": (
            "The controllers are the companies of our group; each company is responsible for "
            "the data in its own customer and stakeholder register. If you deal with more than "
            "one of them, each is the controller for its own part."
        ),
        "business_id": "Business ID",
        "email": "email",
        "phone": "phone",
        "h_dpo": "Data protection officer",
        "dpo_intro": "You can ask our data protection officer about anything to do with your data:",
        "h_subjects": "Whose data we process",
        "subjects_intro": "The register holds data about these people:",
        "h_purposes": "Why we process your data, and on what legal basis",
        "purposes_intro": (
            "We process personal data only for the purposes below. Each purpose has its own "
            "legal basis."
        ),
        "basis": "Legal basis",
        "interest": "Our legitimate interest",
        "data_used": "Data used",
        "objection_absolute": "You can say no to this at any time, and it stops at once.",
        "objection_balancing": (
            "You can object to this on grounds relating to your particular situation."
        ),
        "shared_in_group": "The data may be shared between our group companies for this purpose.",
        "stats_note": (
            "We may also compile statistics from which nobody can be identified; small groups "
            "are left out."
        ),
        "h_categories": "What data we process",
        "sensitive": "sensitive, specially protected",
        "h_sources": "Where the data comes from",
        "sources_intro": (
            "We get the data mainly from you. Some of it arises when you use our services, and "
            "some we get from elsewhere, as the law allows:"
        ),
        "combine_note": (
            "We may combine data from different sources, for example details from public "
            "registers with what arises from our dealings with you. We record the source of "
            "every datum."
        ),
        "h_required": "Do you have to give us your data",
        "required_intro": (
            "You do not have to give us your data, but in the cases below saying no affects "
            "what we can do:"
        ),
        "h_recipients": "Who receives the data",
        "recipients_intro": (
            "We disclose or transfer data only to the recipients below, and only for the "
            "purposes they are named for. We keep a log of every disclosure."
        ),
        "country": "country",
        "function": "function",
        "no_recipients": "We do not disclose data outside the register.",
        "h_transfers": "Transfers outside the EU and EEA",
        "no_transfers": "We do not transfer personal data outside the European Union or the European Economic Area.",
        "transfers_intro": (
            "These recipients process data outside the EU and EEA. The safeguard of each "
            "transfer is named; you can get a copy of it by contacting us."
        ),
        "safeguard": "safeguard",
        "h_retention": "How long we keep the data",
        "retention_intro": (
            "We keep data only as long as it is needed. Our system deletes or anonymises it "
            "automatically when its time is up, unless the law requires us to keep it longer."
        ),
        "legal_ref": "basis",
        "h_rights": "Your rights",
        "rights_how": (
            "You can use your rights on our self-service page {url} or by writing to our data "
            "protection officer. We verify your identity before we release or change any "
            "data. We answer within one month; in complex cases we may extend this by two "
            "months, and we tell you why. Using your rights is free of charge."
        ),
        "right_access_exempt": (
            "The right of access does not cover the data category {category}: {reason} ({law})."
        ),
        "access_exempt_short": "no right of access: {law}",
        "right_access": (
            "Right of access: you can ask for a copy of your data and be told for which "
            "purposes it is used, where it came from, who has received it and how long it is "
            "kept."
        ),
        "right_rectification": (
            "Right to rectification: we correct wrong data and complete what is missing, and "
            "pass the correction on to the recipients who received the data. If you ask, we "
            "tell you who they are."
        ),
        "right_erasure": (
            "Right to erasure: we erase your data except what the law requires us to keep "
            "(accounting records, for example); we tell you what we keep, why and until when."
        ),
        "right_restriction": (
            "Right to restriction: for example while the accuracy of your data is being "
            "checked, we only store it and do nothing else with it."
        ),
        "right_objection": (
            "Right to object: you can object to processing based on our legitimate interest "
            "({purposes}). We weigh your request and give our reasons."
        ),
        "right_objection_dm": (
            "You can say no to direct marketing, and to the profiling that serves it, at any "
            "time and free of charge ({purposes}); we stop at once. Every marketing message "
            "has an unsubscribe link. We keep a minimal record of your opt-out so that we can "
            "respect it."
        ),
        "right_portability": (
            "Right to data portability: you get the data you gave us in a machine-readable "
            "form when the processing is based on consent or a contract ({purposes})."
        ),
        "right_withdraw": (
            "Withdrawing consent: where we process on your consent (marketing to consumers, "
            "for example), you can withdraw it at any time as easily as you gave it, from the "
            "link in a message or on the self-service page. Withdrawal does not affect the "
            "lawfulness of what was done before."
        ),
        "right_automated": (
            "Right not to be subject to automated decisions: we make no decision about you "
            "based solely on automated processing that has legal or similarly significant "
            "effects."
        ),
        "h_complaint": "Right to complain to the supervisory authority",
        "complaint_intro": (
            "If you think we process your data unlawfully, you can complain to the supervisory "
            "authority. You can also turn to the authority of the country where you live or "
            "work."
        ),
        "complaint_for": "{controller}: {authority}",
        "h_profiling": "Profiling and automated decisions",
        "no_profiling": "We do not profile people and make no automated decisions.",
        "profiling_intro": (
            "We build customer profiles and segments for the purposes below. They only affect "
            "what marketing you receive; we make no decision on them that has legal or "
            "similarly significant effects on you. You can ask which segments you are in and "
            "why, and you can say no to the profiling at any time."
        ),
        "h_security": "How we protect the data",
        "h_changes": "Changes to this notice",
        "changes_intro": (
            "When our processing changes, we update this notice and its date. Earlier versions "
            "and their changes can be read. We also tell the people whose consent concerns a "
            "changed purpose about significant changes."
        ),
        "changes_in_version": "Changes in this version:",
        "first_version": "The first version of this notice.",
        "none": "none",
        "and": "and",
    },
}

LEGAL_BASIS: dict[str, dict[str, str]] = {
    "consent": {
        "fi": "suostumuksesi (tietosuoja-asetuksen 6 artiklan 1 kohdan a alakohta)",
        "sv": "ditt samtycke (artikel 6.1 a i dataskyddsförordningen)",
        "en": "your consent (GDPR Art. 6(1)(a))",
    },
    "contract": {
        "fi": "sopimus sinun tai edustamasi yrityksen kanssa tai sen valmistelu (6 artiklan 1 kohdan b alakohta)",
        "sv": "avtal med dig eller företaget du representerar, eller åtgärder före ett avtal (artikel 6.1 b)",
        "en": "a contract with you or the company you represent, or steps before one (Art. 6(1)(b))",
    },
    "legal_obligation": {
        "fi": "meitä koskeva lakisääteinen velvoite (6 artiklan 1 kohdan c alakohta)",
        "sv": "en rättslig förpliktelse som vi har (artikel 6.1 c)",
        "en": "a legal obligation we have (Art. 6(1)(c))",
    },
    "legitimate_interest": {
        "fi": "oikeutettu etumme (6 artiklan 1 kohdan f alakohta)",
        "sv": "vårt berättigade intresse (artikel 6.1 f)",
        "en": "our legitimate interest (Art. 6(1)(f))",
    },
    "vital_interest": {
        "fi": "jonkun elintärkeän edun suojaaminen (6 artiklan 1 kohdan d alakohta)",
        "sv": "att skydda någons grundläggande intressen (artikel 6.1 d)",
        "en": "protecting someone's vital interests (Art. 6(1)(d))",
    },
    "public_task": {
        "fi": "yleisen edun mukainen tehtävä (6 artiklan 1 kohdan e alakohta)",
        "sv": "en uppgift av allmänt intresse (artikel 6.1 e)",
        "en": "a task in the public interest (Art. 6(1)(e))",
    },
}

#: What follows if the data is not given, by legal basis, unless the purpose says it itself.
REQUIRED_DEFAULT: dict[str, dict[str, str]] = {
    "consent": {
        "fi": "Vapaaehtoista; ilman suostumusta emme käsittele tietoja tähän tarkoitukseen.",
        "sv": "Frivilligt; utan samtycke behandlar vi inte uppgifterna för detta ändamål.",
        "en": "Voluntary; without your consent we do not process the data for this purpose.",
    },
    "contract": {
        "fi": "Tiedot tarvitaan sopimuksen tekemiseen ja hoitamiseen; ilman niitä emme voi tehdä sopimusta tai toimittaa palvelua.",
        "sv": "Uppgifterna behövs för att ingå och fullgöra avtalet; utan dem kan vi inte ingå avtal eller leverera tjänsten.",
        "en": "The data is needed to make and carry out the contract; without it we cannot make the contract or deliver the service.",
    },
    "legal_obligation": {
        "fi": "Laki velvoittaa meidät keräämään tiedot; ilman niitä emme voi asioida kanssasi tai edustamasi yrityksen kanssa.",
        "sv": "Lagen kräver att vi samlar in uppgifterna; utan dem kan vi inte göra affärer med dig eller företaget du representerar.",
        "en": "The law requires us to collect the data; without it we cannot do business with you or the company you represent.",
    },
    "legitimate_interest": {
        "fi": "Ei pakollista; ilman tietoja emme voi palvella sinua tässä asiassa yhtä hyvin.",
        "sv": "Inte obligatoriskt; utan uppgifterna kan vi inte betjäna dig lika väl i detta.",
        "en": "Not required; without the data we cannot serve you as well in this.",
    },
    "vital_interest": {
        "fi": "Ei pakollista.",
        "sv": "Inte obligatoriskt.",
        "en": "Not required.",
    },
    "public_task": {
        "fi": "Laki määrää tehtävästä; ilman tietoja emme voi hoitaa sitä.",
        "sv": "Uppgiften följer av lag; utan uppgifterna kan vi inte utföra den.",
        "en": "The task is set by law; without the data we cannot carry it out.",
    },
}

SOURCE_KIND: dict[str, dict[str, str]] = {
    "data_subject": {"fi": "Sinulta itseltäsi", "sv": "Från dig själv", "en": "From you"},
    "generated": {
        "fi": "Syntyy palvelujen käytössä",
        "sv": "Uppstår när tjänster används",
        "en": "Arising from the use of our services",
    },
    "group_company": {
        "fi": "Konserniyhtiöiltämme",
        "sv": "Från våra koncernbolag",
        "en": "From our group companies",
    },
    "public_register": {
        "fi": "Julkisista lähteistä ja rekistereistä",
        "sv": "Från offentliga källor och register",
        "en": "From public sources and registers",
    },
    "third_party": {
        "fi": "Kolmansilta osapuolilta",
        "sv": "Från tredje parter",
        "en": "From third parties",
    },
}

RECIPIENT_KIND: dict[str, dict[str, str]] = {
    "processor": {
        "fi": "Palveluntarjoajat, jotka käsittelevät tietoja puolestamme ja ohjeidemme mukaan",
        "sv": "Tjänsteleverantörer som behandlar uppgifter för vår räkning och enligt våra instruktioner",
        "en": "Service providers who process data on our behalf and on our instructions",
    },
    "group_company": {
        "fi": "Konserniyhtiömme",
        "sv": "Våra koncernbolag",
        "en": "Our group companies",
    },
    "authority": {
        "fi": "Viranomaiset lain perusteella",
        "sv": "Myndigheter enligt lag",
        "en": "Authorities, as the law requires",
    },
    "third_party": {
        "fi": "Muut vastaanottajat, jotka käsittelevät tietoja omiin tarkoituksiinsa",
        "sv": "Andra mottagare som behandlar uppgifterna för egna ändamål",
        "en": "Other recipients who process the data for their own purposes",
    },
}

# Recipient functions (catalogue.schema FUNCTIONS): some are spelt like demo codes.
FUNCTION: dict[str, dict[str, str]] = {
    "finance": {  # catalogue-free: a function
        "fi": "taloushallinto",
        "sv": "ekonomiförvaltning",
        "en": "financial administration",
    },
    # catalogue-free: a recipient function
    "marketing": {
        "fi": "markkinointi",
        "sv": "marknadsföring",
        # catalogue-free: a recipient function
        "en": "marketing",
    },  # catalogue-free: a function
    "it": {"fi": "tietohallinto", "sv": "IT", "en": "IT"},
    "logistics": {
        "fi": "logistiikka ja varastointi",
        "sv": "logistik och lager",
        "en": "logistics and warehousing",
    },
    "credit_checks": {
        "fi": "luottotietojen tarkistus",
        "sv": "kreditupplysning",
        "en": "credit checks",
    },
    "authorities": {
        "fi": "viranomaistehtävät",
        "sv": "myndighetsuppgifter",
        "en": "authority functions",
    },
    # catalogue-free: a recipient function
    "customer_service": {
        "fi": "asiakaspalvelu",
        "sv": "kundtjänst",
        "en": "customer service",
    },  # catalogue-free: a function
    "events": {"fi": "tapahtumat", "sv": "evenemang", "en": "events"},  # catalogue-free: a function
    # catalogue-free: a recipient function
    "kyc": {
        "fi": "asiakkaan tunteminen",
        "sv": "kundkännedom",
        "en": "know your customer",
    },  # catalogue-free: a function
    "legal": {"fi": "oikeudelliset palvelut", "sv": "juridiska tjänster", "en": "legal services"},
    "hosting": {"fi": "palvelintilat", "sv": "drift och lagring", "en": "hosting"},
}

#: Kinds of data subjects that catalogues may name as plain strings.
SUBJECTS: dict[str, dict[str, str]] = {
    "customer contacts": {
        "fi": "asiakasyritysten yhteyshenkilöt",
        "sv": "kontaktpersoner hos kundföretag",
        "en": "contact persons of our customers",
    },
    "prospects": {
        "fi": "potentiaalisten asiakkaiden yhteyshenkilöt",
        "sv": "kontaktpersoner hos potentiella kunder",
        "en": "contact persons of prospective customers",
    },
    "supplier and partner contacts": {
        "fi": "toimittajien ja yhteistyökumppaneiden yhteyshenkilöt",
        "sv": "kontaktpersoner hos leverantörer och samarbetspartner",
        "en": "contact persons of suppliers and partners",
    },
    "consumer customers": {
        "fi": "kuluttaja-asiakkaat",
        "sv": "konsumentkunder",
        "en": "consumer customers",
    },
    "event attendees": {
        "fi": "tapahtumiimme ilmoittautuneet ja osallistuneet",
        "sv": "personer som anmäler sig till eller deltar i våra evenemang",
        "en": "people who register for or attend our events",
    },
    "service users": {
        "fi": "palvelujemme ja verkkosivujemme käyttäjät",
        "sv": "användare av våra tjänster och webbplatser",
        "en": "users of our services and websites",
    },
    "beneficial owners": {
        "fi": "asiakasyritysten tosiasialliset edunsaajat ja edustajat",
        "sv": "verkliga huvudmän och företrädare för kundföretag",
        "en": "beneficial owners and representatives of customer companies",
    },
    "visitors": {
        "fi": "toimitiloissamme vierailevat",
        "sv": "besökare i våra lokaler",
        "en": "visitors to our premises",
    },
}

ANCHOR: dict[str, dict[str, str]] = {
    "created": {
        "fi": "{period} tallentamisesta",
        "sv": "{period} från att uppgiften registrerades",
        "en": "{period} from when the data was recorded",
    },
    "relationship_ended": {
        "fi": "asiakassuhteen ajan ja {period} sen päättymisestä",
        "sv": "under kundrelationen och {period} efter att den upphört",
        "en": "for the customer relationship and {period} after it ends",
    },
    "billing_year_end": {
        "fi": "{period} laskutusvuoden päättymisestä",
        "sv": "{period} från utgången av faktureringsåret",
        "en": "{period} from the end of the billing year",
    },
    "contact_ended": {
        "fi": "niin kauan kuin olet yrityksen yhteyshenkilö ja {period} sen jälkeen",
        "sv": "så länge du är företagets kontaktperson och {period} därefter",
        "en": "as long as you are the organisation's contact person, and {period} after that",
    },
    "request_closed": {
        "fi": "{period} pyynnön käsittelyn päättymisestä",
        "sv": "{period} från att ärendet avslutats",
        "en": "{period} after the request is closed",
    },
    "last_activity": {
        "fi": "{period} viimeisestä asioinnistasi",
        "sv": "{period} efter din senaste aktivitet",
        "en": "{period} after your last activity",
    },
    "needed": {
        "fi": "niin kauan kuin tarkoitus sitä vaatii",
        "sv": "så länge ändamålet kräver det",
        "en": "as long as the purpose requires",
    },
}

#: The same anchors when the period is zero ("until the contact ends").
ANCHOR_ZERO: dict[str, dict[str, str]] = {
    "created": {
        "fi": "vain tallennettaessa",
        "sv": "endast vid registreringen",
        "en": "only when recorded",
    },
    "relationship_ended": {
        "fi": "asiakassuhteen päättymiseen asti",
        "sv": "tills kundrelationen upphör",
        "en": "until the customer relationship ends",
    },
    "billing_year_end": {
        "fi": "laskutusvuoden loppuun",
        "sv": "till utgången av faktureringsåret",
        "en": "until the end of the billing year",
    },
    "contact_ended": {
        "fi": "niin kauan kuin olet yrityksen yhteyshenkilö",
        "sv": "så länge du är företagets kontaktperson",
        "en": "as long as you are the organisation's contact person",
    },
    "request_closed": {
        "fi": "pyynnön käsittelyn päättymiseen asti",
        "sv": "tills ärendet avslutats",
        "en": "until the request is closed",
    },
    "last_activity": {
        "fi": "viimeiseen asiointiisi asti",
        "sv": "till din senaste aktivitet",
        "en": "until your last activity",
    },
}

ACTION: dict[str, dict[str, str]] = {
    "delete": {
        "fi": "minkä jälkeen tiedot poistetaan",
        "sv": "därefter raderas de",
        "en": "then deleted",
    },
    "anonymise": {
        "fi": "minkä jälkeen tiedot anonymisoidaan tilastoja varten",
        "sv": "därefter anonymiseras de för statistik",
        "en": "then anonymised for statistics",
    },
}

UNITS: dict[str, dict[str, tuple[str, str]]] = {
    "fi": {
        "years": ("vuosi", "vuotta"),
        "months": ("kuukausi", "kuukautta"),
        "days": ("päivä", "päivää"),
    },
    "sv": {"years": ("år", "år"), "months": ("månad", "månader"), "days": ("dag", "dagar")},
    "en": {"years": ("year", "years"), "months": ("month", "months"), "days": ("day", "days")},
}

#: The name of a business ID by the controller's country.
BUSINESS_ID: dict[str, dict[str, str]] = {
    "FI": {"fi": "Y-tunnus", "sv": "FO-nummer", "en": "Finnish business ID"},
    "SE": {
        "fi": "organisaationumero",
        "sv": "organisationsnummer",
        "en": "Swedish organisation number",
    },
}

MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

#: Change-log wording.
SECTION: dict[str, dict[str, str]] = {
    "register": {"fi": "rekisteri", "sv": "register", "en": "register"},
    "controllers": {"fi": "rekisterinpitäjä", "sv": "personuppgiftsansvarig", "en": "controller"},
    "authorities": {"fi": "valvontaviranomainen", "sv": "tillsynsmyndighet", "en": "authority"},
    "categories": {"fi": "tietoryhmä", "sv": "uppgiftskategori", "en": "data category"},
    "purposes": {"fi": "tarkoitus", "sv": "ändamål", "en": "purpose"},
    "sources": {"fi": "lähde", "sv": "källa", "en": "source"},
    "recipients": {"fi": "vastaanottaja", "sv": "mottagare", "en": "recipient"},
    "retention": {"fi": "säilytys", "sv": "lagring", "en": "retention"},
    "security": {"fi": "tietoturva", "sv": "säkerhet", "en": "security"},
    "notice": {"fi": "seloste", "sv": "beskrivning", "en": "notice"},
}
CHANGE: dict[str, dict[str, str]] = {
    "added": {"fi": "lisätty", "sv": "tillagd", "en": "added"},
    "removed": {"fi": "poistettu", "sv": "borttagen", "en": "removed"},
    "changed": {"fi": "muutettu", "sv": "ändrad", "en": "changed"},
}

#: Change-log wording of the notice's own settings ([notice] in the catalogue).
NOTICE_FIELD: dict[str, dict[str, str]] = {
    "effective_date": {"fi": "päivämäärä", "sv": "datum", "en": "date"},
    "transfers": {
        "fi": "siirrot EU:n ja ETA:n ulkopuolelle",
        "sv": "överföringar utanför EU och EES",
        "en": "transfers outside the EU and EEA",
    },
}

#: The Art. 30 record's column headings (notice.ropa.COLUMNS gives their order).
ROPA_COLUMNS: dict[str, dict[str, str]] = {
    "purpose_code": {"fi": "Tarkoituksen tunnus", "sv": "Ändamålets kod", "en": "Purpose code"},
    "purpose": {
        "fi": "Käsittelyn tarkoitus",
        "sv": "Ändamålet med behandlingen",
        "en": "Purpose of the processing",
    },
    "controller": {
        "fi": "Rekisterinpitäjä (nimi ja yhteystiedot)",
        "sv": "Personuppgiftsansvarig (namn och kontaktuppgifter)",
        "en": "Controller (name and contact details)",
    },
    "joint_controllers": {
        "fi": "Yhteisrekisterinpitäjät / jaettu konsernissa",
        "sv": "Gemensamt personuppgiftsansvariga / delas inom koncernen",
        "en": "Joint controllers / shared within the group",
    },
    "protection_officer": {
        "fi": "Tietosuojavastaava",
        "sv": "Dataskyddsombud",
        "en": "Data protection officer",
    },
    "legal_basis": {"fi": "Oikeusperuste", "sv": "Rättslig grund", "en": "Legal basis"},
    "legitimate_interest": {
        "fi": "Oikeutettu etu",
        "sv": "Berättigat intresse",
        "en": "Legitimate interest pursued",
    },
    "data_subjects": {
        "fi": "Rekisteröityjen ryhmät",
        "sv": "Kategorier av registrerade",
        "en": "Categories of data subjects",
    },
    "data_categories": {
        "fi": "Henkilötietoryhmät",
        "sv": "Kategorier av personuppgifter",
        "en": "Categories of personal data",
    },
    "sources": {"fi": "Tietolähteet", "sv": "Källor till uppgifterna", "en": "Sources of the data"},
    "recipients": {
        "fi": "Vastaanottajaryhmät",
        "sv": "Kategorier av mottagare",
        "en": "Categories of recipients",
    },
    "transfers": {
        "fi": "Siirrot kolmansiin maihin",
        "sv": "Överföringar till tredjeländer",
        "en": "Transfers to third countries",
    },
    "safeguards": {
        "fi": "Siirtojen suojatoimet",
        "sv": "Skyddsåtgärder för överföringarna",
        "en": "Safeguards of the transfers",
    },
    "erasure": {
        "fi": "Poistamisen määräajat",
        "sv": "Tidsfrister för radering",
        "en": "Time limits for erasure",
    },
    "automated_decisions": {
        "fi": "Profilointi / automaattiset päätökset",
        "sv": "Profilering / automatiserade beslut",
        "en": "Profiling / automated decisions",
    },
    "security": {
        "fi": "Tekniset ja organisatoriset turvatoimet",
        "sv": "Tekniska och organisatoriska säkerhetsåtgärder",
        "en": "Technical and organisational security measures",
    },
}

YES_NO: dict[bool, dict[str, str]] = {
    True: {"fi": "kyllä", "sv": "ja", "en": "yes"},
    False: {"fi": "ei", "sv": "nej", "en": "no"},
}
