"""Word lists the rules share: titles, places, sentence starters, speech verbs, organisation words."""
from __future__ import annotations

TITLE_HEADS = frozenset("""president premier secretary representative minister negotiator adviser advisor spokeswoman
spokesman spokesperson official strategist economist analyst professor director chairman chairwoman chair ceo cfo
governor senator mayor ambassador envoy officer commissioner chancellor counsel attorney judge leader head chief
general lady mr mrs ms dr sen rep gov gen prof king queen prince pope justice member founder partner researcher fellow
editor correspondent diplomat lawmaker congressman congresswoman manager administrator commander secretary-general
vice-president vice-premier economist mp mep msp mla executive councillor councilor commissioner
spokesperson secretary miss mx""".split())
HONORIFICS = frozenset("mr mrs ms miss mx".split())  # a title only in name: never a role
TITLE_WORDS = TITLE_HEADS | frozenset("""us u.s. uk eu un american chinese british european japanese white house vice
commerce trade treasury international former senior deputy prime foreign economic economy finance financial state
defense defence national security top lead general executive managing investment acting interim first assistant
permanent central bank federal reserve labor labour energy agriculture industry technology science health education
justice interior homeland budget party communist politburo standing committee chief trade special market markets
global research policy political emerging asia asian chief-of-staff staff press communications information
cabinet supreme court district regional provincial city county foreign-affairs affairs relations senior-most
portfolio equity equities fixed income rates currency fx commodities strategy local shadow labour conservative
democratic republican opposition""".split())
PLACES = frozenset("""US U.S. USA UK EU China Chinese America American Americans Beijing Washington London Geneva Europe Asia
Japan Korea South North Taiwan Hong Kong Britain British Russia Russian India Germany France Paris Berlin Tokyo Brussels
Moscow Canada Mexico Brazil Africa Australia Singapore Vietnam Iran Israel Ukraine Gaza Middle East West Lancaster
Buckingham Palace Wall Street White House Congress Capitol Pentagon Kremlin Downing Shanghai Shenzhen Taipei Seoul
New York Silicon Valley Switzerland Swiss Italy Spain Netherlands Sweden Norway Poland Turkey Egypt Saudi Arabia
United States Kingdom Nations Union Pacific Atlantic Indian Ocean Sea Dutch French German Italian Spanish Turkish
Ukrainian Japanese Korean Canadian Mexican Brazilian Australian Polish Swedish Israeli Iranian Egyptian Irish Greek
Belgian Austrian Danish Finnish Norwegian Portuguese Indonesian Thai Vietnamese Philippine Pakistani Nigerian Kenyan
South African Saudi Emirati Qatari Swiss Dutch Scottish Welsh English Ukraine Istanbul Kyiv Brussels Rotterdam""".split())
STARTERS = frozenset("""A An The But And Or However As If When While Then So Still Yet Meanwhile Also In On At For From With
By After Before Since This That These Those It We They She His Her Our Their Its One Two Three Some Many Most Both
Even Only Just Once Now Today Yesterday Tomorrow There Here What Why How Who Which Where Despite Although Though Under
Over Among Beyond Between Following According Notably Analysts Experts Officials Investors Traders Markets Market
Chinese American Asked Speaking Writing Instead Indeed Last Next Earlier Later Several Each Every Other Another No Not
Amid During Without Within Against Toward Towards Unlike Like Given Because Whether Until Ahead Due Mr Mrs Ms Dr
Sector Notes Movement Trade Talks Rare Earths Tech Stocks Defense Contractors Producers President Vice Premier
Secretary Minister Representative Commerce Treasury Key Diplomatic Structural Potential Broader Building Global
Industry Officials Negotiators Washington Beijing""".split())
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
CALENDAR_WORDS = frozenset(m.capitalize() for m in MONTHS + WEEKDAYS) | frozenset(
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Christmas Easter COVID COVID-19 AI GDP CEO".split())
ORG_SUFFIXES = frozenset("""Markets Group Economics University Bank Futures Institute Ministry Department Agency Council
Commission Company Corp Corporation Inc Ltd LLC Association Fund Foundation Party Office Administration Times Post News
Journal Partners Securities Research Analytics Consulting Center Centre Exchange Organization Organisation Federation
Authority Services Network Capital Investments Holdings Motors Technologies Labs Institution Forum Board Bureau Reuters
Bloomberg Advisors Advisers Associates Insights Intelligence School College Academy Committee Tribunal Court""".split())
NEWS_AGENCIES = frozenset("Reuters Bloomberg AFP AP Xinhua Nikkei Kyodo Yonhap Tass".split())
SPEECH_VERBS = ("said", "says", "say", "told", "tells", "added", "adds", "wrote", "writes", "warned", "warns",
                "noted", "notes", "observed", "observes", "stated", "states", "explained", "explains", "argued",
                "argues", "insisted", "insists", "confirmed", "confirms", "called", "calls", "described",
                "describes", "saying", "asked", "asks", "replied", "replies", "declared", "declares", "stressed",
                "stresses", "cautioned", "cautions", "acknowledged", "acknowledges", "announced", "announces",
                "remarked", "remarks", "continued", "continues", "posted", "posts", "tweeted", "echoed", "echoes",
                "predicted", "predicts", "suggested", "suggests", "urged", "urges", "conceded", "concedes",
                "admitted", "admits", "claimed", "claims", "recalled", "recalls", "emphasised", "emphasized",
                "pointed", "points", "believes", "believed", "thinks", "thought", "put it", "puts it",
                "according", "quipped", "joked", "countered", "responded", "responds", "promised", "promises",
                "vowed", "vows", "hinted", "hints", "complained", "complains", "expressed", "express",
                "tells", "telling", "adding", "noting", "writing", "warning", "calling", "describing")
ANONYMOUS_HEADS = ("official", "officials", "source", "sources", "analyst", "analysts", "diplomat", "diplomats",
                   "spokesperson", "spokesman", "spokeswoman", "aide", "aides", "negotiator", "negotiators",
                   "executive", "executives", "economist", "economists", "lawmaker", "lawmakers", "insider",
                   "insiders", "observer", "observers", "expert", "experts", "trader", "traders", "person",
                   "ministry", "embassy", "broker", "brokers", "banker", "bankers", "dealer", "dealers",
                   "investor", "investors", "lawyer", "lawyers", "resident", "residents", "witness", "witnesses",
                   "engineer", "engineers", "worker", "workers", "employee", "employees", "staffer", "staffers",
                   "manager", "managers", "farmer", "farmers", "member", "members", "student", "students", "teacher",
                   "teachers", "doctor", "doctors", "nurse", "nurses", "owner", "owners", "customer", "customers",
                   "shopper", "shoppers", "voter", "voters", "protester", "protesters", "activist", "activists",
                   "survivor", "survivors", "soldier", "soldiers", "pilot", "pilots", "driver", "drivers",
                   "researcher", "researchers", "scientist", "scientists", "adviser", "advisers", "advisor",
                   "strategist", "strategists", "negotiator", "negotiators", "delegate", "delegates", "envoy",
                   "supporter", "supporters", "critic", "critics", "organiser", "organisers", "organizer",
                   "organizers", "leader", "leaders", "spokesman")
INSTITUTIONS = ("White House", "Kremlin", "Pentagon", "Downing Street", "Elysee", "Élysée", "Federal Reserve",
                "State Department", "Foreign Office", "European Commission", "Bundesbank", "Vatican")
