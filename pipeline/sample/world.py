"""The invented world the sample corpus is written about: people, organisations, places, topics,
sentence templates and outlets. Every name and sentence here is made up; no third-party text is used."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta, timezone

MONTHS = ("January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


# --------------------------------------------------------------------------- #
# Entities and topics
# --------------------------------------------------------------------------- #

@dataclass(frozen=True)
class Person:
    first: str
    last: str
    role: str  # appositive used on first mention
    honorific: str
    weight: float

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"


@dataclass(frozen=True)
class Org:
    name: str  # without a leading "the"
    acronym: str = ""
    generic: str = ""  # a later mention without the acronym, e.g. "the office"
    with_the: bool = True


@dataclass(frozen=True)
class Place:
    """A real-world country, city or public body, named in one of several forms."""

    canonical: str
    forms: tuple[str, ...]


@dataclass(frozen=True)
class Topic:
    key: str
    section: str
    weight: float
    cast: tuple[Person, ...]
    orgs: tuple[Org, ...]
    places: tuple[Place, ...]
    bodies: tuple[Place, ...]
    subjects: tuple[str, ...]
    issues: tuple[str, ...]
    groups: tuple[str, ...]
    events: tuple[str, ...]
    quotes: tuple[str, ...]
    headlines: tuple[str, ...]
    subheads: tuple[str, ...]


US = Place("United States", ("the United States", "the US", "the U.S.", "America"))
UK = Place("United Kingdom", ("the UK", "Britain", "the United Kingdom"))
EU = Place("European Union", ("the European Union", "the EU"))
UN = Place("United Nations", ("the United Nations", "the UN"))
WHO = Place("World Health Organization", ("the World Health Organization", "the WHO"))
LONDON = Place("London", ("London",))
BERLIN = Place("Berlin", ("Berlin",))
NAIROBI = Place("Nairobi", ("Nairobi",))
LISBON = Place("Lisbon", ("Lisbon",))
ROTTERDAM = Place("Rotterdam", ("Rotterdam",))
BRUSSELS = Place("Brussels", ("Brussels",))
MOMBASA = Place("Mombasa", ("Mombasa",))
KENYA = Place("Kenya", ("Kenya",))
OTTAWA = Place("Ottawa", ("Ottawa",))

VANCE = Person("Eleanor", "Vance", "the prime minister", "Ms", 1.5)

TOPICS: tuple[Topic, ...] = (
    Topic(
        key="coastal", section="Environment", weight=5.0,
        cast=(
            Person("Marta", "Kowalczyk", "the minister for coastal affairs", "Ms", 6.0),
            Person("Tobias", "Renner", "the chief engineer of the national sea defence programme", "Mr", 2.0),
            VANCE,
        ),
        orgs=(Org("Office for Coastal Resilience", "OCR", "the office"),),
        places=(LONDON, ROTTERDAM, UK),
        bodies=(EU,),
        subjects=("the flood barrier programme", "the coastal defence budget",
                  "the managed retreat scheme", "the tidal wall upgrade"),
        issues=("coastal erosion", "storm surge flooding", "the cost of insuring seaside homes",
                "the loss of farmland to the sea"),
        groups=("homeowners", "fishing crews", "seaside businesses", "coastal councils"),
        events=("announced a review of {SUBJ}", "defended spending on {SUBJ}",
                "promised {MONEY} for {SUBJ}", "ordered an inquiry into delays to {SUBJ}",
                "unveiled a revised timetable for {SUBJ}"),
        quotes=("We cannot ask families to wait another winter for protection.",
                "The sea does not read our spending plans.",
                "Every month of delay makes the eventual bill larger.",
                "This is about whether whole towns still have a future.",
                "We will publish every figure so people can judge for themselves.",
                "Nobody ever pretended this would be cheap or quick."),
        headlines=("{LAST} defends {SUBJ_H} as costs climb",
                   "{ACR} warns {BIG} homes face flood risk by {YEAR_NEXT}",
                   "Coastal towns demand answers over {SUBJ_H}",
                   "{LAST} promises {MONEY} to shore up seafronts",
                   "Storm damage bill tops {MONEY} as {ACR} reviews defences"),
        subheads=("A race against the tide", "Who pays for the defences?",
                  "Towns on the front line", "Engineers sound the alarm", "Mounting bills"),
    ),
    Topic(
        key="trade", section="Business", weight=4.0,
        cast=(
            Person("Daniel", "Okafor", "the government's special trade envoy", "Mr", 5.0),
            Person("Helena", "Brandt", "the chief negotiator for the European side", "Ms", 3.5),
            VANCE,
        ),
        orgs=(Org("Transatlantic Tariff Council", "TTC", "the council"),),
        places=(US, BERLIN, BRUSSELS, UK),
        bodies=(EU,),
        subjects=("the steel tariff agreement", "the proposed customs framework",
                  "the digital trade chapter", "the farm produce quota deal"),
        issues=("the rise in import duties", "the shortage of machine parts",
                "congestion at border checkpoints", "the slump in exports"),
        groups=("exporters", "small manufacturers", "freight operators", "dairy farmers"),
        events=("walked out of talks on {SUBJ}", "signalled a compromise on {SUBJ}",
                "set a deadline for agreement on {SUBJ}", "rejected the latest draft of {SUBJ}",
                "called for a pause in negotiations over {SUBJ}"),
        quotes=("A bad deal signed quickly is still a bad deal.",
                "We are closer than the headlines suggest.",
                "Our exporters need certainty, not another round of speeches.",
                "Nobody should mistake patience for weakness.",
                "The door remains open, but not forever.",
                "There is a deal to be done if both sides want one."),
        headlines=("{LAST} and Brandt trade barbs as {SUBJ_H} stalls",
                   "Exporters fear {MONEY} hit from {SUBJ_H}",
                   "{ACR} talks resume in {PLACE} after {NUM}-week standoff",
                   "{LAST} sets deadline on {SUBJ_H}",
                   "Hopes rise for breakthrough on {SUBJ_H}"),
        subheads=("Sticking points", "Industry impatience", "A deadline looms",
                  "What each side wants", "Pressure from farmers"),
    ),
    Topic(
        key="drought", section="World", weight=2.0,
        cast=(
            Person("Grace", "Wanjiru", "the agriculture secretary", "Ms", 4.0),
            Person("Samuel", "Otieno", "the director of the regional grain authority", "Mr", 2.0),
            Person("Amara", "Diallo", "the regional food coordinator for international agencies", "Ms", 1.5),
        ),
        orgs=(Org("East African Grain Reserve Authority", "EAGRA", "the authority"),),
        places=(NAIROBI, MOMBASA, KENYA),
        bodies=(UN,),
        subjects=("the emergency grain release", "the irrigation subsidy scheme",
                  "the livestock compensation fund", "the seed distribution plan"),
        issues=("the prolonged drought", "the failure of the maize harvest", "the rise in food prices",
                "the water shortage in rural counties"),
        groups=("smallholder farmers", "pastoralist families", "county officials", "aid workers"),
        events=("launched {SUBJ}", "appealed for support for {SUBJ}",
                "expanded {SUBJ} to {NUM} more counties", "warned that funding for {SUBJ} was running out"),
        quotes=("The rains have failed three seasons in a row and families have nothing left to sell.",
                "We are buying time, not solving the problem.",
                "Every shilling we spend now saves lives later.",
                "The reserves will not last beyond the next planting season.",
                "We need partners to step up before it is too late.",
                "Farmers are doing everything right and still losing their crops."),
        headlines=("{LAST} warns grain reserves will not last the season",
                   "Drought pushes {BIG} families into hunger, {ACR} says",
                   "{LAST} appeals for {MONEY} as harvests fail",
                   "Food prices jump {PCT} in {PLACE} markets",
                   "{ACR} expands {SUBJ_H} amid drought"),
        subheads=("Empty granaries", "A third failed season", "The price of maize",
                  "Calls for outside help", "Life in the dry counties"),
    ),
    Topic(
        key="transit", section="Cities", weight=2.0,
        cast=(
            Person("Priya", "Raman", "the chair of the city transport committee", "Ms", 3.0),
            Person("Oliver", "Hartley", "the chief executive of the Metropolitan Transit Board", "Mr", 2.5),
        ),
        orgs=(Org("Metropolitan Transit Board", "MTB", "the board"),),
        places=(LONDON, LISBON, BERLIN),
        bodies=(),
        subjects=("the night bus network", "the fare freeze", "the tram extension",
                  "the station accessibility programme"),
        issues=("overcrowding at rush hour", "the number of cancelled services", "the rise in fares",
                "the backlog of track repairs"),
        groups=("commuters", "shift workers", "disabled passengers", "bus drivers"),
        events=("proposed cuts to {SUBJ}", "defended the cost of {SUBJ}",
                "announced an audit of {SUBJ}", "demanded a rethink of {SUBJ}"),
        quotes=("Passengers are paying more and getting less.",
                "We will not balance the books on the backs of night workers.",
                "The network was built for a city half this size.",
                "Every cancelled service is a broken promise to someone.",
                "We owe passengers a plan they can actually rely on.",
                "There are no easy choices left in this budget."),
        headlines=("{LAST} clashes with {ACR} over {SUBJ_H}",
                   "Commuters face {PCT} fare rise as {ACR} seeks savings",
                   "{ACR} admits {BIG} services cancelled last month",
                   "{LAST} calls for urgent review of {SUBJ_H}",
                   "Night workers fear for {SUBJ_H}"),
        subheads=("Crowded platforms", "The budget gap", "Passengers speak out",
                  "A network under strain", "Where the money goes"),
    ),
    Topic(
        key="vaccine", section="Health", weight=1.5,
        cast=(
            Person("Ines", "Carvalho", "the director of the Northern Institute for Vaccine Research", "Dr", 3.0),
            Person("Felix", "Nakamura", "an epidemiologist who advises the health ministry", "Dr", 1.0),
        ),
        orgs=(Org("Northern Institute for Vaccine Research", "NIVR", "the institute"),),
        places=(LISBON, BERLIN, UK),
        bodies=(WHO, EU),
        subjects=("the nasal vaccine trial", "the winter booster campaign",
                  "the cold-chain depot network", "the childhood immunisation drive"),
        issues=("the fall in vaccination rates", "the spread of a new respiratory virus",
                "the shortage of trial volunteers", "the rise in hospital admissions among older people"),
        groups=("parents", "care home staff", "trial volunteers", "family doctors"),
        events=("published early results from {SUBJ}", "paused recruitment for {SUBJ}",
                "secured funding for {SUBJ}", "urged faster approval of {SUBJ}"),
        quotes=("The early signals are encouraging but we are not there yet.",
                "Science moves at the speed of evidence, not headlines.",
                "We owe it to volunteers to report every result, good or bad.",
                "Complacency is now the biggest risk we face.",
                "The data will decide, not the calendar.",
                "Trust is built slowly and lost very quickly."),
        headlines=("{LAST} hails early results from {SUBJ_H}",
                   "{ACR} seeks {BIG} volunteers for {SUBJ_H}",
                   "Vaccination rates fall {PCT} as experts urge action",
                   "{LAST} warns against complacency over {SUBJ_H}",
                   "{MONEY} boost for {SUBJ_H}"),
        subheads=("Early signals", "Recruiting volunteers", "A winter of uncertainty",
                  "What the data show", "Questions of trust"),
    ),
    Topic(
        key="ai", section="Technology", weight=2.5,
        cast=(
            Person("Renée", "Dubois", "the head of the Office of Algorithmic Oversight", "Ms", 3.5),
            Person("Leon", "Ashworth", "the chief executive of Quillbright", "Mr", 3.5),
        ),
        orgs=(Org("Office of Algorithmic Oversight", "OAO", "the regulator"),
              Org("Quillbright", with_the=False)),
        places=(US, LONDON, BERLIN),
        bodies=(EU,),
        subjects=("the automated hiring rules", "the model audit regime",
                  "the chatbot disclosure code", "the facial matching ban"),
        issues=("the opacity of hiring algorithms", "the misuse of personal data",
                "the error rate in automated benefit decisions", "synthetic voice fraud"),
        groups=("job seekers", "software developers", "consumer groups", "start-up founders"),
        events=("opened an investigation under {SUBJ}", "published draft guidance on {SUBJ}",
                "threatened fines over breaches of {SUBJ}", "pushed back against {SUBJ}"),
        quotes=("Innovation is not an excuse for opacity.",
                "We want rules that a small company can actually follow.",
                "If a system decides your future, you deserve to know how.",
                "Fines alone will not change behaviour.",
                "Regulation written in a hurry tends to age badly.",
                "Our customers expect us to explain every decision the software makes."),
        headlines=("{LAST} and Ashworth clash over {SUBJ_H}",
                   "{ACR} opens inquiry into {BIG} automated decisions",
                   "Quillbright faces {MONEY} fine under {SUBJ_H}",
                   "{LAST} defends {SUBJ_H} as tech firms push back",
                   "Start-ups warn {SUBJ_H} will cost {MONEY}"),
        subheads=("Industry pushback", "Inside the audit", "The cost of compliance",
                  "What changes for users", "A regulator finds its teeth"),
    ),
    Topic(
        key="football", section="Sport", weight=1.0,
        cast=(
            Person("Kofi", "Mensah", "the Harbor City Rovers striker", "Mr", 3.0),
            Person("Astrid", "Holm", "the Rovers manager", "Ms", 2.0),
        ),
        orgs=(Org("Harbor City Rovers", with_the=False),
              Org("National Football Disciplinary Panel", "NFDP", "the panel")),
        places=(LONDON, BERLIN, LISBON),
        bodies=(),
        subjects=("the relegation fight", "the cup run", "the new stadium plan",
                  "the January transfer window"),
        issues=("a run of injuries", "the decline in home crowds", "the club's mounting debt",
                "the threat of disciplinary charges"),
        groups=("season ticket holders", "youth players", "club staff", "away fans"),
        events=("spoke publicly about {SUBJ}", "dismissed speculation about {SUBJ}",
                "was questioned about {SUBJ}", "took responsibility for {SUBJ}"),
        quotes=("We have the players to get out of this, I have no doubt about that.",
                "The supporters deserve more than we gave them today.",
                "Nobody in that dressing room is hiding.",
                "One good result changes everything in this league.",
                "I will keep working until the club is where it belongs.",
                "We defended like strangers in the second half."),
        headlines=("{LAST} vows Rovers will escape {SUBJ_H}",
                   "Rovers face {ACR} hearing over {NUM} bookings",
                   "{LAST} scores twice as Rovers beat {PLACE} side",
                   "{BIG} fans protest over {SUBJ_H}",
                   "{LAST} under pressure as Rovers slip again"),
        subheads=("A season on the line", "The manager's verdict", "Injury worries",
                  "Fans lose patience", "Looking ahead"),
    ),
    Topic(
        key="energy", section="Politics", weight=2.5,
        cast=(
            Person("Yusuf", "Demir", "the energy secretary", "Mr", 3.5),
            VANCE,
            Person("Clara", "Whitmore", "the chief executive of Solvane Power", "Ms", 1.0),
        ),
        orgs=(Org("Grid Transition Office", "GTO", "the office"),
              Org("Solvane Power", with_the=False)),
        places=(UK, BERLIN, OTTAWA),
        bodies=(EU,),
        subjects=("the offshore wind auction", "the home insulation grant",
                  "the grid connection queue", "the price cap review"),
        issues=("the surge in household energy bills", "the backlog of grid connections",
                "the risk of winter blackouts", "the slow rollout of heat pumps"),
        groups=("households", "renewable developers", "pensioners", "energy-intensive factories"),
        events=("announced changes to {SUBJ}", "promised to speed up {SUBJ}",
                "faced questions in parliament over {SUBJ}", "set out {MONEY} for {SUBJ}"),
        quotes=("The grid we have was designed for a different century.",
                "Families cannot keep absorbing these bills.",
                "We are clearing the queue as fast as the engineers allow.",
                "Cheap clean power is the only lasting answer.",
                "No one will be left in the cold this winter.",
                "Investors need to know the rules will not change every year."),
        headlines=("{LAST} unveils {MONEY} plan to cut bills",
                   "{ACR} says {BIG} projects stuck in {SUBJ_H}",
                   "Vance backs {LAST} over {SUBJ_H}",
                   "Energy bills to rise {PCT}, {ACR} warns",
                   "{LAST} promises overhaul of {SUBJ_H}"),
        subheads=("The queue problem", "Bills and households", "Winter planning",
                  "A question of investment", "Political fallout"),
    ),
)

LEDE_TEMPLATES = (
    "{P} {EVENT} on {DAY}, reopening a long-running argument over {ISSUE}.",
    "{P} {EVENT} {WHEN}, a decision that could affect {BIG} {GROUP}.",
    "{O} said on {DAY} that {ISSUE} had become its most pressing concern, as {P} {EVENT}.",
    "Pressure is mounting on {Pobj} after {O} warned that {ISSUE} could cost {MONEY} over the next {NUM} years.",
    "{P} {EVENT} on {DAY}, telling an audience in {PLACE}: “{QUOTE}”",
    "Officials in {PLACE} are bracing for a difficult few weeks after {P} {EVENT}.",
)

BODY_TEMPLATES = (
    "{P} said the decision followed {NUM} months of talks with officials in {PLACE}.",
    "Figures published by {O} show that complaints about {ISSUE} have risen by {PCT} since {YEAR}.",
    "Speaking in {PLACE} on {DAY}, {Pobj} said: “{QUOTE}”",
    "“{QUOTE_C}” {Pobj} told reporters.",
    "{Pposs} office declined to comment on the details but pointed to a statement issued {WHEN}.",
    "Critics say {SUBJ} has already cost {MONEY}, roughly {PCT} more than was first promised.",
    "{P2} questioned whether {Pobj} had the support needed to push the plan through.",
    "It is the {ORD} time this year that {ISSUE} has dominated debate in {PLACE}.",
    "Officials at {O} estimate that {BIG} {GROUP} could be affected by the end of {YEAR_NEXT}.",
    "A spokesperson for {O} said it would “study the proposals carefully” before responding.",
    "In {PLACE}, where {ISSUE} has been felt most sharply, {GROUP} have begun to organise their own response.",
    "{P} has faced growing criticism from {GROUP}, who argue that {SUBJ} is moving too slowly.",
    "A survey of {BIG} adults carried out in {MONTH} found that {PCT} backed the idea, while a third were undecided.",
    "The dispute is likely to resurface when ministers from {PLACE} and {PLACE2} meet {NEXT_WHEN}.",
    "Asked about the timetable, {Pobj} said a final decision would come “within weeks, not months”.",
    "{Pposs} allies insist the plan is affordable, pointing to {MONEY} set aside in the last budget.",
    "Analysts said much would depend on how {O} chose to interpret its own guidance.",
    "{O} was created in {YEAR_OLD} to oversee {SUBJ}, but its remit has widened considerably since then.",
    "Previous attempts to deal with {ISSUE} stalled in {YEAR_OLD} and again in {YEAR_MID}.",
    "{P} and {P2} met privately on {DAY} evening, according to two people familiar with the talks.",
    "Neither {Pobj} nor {O} responded to a request for comment on {DAY}.",
    "The latest data suggest {BIG} {GROUP} were affected in the past twelve months alone.",
    "Several {GROUP} in {PLACE} told {OUTLET} they had heard little from officials since {MONTH}.",
    "One official, who asked not to be named, described the mood inside {O} as “tense but workable”.",
    "Any change would need the backing of {BODY} before it could take effect.",
    "{P} is expected to set out further details in a speech in {PLACE} {NEXT_WHEN}.",
    "Supporters of {SUBJ} say it could save {MONEY} over the next decade.",
    "Opponents counter that the costs have been understated by as much as {PCT}.",
    "{Pposs} predecessor promised a similar review in {YEAR_MID} but left the post before it began.",
    "Diplomats familiar with the thinking of {BODY} said the row was being watched closely.",
    "{P2} said {GROUP} deserved “a straight answer” about {SUBJ}.",
    "The timing is awkward for {Pobj}, who only took up the role in {MONTH} {YEAR}.",
    "By {DAY} afternoon, more than {BIG} people had signed a petition calling for {SUBJ} to be reconsidered.",
    "{O} said it had received {BIG} submissions during its consultation, far more than expected.",
    "“{QUOTE_C}” said {P2obj}, who has followed {ISSUE} for more than {NUM} years.",
    "There are also questions about whether {PLACE} can meet its own targets on {ISSUE} by {YEAR_NEXT}.",
    "In a letter seen by {OUTLET}, {P} wrote that {ISSUE} was “the test of this decade”.",
    "Campaigners in {PLACE} plan to hold a rally {NEXT_WHEN} to keep up the pressure on {Pobj}.",
    "For now, {Pposs} team says the focus remains on {SUBJ}.",
    "A report commissioned by {O} in {YEAR} found that {PCT} of {GROUP} felt ignored by decision-makers.",
)

GENERIC_HEADLINES = (
    "{LAST} under fire over {SUBJ_H}",
    "What {SUBJ} means for {GROUP}",
    "{GROUP} in {PLACE} still waiting for answers on {SUBJ_H}",
    "{PCT} of {GROUP} worried about {ISSUE}, survey finds",
    "{ACR} report puts cost of {SUBJ_H} at {MONEY}",
    "{LAST} given {NUM} weeks to rescue {SUBJ_H}",
    "{BIG} {GROUP} sign petition over {SUBJ_H}",
)

KEY_POINT_TEMPLATES = (
    "{BIG} {GROUP} affected since {MONTH}",
    "{MONEY} earmarked so far",
    "Decision on {SUBJ} expected {NEXT_WHEN}",
    "Costs up {PCT} on the original estimate",
    "Talks in {PLACE} due to resume {NEXT_WHEN}",
    "{NUM} separate reviews since {YEAR_OLD}",
)

CAPTION_TEMPLATES = (
    "{FULL} speaking in {PLACE} on {DAY}.",
    "{GROUP} gathered outside government offices in {PLACE} earlier this week.",
    "{FULL} arrives for a briefing in {PLACE}.",
    "A file picture of {PLACE} taken in {MONTH}.",
    "{FULL} has been at the centre of the debate over {SUBJ}.",
)

COMMENT_TEMPLATES = (
    "Same promises as in {YEAR_MID}. I will believe it when I see it.",
    "{LAST} is the only one talking sense about {ISSUE}.",
    "Who is actually paying the {MONEY}? Not the people making these decisions.",
    "I live near {PLACE} and {ISSUE} is not an abstract problem for us.",
    "Decent piece, but {ACR} should have been pressed much harder.",
    "Another week, another review. Meanwhile {GROUP} are left waiting.",
    "Does anyone remember what happened to the last plan for {SUBJ}?",
    "Balanced reporting for once. Thank you.",
    "My neighbour works in this field and says the real numbers are worse.",
)

COMMENTERS = ("harbourwatcher", "Quietbrook_71", "M. Adeyemi", "tidewaiter", "NorthernLight",
              "grumpy_ferryman", "Ksenia R.", "oldtownreader", "Pellworth", "civic_minded_88",
              "lantern_jaw", "R. Okonjo", "saltmarsh_sue", "DerekFromDownstream")

PHOTOGRAPHERS = ("Lena Fischer", "Abdi Warsame", "Carys Morgan", "Tomas Ilves",
                 "Beatriz Sol", "Hamish Reid", "Yuki Tanabe")

ORDINALS = ("second", "third", "fourth", "fifth")
WHEN_PHRASES = ("earlier this week", "last month", "on {DAY}", "at the weekend", "late last year")
NEXT_WHEN_PHRASES = ("next week", "later this month", "in April", "before the summer recess",
                     "by the end of the year", "next month")
PAST_MONTHS = ("October", "November", "December", "January", "February")
GENERIC_SUBHEADS = ("What happens next", "A long-running dispute", "The numbers behind the row",
                    "Reaction", "Background")


# --------------------------------------------------------------------------- #
# Outlets
# --------------------------------------------------------------------------- #

@dataclass(frozen=True)
class Reporter:
    name: str
    desk: str
    beat: str
    since: int
    pronoun: str
    covers: tuple[str, ...] = ()  # topic keys this reporter writes about

    def blurb(self, outlet_name: str) -> str:
        return (f"{self.name} is {self.desk.lower()} at {outlet_name}. "
                f"{self.pronoun} has reported on {self.beat} since {self.since}.")


@dataclass(frozen=True)
class Outlet:
    key: str
    name: str
    domain: str
    prefix: str  # CSS class prefix, so the markup differs between outlets
    weight: float
    utc_offset: int
    markup: str  # which renderer lays out the article
    json_ld: bool
    us_style: bool  # US dates, "Ms." and "percent"
    honorific_rate: float
    currency: str
    long_money: bool  # "$40 million" rather than "$40m"
    tagline: str
    nav: tuple[str, ...]
    cookie: str
    cookie_buttons: tuple[str, ...]
    paywall: str  # may contain {read}
    newsletter: str
    donation: str
    footer: tuple[str, ...]
    copyright: str
    reporters: tuple[Reporter, ...]
    credit: str  # format with {photographer}
    updated: str  # format with {hours} {minutes} {date} {time} {read}
    comments_label: str  # format with {count}
    related_label: str
    inline_teaser: str  # label before an in-body teaser; "" for none
    inline_newsletter: str  # in-body sign-up pitch: "" none, "aside" boxed, "plain" a bare paragraph
    ad_label: str  # "" for no advertisement slots
    title_sep: str

    @property
    def tz(self) -> timezone:
        return timezone(timedelta(hours=self.utc_offset))


OUTLETS: tuple[Outlet, ...] = (
    Outlet(
        key="harbor", name="The Daily Harbor", domain="dailyharbor.example", prefix="dh",
        weight=0.28, utc_offset=0, markup="article", json_ld=False, us_style=False,
        honorific_rate=0.35, currency="£", long_money=False,
        tagline="News from the coast and beyond since 1887",
        nav=("Home", "UK", "World", "Politics", "Environment", "Business", "Sport",
             "Opinion", "Culture", "Puzzles"),
        cookie=("We and our partners use cookies to personalise content, measure audiences and keep "
                "this site running. You can change your choices at any time from the Privacy "
                "settings link at the bottom of every page."),
        cookie_buttons=("Accept all", "Reject non-essential", "Manage settings"),
        paywall=("You have read {read} of your 5 free articles this month. Subscribe from £1 a "
                 "week to keep reading The Daily Harbor without limits."),
        newsletter=("Sign up to Morning Tide, our free daily briefing, and get the day's most "
                    "important stories in your inbox before breakfast."),
        donation=("The Daily Harbor is funded by its readers. If you value independent reporting "
                  "from the coast, please consider supporting us with a contribution of any size."),
        footer=("About us", "Contact the newsroom", "Complaints and corrections",
                "Privacy settings", "Terms of use"),
        copyright="© 2024 Harbor Press Group Ltd. Registered in England and Wales No. 00491827.",
        reporters=(
            Reporter("Jane Holloway", "Political Correspondent", "Westminster politics", 2014, "She",
                     ("energy", "trade", "coastal")),
            Reporter("Marcus Tennant", "Environment Editor", "climate and the coast", 2011, "He",
                     ("coastal", "energy", "drought")),
            Reporter("Sofia Lindqvist", "Europe Correspondent", "European affairs", 2017, "She",
                     ("trade", "ai", "transit")),
            Reporter("Rhys Abernethy", "Sports Reporter", "football across the region", 2019, "He",
                     ("football",)),
            Reporter("Niamh Connolly", "Health and Science Reporter", "medicine and research", 2016, "She",
                     ("vaccine", "ai", "drought")),
        ),
        credit="Photograph: {photographer}/Harbor Pictures",
        updated="Updated {hours} hours ago",
        comments_label="{count} comments",
        related_label="Related stories",
        inline_teaser="", inline_newsletter="plain", ad_label="", title_sep=" | ",
    ),
    Outlet(
        key="ledger", name="The Capital Ledger", domain="thecapitalledger.example", prefix="cl",
        weight=0.24, utc_offset=-5, markup="story-body", json_ld=True, us_style=True,
        honorific_rate=0.5, currency="$", long_money=True,
        tagline="Power, policy and the people behind it",
        nav=("Latest", "Politics", "Policy", "Economy", "Markets", "Tech", "World", "Health",
             "Sports", "Opinion", "Podcasts"),
        cookie=("This site uses cookies and similar technologies to deliver ads and analyze "
                "traffic. By continuing to browse, you agree to our use of cookies."),
        cookie_buttons=("OK", "Learn more"),
        paywall=("Subscriber exclusive: unlock unlimited access to The Capital Ledger for just $2 "
                 "per week. Cancel anytime."),
        newsletter=("Get The Ledger Brief: the five stories the capital is talking about, delivered "
                    "every weekday at 6 a.m."),
        donation=("Support fact-based journalism. Become a Ledger member today and help fund our "
                  "investigative desk."),
        footer=("About The Ledger", "Careers", "Advertise with us", "Ethics policy",
                "Do not sell my personal information", "Help center"),
        copyright="© 2024 Capital Ledger Media LLC. All rights reserved.",
        reporters=(
            Reporter("Caleb Whitford", "Senior Policy Reporter", "federal policy", 2012, "He",
                     ("energy", "transit", "coastal")),
            Reporter("Rosa Villanueva", "Economics Correspondent", "trade and the economy", 2015, "She",
                     ("trade", "drought")),
            Reporter("Morgan Ellery", "Technology Reporter", "the tech industry", 2018, "They", ("ai",)),
            Reporter("Denise Arkwright", "Health Reporter", "public health", 2013, "She",
                     ("vaccine", "drought")),
            Reporter("Brett Kaminski", "Sports Writer", "professional soccer", 2016, "He", ("football",)),
        ),
        credit="({photographer} / Ledger Photo Service)",
        updated="Updated {time} ET, {date}",
        comments_label="{count} Comments",
        related_label="Read next",
        inline_teaser="READ MORE:", inline_newsletter="", ad_label="ADVERTISEMENT",
        title_sep=" - ",
    ),
    Outlet(
        key="courier", name="Northgate Courier", domain="northgatecourier.example", prefix="nc",
        weight=0.18, utc_offset=1, markup="entry-content", json_ld=False, us_style=False,
        honorific_rate=0.6, currency="€", long_money=False,
        tagline="Independent. Local. Since 1902.",
        nav=("News", "Local", "Northgate", "Region", "Business", "Sport", "What's On",
             "Letters", "Obituaries"),
        cookie=("Northgate Courier uses essential cookies to make this website work. With your "
                "permission we would also like to set analytics cookies to help us improve it."),
        cookie_buttons=("Allow analytics", "Essential only"),
        paywall=("This story is free to read, but most of our journalism is for members. Join "
                 "today from €4.99 a month."),
        newsletter=("Get the Courier Weekender: the best of the week's local journalism, every "
                    "Saturday morning."),
        donation=("Local journalism is under threat. The Courier relies on the generosity of "
                  "readers like you: {supporters} of them gave last year. Donate today and help us keep "
                  "reporters on the streets of Northgate."),
        footer=("Contact us", "Advertise", "Submit a letter", "Privacy notice", "Cookie policy"),
        copyright="© Northgate Courier Cooperative 2024",
        reporters=(
            Reporter("Aoife Brennan", "Chief Reporter", "courts and councils", 2009, "She",
                     ("coastal", "transit", "energy")),
            Reporter("Tomasz Wierzbicki", "Business Editor", "local business", 2016, "He",
                     ("trade", "ai", "energy")),
            Reporter("Hannah Pryce", "Community Reporter", "community affairs", 2020, "She",
                     ("vaccine", "transit", "drought")),
            Reporter("Gareth Llewellyn", "Sports Editor", "Rovers and grassroots sport", 2008, "He",
                     ("football",)),
        ),
        credit="Picture: {photographer}",
        updated="Posted on {date} at {time}",
        comments_label="{count} responses",
        related_label="You might also like",
        inline_teaser="", inline_newsletter="", ad_label="", title_sep=" – ",
    ),
    Outlet(
        key="meridian", name="Meridian Post", domain="meridianpost.example", prefix="mp",
        weight=0.16, utc_offset=3, markup="microdata", json_ld=False, us_style=False,
        honorific_rate=0.0, currency="$", long_money=True,
        tagline="Africa and the world, explained",
        nav=("Home", "Africa", "World", "Business", "Climate", "Science", "Sport", "Opinion", "Video"),
        cookie=("Meridian Post respects your privacy. We use cookies for essential site functions "
                "and, with your consent, for analytics and advertising."),
        cookie_buttons=("I agree", "Customise"),
        paywall=("Premium: support quality journalism and enjoy an ad-free Meridian Post with a "
                 "digital subscription."),
        newsletter="Sign up for The Meridian Daily and never miss a story that matters across the continent.",
        donation="Help us keep the Meridian Post free for everyone. Contribute today.",
        footer=("Who we are", "Editorial standards", "Work with us", "Contact", "Privacy"),
        copyright="Meridian Post © 2024. All rights reserved.",
        reporters=(
            Reporter("Wanjiku Mwangi", "Climate Correspondent", "drought and climate", 2015, "She",
                     ("drought", "coastal", "energy")),
            Reporter("Tariq Haddad", "Business Editor", "markets and trade", 2012, "He",
                     ("trade", "energy", "ai")),
            Reporter("Chidera Obi", "Political Writer", "regional politics", 2018, "She",
                     ("drought", "transit", "football")),
            Reporter("Lucas Ferreira", "Science Writer", "health and science", 2017, "He", ("vaccine", "ai")),
        ),
        credit="Image: {photographer} for Meridian Post",
        updated="Last updated {minutes} minutes ago",
        comments_label="Comments ({count})",
        related_label="More from Meridian Post",
        inline_teaser="Also read:", inline_newsletter="", ad_label="", title_sep=" | ",
    ),
    Outlet(
        key="observer", name="The Lowland Observer", domain="lowlandobserver.example", prefix="lo",
        weight=0.14, utc_offset=1, markup="ad-slots", json_ld=True, us_style=False,
        honorific_rate=0.25, currency="€", long_money=False,
        tagline="Clear reporting for the low countries and the wider world",
        nav=("Front page", "Europe", "World", "Economy", "Climate", "Tech", "Sport", "Culture", "Opinion"),
        cookie=("Cookie settings: we use functional, analytical and marketing cookies. Click Accept "
                "to agree or choose Settings to decide per category."),
        cookie_buttons=("Accept", "Settings"),
        paywall="Observer Plus: read this and all other Plus articles for €1 for the first month.",
        newsletter=("The Observer Morning: a calm, complete overview of the news in five minutes. "
                    "Subscribe for free."),
        donation=("Did you find this article useful? The Lowland Observer is owned by a foundation, "
                  "not shareholders. Support us with a one-off gift."),
        footer=("Colophon", "Subscriptions", "Customer service", "Privacy and cookies", "Tip the newsroom"),
        copyright="© 2024 Stichting Lowland Observer",
        reporters=(
            Reporter("Pieter van Ommeren", "Europe Editor", "the European institutions", 2010, "He",
                     ("trade", "energy", "transit")),
            Reporter("Elif Kaya", "Tech Reporter", "digital regulation", 2019, "She", ("ai", "vaccine")),
            Reporter("Maud Verhoeven", "Climate Reporter", "water and climate", 2014, "She",
                     ("coastal", "drought", "energy")),
            Reporter("Joris Bakker", "Sports Reporter", "European football", 2018, "He", ("football",)),
        ),
        credit="Photo {photographer}",
        updated="Updated {hours} hours ago · {read} min read",
        comments_label="{count} reactions",
        related_label="Read more",
        inline_teaser="", inline_newsletter="aside", ad_label="Advertisement", title_sep=" - ",
    ),
)
