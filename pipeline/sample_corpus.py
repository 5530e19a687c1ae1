"""Invented news pages for the demo and for scale benchmarks.

Every outlet, journalist, person, organisation, headline and sentence is made up
from the templates and word lists in this module; no third-party text is used.
Output is deterministic for a seed and written page by page. Each page draws
from its own seeded generator, so page *i* (and the headline other pages quote
as a teaser) can be rebuilt on demand instead of being kept in memory.

    python -m pipeline.sample_corpus OUT_DIR [--articles N] [--seed S] [--days D] [--gold PATH]
"""
from __future__ import annotations

import argparse
import gzip
import html
import json
import random
import re
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator

from tqdm import tqdm

# The corpus always ends here, so output does not depend on today's date.
END_DATE = datetime(2024, 3, 15, 23, 0, tzinfo=timezone.utc)
INDEX_EVERY = 30  # one section-index page after every N articles
LOGIN_EVERY = 45  # one login-wall page after every N articles
GZIP_SHARE = 0.07
NESTED_SHARE = 0.10
PROGRESS_THRESHOLD = 1000

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


# --------------------------------------------------------------------------- #
# Small helpers
# --------------------------------------------------------------------------- #

SLOT = re.compile(r"\{([A-Za-z0-9_]+)\}")


def word_count(text: str) -> int:
    return len(text.split())


def _slugify(text: str, max_words: int = 8) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words[:max_words]) or "story"


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _weighted(rng: random.Random, items, weights):
    return rng.choices(items, weights=weights, k=1)[0]


def _long_date(moment: datetime, us_style: bool) -> str:
    weekday = WEEKDAYS[moment.weekday()]
    month = MONTHS[moment.month - 1]
    if us_style:
        return f"{weekday}, {month} {moment.day}, {moment.year}"
    return f"{weekday} {moment.day} {month} {moment.year}"


def _short_date(moment: datetime, us_style: bool) -> str:
    month = MONTHS[moment.month - 1]
    return f"{month} {moment.day}, {moment.year}" if us_style else f"{moment.day} {month} {moment.year}"


def _clock(moment: datetime, us_style: bool) -> str:
    if us_style:
        hour = moment.hour % 12 or 12
        return f"{hour}:{moment.minute:02d} {'a.m.' if moment.hour < 12 else 'p.m.'}"
    return f"{moment.hour:02d}:{moment.minute:02d}"


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


# --------------------------------------------------------------------------- #
# Prose: fills sentence templates, tracking how each entity was mentioned
# --------------------------------------------------------------------------- #

class Prose:
    """Template filler for one article (or one piece of furniture).

    Within a sentence {P}/{Pobj}/{Pposs} are one person and {P2}... another; a
    person's first mention in the article is the full name (with the role as an
    appositive in subject position), later mentions are the surname, an
    honorific plus surname, or a possessive.
    """

    def __init__(self, rng: random.Random, topic: Topic, outlet: Outlet, published: datetime):
        self.rng = rng
        self.topic = topic
        self.outlet = outlet
        self.published = published
        self.introduced: set[str] = set()
        self.entities: dict[str, None] = {}  # ordered set of canonical names
        self._primary = topic.cast[0]
        self._secondary = topic.cast[1]
        self._org = topic.orgs[0]
        self._used_templates: set[str] = set()
        self._used_values: set[str] = set()
        self._slot_handlers = self._handlers()

    # -- sentences ---------------------------------------------------------
    def sentence(self, template: str) -> str:
        self._choose_cast()
        return _capitalise(self.fill(template))

    def next_sentence(self, templates: tuple[str, ...]) -> str:
        usable = [t for t in templates if self._usable(t) and t not in self._used_templates]
        if not usable:
            usable = [t for t in templates if self._usable(t)]
        template = self.rng.choice(usable)
        self._used_templates.add(template)
        return self.sentence(template)

    def fill(self, text: str) -> str:
        for _ in range(4):  # slots may expand to text with further slots
            expanded = SLOT.sub(self._slot, text)
            if expanded == text:
                break
            text = expanded
        return text

    def fresh(self, pool: tuple[str, ...]) -> str:
        """A value from the pool not yet used in this article, while any are left."""
        unused = [value for value in pool if value not in self._used_values]
        value = self.rng.choice(unused or pool)
        self._used_values.add(value)
        return value

    def _usable(self, template: str) -> bool:
        return "{BODY}" not in template or bool(self.topic.bodies)

    def _choose_cast(self) -> None:
        cast = self.topic.cast
        if not self.introduced and self.rng.random() < 0.75:
            primary = cast[0]
        elif self.rng.random() < 0.45:  # keep following the previous sentence's person
            primary = self._primary
        else:
            primary = _weighted(self.rng, cast, [p.weight for p in cast])
        others = [p for p in cast if p != primary]
        self._primary = primary
        self._secondary = _weighted(self.rng, others, [p.weight for p in others])
        self._org = _weighted(self.rng, self.topic.orgs, [3.0] + [1.0] * (len(self.topic.orgs) - 1))

    # -- slots -------------------------------------------------------------
    def _slot(self, match: re.Match) -> str:
        name = match.group(1)
        handler = self._slot_handlers.get(name)
        return handler() if handler else match.group(0)

    def _handlers(self) -> dict[str, Callable[[], str]]:
        rng, topic = self.rng, self.topic
        return {
            "P": lambda: self._person(self._primary, "subject"),
            "Pobj": lambda: self._person(self._primary, "object"),
            "Pposs": lambda: self._person(self._primary, "possessive"),
            "P2": lambda: self._person(self._secondary, "subject"),
            "P2obj": lambda: self._person(self._secondary, "object"),
            "FULL": lambda: self._primary.full,
            "LAST": lambda: self._primary.last,
            "O": self._org_mention,
            "ACR": self._acronym,
            "PLACE": lambda: self._place(topic.places),
            "PLACE2": lambda: self._place(topic.places),
            "BODY": lambda: self._place(topic.bodies),
            "SUBJ": lambda: rng.choice(topic.subjects),
            "SUBJ_H": lambda: rng.choice(topic.subjects).removeprefix("the "),
            "ISSUE": lambda: rng.choice(topic.issues),
            "GROUP": lambda: rng.choice(topic.groups),
            "EVENT": lambda: self.fresh(topic.events),
            "QUOTE": lambda: self.fresh(topic.quotes),
            "QUOTE_C": lambda: self.fresh(topic.quotes)[:-1] + ",",  # “..., ” she said
            "OUTLET": self._outlet_mention,
            "DAY": self._day,
            "WHEN": lambda: rng.choice(WHEN_PHRASES),
            "NEXT_WHEN": lambda: rng.choice(NEXT_WHEN_PHRASES),
            "MONTH": lambda: rng.choice(PAST_MONTHS),
            "YEAR": lambda: str(rng.randint(2018, 2023)),
            "YEAR_OLD": lambda: str(rng.randint(2003, 2014)),
            "YEAR_MID": lambda: str(rng.randint(2015, 2021)),
            "YEAR_NEXT": lambda: str(rng.randint(2025, 2030)),
            "ORD": lambda: rng.choice(ORDINALS),
            "NUM": lambda: str(rng.randint(2, 19)),
            "BIG": lambda: f"{rng.randint(12, 480) * 100:,}",
            "PCT": self._percent,
            "MONEY": self._money,
        }

    def _person(self, person: Person, position: str) -> str:
        self.entities[person.full] = None
        if person.full not in self.introduced:
            self.introduced.add(person.full)
            if position == "subject":
                return f"{person.full}, {person.role},"
            return f"{person.full}'s" if position == "possessive" else person.full
        name = self._later_name(person)
        return f"{name}'s" if position == "possessive" else name

    def _later_name(self, person: Person) -> str:
        roll = self.rng.random()
        if roll < self.outlet.honorific_rate:
            dot = "." if self.outlet.us_style else ""
            return f"{person.honorific}{dot} {person.last}"
        if roll > 0.93:
            return person.full
        return person.last

    def _org_mention(self) -> str:
        org = self._org
        self.entities[org.name] = None
        the = "the " if org.with_the else ""
        if not org.acronym:
            return f"{the}{org.name}"
        if org.name not in self.introduced:
            self.introduced.add(org.name)
            return f"{the}{org.name} ({org.acronym})"
        if org.generic and self.rng.random() < 0.2:
            return org.generic
        return org.acronym

    def _acronym(self) -> str:
        """Short name for headlines and comments, where acronyms go unexplained."""
        with_acronym = [org for org in self.topic.orgs if org.acronym]
        if self._org.acronym or not with_acronym:
            return self._org.acronym or self._org.name
        return with_acronym[0].acronym

    def _place(self, places: tuple[Place, ...]) -> str:
        place = self.rng.choice(places)
        self.entities[place.canonical] = None
        return self.rng.choice(place.forms)

    def _outlet_mention(self) -> str:
        self.entities[self.outlet.name] = None
        return self.outlet.name

    def _day(self) -> str:
        back = 1 if self.rng.random() < 0.3 else 0
        return WEEKDAYS[(self.published - timedelta(days=back)).weekday()]

    def _percent(self) -> str:
        value = self.rng.randint(3, 64)
        if self.outlet.us_style:
            return f"{value} percent"
        return f"{value}%" if self.outlet.key == "meridian" else f"{value} per cent"

    def _money(self) -> str:
        """"£340m" / "$340 million" / "€1.2bn", following the outlet's style."""
        long = self.outlet.long_money
        if self.rng.random() < 0.7:
            amount, unit = str(self.rng.randint(12, 950)), (" million" if long else "m")
        else:
            amount, unit = f"{self.rng.randint(11, 98) / 10:.1f}", (" billion" if long else "bn")
        return f"{self.outlet.currency}{amount}{unit}"


# --------------------------------------------------------------------------- #
# Article plan: the cheap, per-index facts other pages need (headline, URL)
# --------------------------------------------------------------------------- #

@dataclass(frozen=True)
class Stub:
    index: int
    outlet: Outlet
    topic: Topic
    published: datetime  # in the outlet's time zone
    headline: str
    article_id: int
    nested: bool
    gzipped: bool

    @property
    def slug(self) -> str:
        return _slugify(self.headline)

    @property
    def section_slug(self) -> str:
        return _slugify(self.topic.section)

    @property
    def url(self) -> str:
        day = self.published
        if self.outlet.key == "harbor":
            tail = f"{day:%Y/%m/%d}/{self.slug}-{self.article_id}"
        elif self.outlet.key == "courier":
            tail = f"news/{self.section_slug}/{self.article_id}/{self.slug}"
        else:
            tail = f"{self.section_slug}/{self.slug}-{self.article_id}"
        return f"https://{self.outlet.domain}/{tail}"

    @property
    def rel_path(self) -> str:
        folder = f"{self.outlet.domain}/{self.section_slug}" if self.nested else self.outlet.domain
        suffix = ".html.gz" if self.gzipped else ".html"
        return f"{folder}/{self.slug}-{self.article_id}{suffix}"


@lru_cache(maxsize=8192)
def _stub(seed: int, days: int, index: int) -> Stub:
    rng = random.Random(f"{seed}/stub/{index}")
    if index < len(OUTLETS):  # every outlet appears even in a tiny corpus
        outlet = OUTLETS[index]
        rng.random()
    else:
        outlet = _weighted(rng, OUTLETS, [o.weight for o in OUTLETS])
    topic = _weighted(rng, TOPICS, [t.weight for t in TOPICS])
    day_start = END_DATE.replace(hour=0, minute=0) - timedelta(days=rng.randrange(max(days, 1)))
    published = (day_start + timedelta(minutes=rng.randrange(5 * 60, 23 * 60))).astimezone(outlet.tz)
    headline = _capitalise(Prose(rng, topic, outlet, published).fill(
        rng.choice(GENERIC_HEADLINES if rng.random() < 0.4 else topic.headlines)))
    article_id = 4_100_000 + index * 97 + rng.randrange(97)  # unique, yet not sequential-looking
    nested = index == 2 or rng.random() < NESTED_SHARE
    gzipped = index == 1 or rng.random() < GZIP_SHARE
    return Stub(index, outlet, topic, published, headline, article_id, nested, gzipped)


def _stubs_from(seed: int, days: int, n_articles: int, outlet: Outlet, rng: random.Random,
                count: int, exclude: int = -1) -> list[Stub]:
    """Up to `count` distinct other articles of the same outlet, picked at random."""
    found: dict[int, Stub] = {}
    for _ in range(count * 12):
        if len(found) >= count or n_articles < 2:
            break
        index = rng.randrange(n_articles)
        if index == exclude or index in found:
            continue
        stub = _stub(seed, days, index)
        if stub.outlet == outlet:
            found[index] = stub
    return list(found.values())


# --------------------------------------------------------------------------- #
# Article body
# --------------------------------------------------------------------------- #

@dataclass(frozen=True)
class Block:
    kind: str  # paragraph | heading | quote | list_item (the pipeline's Paragraph kinds)
    text: str


def _body_blocks(rng: random.Random, prose: Prose) -> list[Block]:
    target_words = rng.randint(270, 620)
    quote = _pull_quote(rng, prose) if rng.random() < 0.7 else None
    key_points = _key_points(rng, prose) if rng.random() < 0.4 else []
    extra_words = word_count(quote or "") + sum(word_count(k) for k in key_points)
    paragraphs = _prose_paragraphs(rng, prose, max(target_words - extra_words, 200))
    blocks = [Block("paragraph", text) for text in paragraphs]
    if key_points:
        at = rng.randint(1, 2)
        blocks[at:at] = [Block("list_item", text) for text in key_points]
    if quote:
        blocks.insert(rng.randint(2, len(blocks) - 1), Block("quote", quote))
    _insert_subheads(rng, prose.topic, blocks)
    return blocks


def _prose_paragraphs(rng: random.Random, prose: Prose, target_words: int) -> list[str]:
    count = min(12, max(4, round(target_words / rng.uniform(45, 72))))
    paragraphs: list[str] = []
    total = 0
    for number in range(count):
        goal = target_words * (number + 1) / count
        sentences = [prose.next_sentence(LEDE_TEMPLATES if number == 0 else BODY_TEMPLATES)]
        total += word_count(sentences[0])
        while total < goal:
            sentences.append(prose.next_sentence(BODY_TEMPLATES))
            total += word_count(sentences[-1])
        paragraphs.append(" ".join(sentences))
    return paragraphs


def _pull_quote(rng: random.Random, prose: Prose) -> str:
    first, second = prose.fresh(prose.topic.quotes), prose.fresh(prose.topic.quotes)
    speaker = prose.topic.cast[0] if rng.random() < 0.6 else rng.choice(prose.topic.cast)
    prose.entities[speaker.full] = None
    return f"“{first} {second}” — {speaker.full}"


def _key_points(rng: random.Random, prose: Prose) -> list[str]:
    templates = rng.sample(KEY_POINT_TEMPLATES, rng.randint(3, 4))
    return [prose.sentence(template) for template in templates]


def _insert_subheads(rng: random.Random, topic: Topic, blocks: list[Block]) -> None:
    paragraphs = sum(block.kind == "paragraph" for block in blocks)
    if paragraphs < 6:
        return
    wanted = rng.choice((0, 1, 1, 2))
    titles = rng.sample(topic.subheads + GENERIC_SUBHEADS, wanted)
    for title in titles:
        spots = [i for i in range(3, len(blocks))
                 if blocks[i].kind == "paragraph" and blocks[i - 1].kind == "paragraph"]
        if spots:
            blocks.insert(rng.choice(spots), Block("heading", title))


# --------------------------------------------------------------------------- #
# Rendering
# --------------------------------------------------------------------------- #

class Page:
    """Collects the furniture text of one page as it is rendered."""

    def __init__(self) -> None:
        self.furniture: list[tuple[str, str]] = []

    def furn(self, kind: str, text: str) -> str:
        self.furniture.append((kind, text))
        return _esc(text)


@dataclass
class ArticleView:
    stub: Stub
    blocks: list[Block]
    authors: list[Reporter]
    caption: str
    credit: str
    updated: str
    paywall: str
    donation: str
    comment_count: int
    comments: list[tuple[str, str]]
    related: list[Stub]
    inline: Stub | None

    @property
    def outlet(self) -> Outlet:
        return self.stub.outlet

    @property
    def iso(self) -> str:
        return self.stub.published.isoformat()


def _byline(view: ArticleView) -> str:
    if len(view.authors) == 1:
        author = view.authors[0]
        return f"By {author.name}, {author.desk}"
    return "By " + " and ".join(author.name for author in view.authors)


def _head(outlet: Outlet, title: str, extra: str = "") -> str:
    return (
        f"<title>{_esc(title)}</title>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta property="og:site_name" content="{_attr(outlet.name)}">\n'
        f'<link rel="stylesheet" href="/static/{outlet.prefix}-main.css">\n'
        f"{extra}"
        f"<script>window.{outlet.prefix}Analytics = window.{outlet.prefix}Analytics || [];</script>\n"
    )


def _article_head(view: ArticleView) -> str:
    stub, outlet = view.stub, view.outlet
    meta = (
        f'<meta property="og:title" content="{_attr(stub.headline)}">\n'
        '<meta property="og:type" content="article">\n'
        f'<meta property="og:url" content="{_attr(stub.url)}">\n'
        f'<meta name="author" content="{_attr(", ".join(a.name for a in view.authors))}">\n'
        f'<meta property="article:published_time" content="{view.iso}">\n'
        f'<meta property="article:section" content="{_attr(stub.topic.section)}">\n'
        f'<link rel="canonical" href="{_attr(stub.url)}">\n'
    )
    if outlet.json_ld:
        meta += _json_ld(view)
    return _head(outlet, f"{stub.headline}{outlet.title_sep}{outlet.name}", meta)


def _json_ld(view: ArticleView) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": view.stub.headline,
        "datePublished": view.iso,
        "dateModified": view.iso,
        "author": [{"@type": "Person", "name": a.name, "jobTitle": a.desk} for a in view.authors],
        "publisher": {"@type": "Organization", "name": view.outlet.name},
        "mainEntityOfPage": view.stub.url,
        "articleSection": view.stub.topic.section,
        "inLanguage": "en",
    }
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/ld+json">{payload}</script>\n'


def _document(outlet: Outlet, head: str, body: str, charset: str = "utf-8") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="{charset}">\n{head}</head>\n'
        f'<body class="{outlet.prefix}-site">\n{body}\n</body>\n</html>\n'
    )


def _cookie_banner(page: Page, outlet: Outlet) -> str:
    p = outlet.prefix
    buttons = "".join(f'<button type="button" class="{p}-consent-btn">{page.furn("cookie", b)}</button>'
                      for b in outlet.cookie_buttons)
    return (f'<div id="{p}-cookie-consent" class="consent-banner" role="dialog">'
            f"<p>{page.furn('cookie', outlet.cookie)}</p>{buttons}</div>\n")


def _masthead(page: Page, outlet: Outlet, when: datetime, section: str) -> str:
    p = outlet.prefix
    nav = "".join(f'<li><a href="/{_slugify(label)}">{page.furn("nav", label)}</a></li>'
                  for label in outlet.nav)
    return (
        f'<header class="{p}-masthead"><a class="{p}-logo" href="/">{page.furn("masthead", outlet.name)}</a>'
        f'<p class="{p}-tagline">{page.furn("tagline", outlet.tagline)}</p>'
        f'<p class="{p}-dateline">{page.furn("dateline", _long_date(when, outlet.us_style))}</p></header>\n'
        f'<nav class="{p}-nav" aria-label="Sections"><ul>{nav}</ul></nav>\n'
        f'<ol class="{p}-breadcrumb"><li><a href="/">{page.furn("breadcrumb", "Home")}</a></li>'
        f'<li><a href="/{_slugify(section)}">{page.furn("breadcrumb", section)}</a></li></ol>\n'
    )


def _footer(page: Page, outlet: Outlet, with_newsletter: bool = True) -> str:
    p = outlet.prefix
    links = "".join(f'<li><a href="/{_slugify(item)}">{page.furn("footer", item)}</a></li>'
                    for item in outlet.footer)
    signup = ""
    if with_newsletter:
        signup = (f'<section class="{p}-newsletter-box"><p>{page.furn("newsletter", outlet.newsletter)}</p>'
                  '<form action="/newsletter"><input type="email" name="email" placeholder="Email address">'
                  f'<button type="submit">{page.furn("newsletter", "Sign up")}</button></form></section>\n')
    return (f'{signup}<footer class="{p}-footer"><ul>{links}</ul>'
            f'<p class="{p}-copyright">{page.furn("footer", outlet.copyright)}</p></footer>')


def _figure(page: Page, view: ArticleView, css: str) -> str:
    return (f'<figure class="{css}"><img src="/media/{view.stub.article_id}.jpg" alt="">'
            f'<figcaption>{page.furn("caption", view.caption)} '
            f'<span class="credit">{page.furn("credit", view.credit)}</span></figcaption></figure>\n')


def _teaser_link(page: Page, stub: Stub, kind: str = "related") -> str:
    return f'<a href="{_attr(stub.url)}">{page.furn(kind, stub.headline)}</a>'


def _related(page: Page, view: ArticleView, css: str) -> str:
    if not view.related:
        return ""
    items = "".join(f"<li>{_teaser_link(page, stub)}</li>" for stub in view.related)
    return (f'<aside class="{css}"><h2>{page.furn("section_label", view.outlet.related_label)}</h2>'
            f"<ul>{items}</ul></aside>\n")


def _comments(page: Page, view: ArticleView, css: str) -> str:
    label = view.outlet.comments_label.format(count=f"{view.comment_count:,}")
    items = "".join(
        f'<li class="comment"><p class="comment-author">{page.furn("comment", handle)}</p>'
        f'<p class="comment-text">{page.furn("comment", text)}</p>'
        f'<a class="reply" href="#reply">{page.furn("comment", "Reply")}</a></li>'
        for handle, text in view.comments
    )
    return (f'<section id="comments" class="{css}"><h3>{page.furn("comment_count", label)}</h3>'
            f"<ol>{items}</ol></section>\n")


def _body_html(page: Page, view: ArticleView, para_class: str = "", sections: bool = False) -> str:
    parts: list[str] = ['<section class="body-section">'] if sections else []
    in_list = False
    paragraphs_seen = 0
    for block in view.blocks:
        if in_list and block.kind != "list_item":
            parts.append("</ul>")
            in_list = False
        if block.kind == "heading":
            if sections:
                parts.append('</section><section class="body-section">')
            parts.append(f"<h2>{_esc(block.text)}</h2>")
        elif block.kind == "quote":
            parts.append(f"<blockquote><p>{_esc(block.text)}</p></blockquote>")
        elif block.kind == "list_item":
            if not in_list:
                parts.append("<ul>")
                in_list = True
            parts.append(f"<li>{_esc(block.text)}</li>")
        else:
            paragraphs_seen += 1
            paragraph = f"<p>{_esc(block.text)}</p>"
            parts.append(f'<div class="{para_class}">{paragraph}</div>' if para_class else paragraph)
            parts.extend(_inline_inserts(page, view, paragraphs_seen))
    if in_list:
        parts.append("</ul>")
    if sections:
        parts.append("</section>")
    return "\n".join(parts) + "\n"


def _inline_inserts(page: Page, view: ArticleView, paragraphs_seen: int) -> list[str]:
    """In-body furniture after the given paragraph: ads, newsletter pitch, teaser."""
    outlet, p = view.outlet, view.outlet.prefix
    inserts = []
    if outlet.ad_label and paragraphs_seen % 3 == 0:
        inserts.append(f'<div class="{p}-ad-slot" aria-hidden="true">'
                       f'<span class="ad-label">{page.furn("advertisement", outlet.ad_label)}</span></div>')
    if outlet.inline_newsletter == "aside" and paragraphs_seen == 3:
        inserts.append(f'<aside class="{p}-inline-signup"><p>{page.furn("newsletter", outlet.newsletter)}</p>'
                       f'<a href="/newsletters">{page.furn("newsletter", "Sign up")}</a></aside>')
    if outlet.inline_newsletter == "plain" and paragraphs_seen == 3:
        inserts.append(f'<p><strong>{page.furn("newsletter", outlet.newsletter)}</strong></p>')
    if outlet.inline_teaser and view.inline and paragraphs_seen == 4:
        inserts.append(f'<p class="{p}-rm"><strong>{page.furn("read_more", outlet.inline_teaser)}</strong> '
                       f"{_teaser_link(page, view.inline, 'read_more')}</p>")
    return inserts


def _render_article_tag(page: Page, view: ArticleView) -> str:
    """Plain semantic markup: <article> holding header, figure, body and author bio."""
    stub = view.stub
    return (
        '<main id="content">\n<article class="dh-article">\n'
        f'<header><p class="kicker">{page.furn("kicker", stub.topic.section)}</p>'
        f"<h1>{_esc(stub.headline)}</h1>\n"
        f'<p class="byline">{page.furn("byline", _byline(view))}</p>\n'
        f'<p class="timestamp"><time datetime="{view.iso}">{page.furn("timestamp", view.updated)}</time></p></header>\n'
        f"{_figure(page, view, 'lead-image')}"
        f"{_body_html(page, view)}"
        f'<div class="paywall-banner"><p>{page.furn("paywall", view.paywall)}</p></div>\n'
        f'<footer class="author-bio">{_author_blurbs(page, view)}</footer>\n'
        "</article>\n"
        f"{_related(page, view, 'related-stories')}"
        f'<div class="donate-appeal"><p>{page.furn("donation", view.donation)}</p></div>\n'
        f"{_comments(page, view, 'comments')}"
        "</main>\n"
    )


def _render_story_body(page: Page, view: ArticleView) -> str:
    """No <article> element at all: divs plus JSON-LD metadata in the head."""
    stub = view.stub
    return (
        '<div id="main-wrapper">\n<div class="headline-block">'
        f'<span class="section-label">{page.furn("kicker", stub.topic.section)}</span>'
        f'<h1 class="story-headline">{_esc(stub.headline)}</h1>\n'
        f'<div class="story-meta"><span class="byline">{page.furn("byline", _byline(view))}</span> '
        f'<span class="updated">{page.furn("timestamp", view.updated)}</span></div></div>\n'
        f'<div class="lead-art">{_figure(page, view, "lead-photo")}</div>\n'
        f'<div class="story-body">\n{_body_html(page, view)}</div>\n'
        f'<div class="subscribe-cta"><p>{page.furn("paywall", view.paywall)}</p></div>\n'
        f'<div class="author-card">{_author_blurbs(page, view)}</div>\n'
        f"{_related(page, view, 'read-next')}"
        f'<div class="membership"><p>{page.furn("donation", view.donation)}</p></div>\n'
        f"{_comments(page, view, 'comments-wrapper')}"
        "</div>\n"
    )


def _render_entry_content(page: Page, view: ArticleView) -> str:
    """Blog-engine style: entry-title / entry-meta / entry-content, donation inside the post."""
    stub, author = view.stub, view.authors[0]
    names = " and ".join(a.name for a in view.authors)
    return (
        f'<div id="primary">\n<article id="post-{stub.article_id}" class="post type-post">\n'
        f'<header class="entry-header"><h1 class="entry-title">{_esc(stub.headline)}</h1>\n'
        f'<div class="entry-meta"><span class="posted-on">{page.furn("timestamp", view.updated)}</span> '
        f'<span class="byline"><a class="author" href="/author/{_slugify(author.name)}">'
        f'{page.furn("byline", "By " + names)}</a></span></div></header>\n'
        f'<div class="entry-content">\n{_figure(page, view, "wp-caption")}'
        f"{_body_html(page, view)}"
        f'<div class="support-box"><p>{page.furn("donation", view.donation)}</p></div>\n'
        "</div>\n"
        f'<footer class="entry-footer"><span class="cat-links">'
        f'{page.furn("kicker", "Posted in " + stub.topic.section)}</span></footer>\n'
        "</article>\n"
        f'<div class="author-info">{_author_blurbs(page, view)}</div>\n'
        f'<div class="member-cta"><p>{page.furn("paywall", view.paywall)}</p></div>\n'
        f"{_related(page, view, 'post-navigation')}"
        f"{_comments(page, view, 'comments-area')}"
        "</div>\n"
    )


def _render_microdata(page: Page, view: ArticleView) -> str:
    """schema.org microdata, body split into <section>s at each subheading."""
    stub = view.stub
    page.furn("byline", _byline(view))
    byline = _esc(_byline(view))
    blurbs = " ".join(page.furn("author_blurb", a.blurb(view.outlet.name)) for a in view.authors)
    for author in view.authors:  # wrap each name in microdata without changing the visible text
        byline = byline.replace(_esc(author.name), (
            '<span itemprop="author" itemscope itemtype="https://schema.org/Person">'
            f'<span itemprop="name">{_esc(author.name)}</span></span>'), 1)
    return (
        '<main class="mp-main">\n<article itemscope itemtype="https://schema.org/NewsArticle">\n'
        f'<meta itemprop="datePublished" content="{view.iso}">\n'
        f'<h1 itemprop="headline">{_esc(stub.headline)}</h1>\n'
        f'<p class="article-meta"><span class="byline">{byline}</span> · '
        f'<span class="updated">{page.furn("timestamp", view.updated)}</span></p>\n'
        f"{_figure(page, view, 'hero')}"
        f'<div itemprop="articleBody">\n{_body_html(page, view, sections=True)}'
        f"<p><em>{blurbs}</em></p>"
        '</div>\n'
        f'<div class="topics">{page.furn("kicker", "Topics: " + stub.topic.section)}</div>\n'
        "</article>\n"
        f'<div class="premium-banner"><p>{page.furn("paywall", view.paywall)}</p></div>\n'
        f"{_related(page, view, 'more-from')}"
        f'<div class="contribute"><p>{page.furn("donation", view.donation)}</p></div>\n'
        f"{_comments(page, view, 'mp-comments')}"
        "</main>\n"
    )


def _render_ad_slots(page: Page, view: ArticleView) -> str:
    """Every paragraph wrapped in its own div, advertisement slots in between."""
    stub = view.stub
    return (
        f'<div class="page">\n<article class="lo-article" data-article-id="{stub.article_id}">\n'
        f'<div class="lo-header"><h1>{_esc(stub.headline)}</h1>\n'
        f'<div class="lo-byline">{page.furn("byline", _byline(view))}</div>\n'
        f'<div class="lo-time">{page.furn("timestamp", view.updated)}</div></div>\n'
        f"{_figure(page, view, 'lo-figure')}"
        f'<div class="lo-body">\n{_body_html(page, view, para_class="lo-paragraph")}</div>\n'
        f'<div class="lo-plus"><p>{page.furn("paywall", view.paywall)}</p></div>\n'
        f'<div class="lo-donate"><p>{page.furn("donation", view.donation)}</p></div>\n'
        f'<div class="lo-author">{_author_blurbs(page, view)}</div>\n'
        "</article>\n"
        f"{_related(page, view, 'lo-related')}"
        f"{_comments(page, view, 'lo-comments')}"
        "</div>\n"
    )


RENDERERS: dict[str, Callable[[Page, ArticleView], str]] = {
    "article": _render_article_tag,
    "story-body": _render_story_body,
    "entry-content": _render_entry_content,
    "microdata": _render_microdata,
    "ad-slots": _render_ad_slots,
}


def _author_blurbs(page: Page, view: ArticleView) -> str:
    return "".join(f'<p class="author-blurb">{page.furn("author_blurb", a.blurb(view.outlet.name))}</p>'
                   for a in view.authors)


# --------------------------------------------------------------------------- #
# Pages
# --------------------------------------------------------------------------- #

@dataclass
class RenderedPage:
    rel_path: str
    html: str
    gold: dict
    gzipped: bool = False


def _article_view(seed: int, days: int, n_articles: int, stub: Stub, rng: random.Random,
                  blocks: list[Block]) -> ArticleView:
    outlet, topic = stub.outlet, stub.topic
    furniture_prose = Prose(rng, topic, outlet, stub.published)  # keeps caption/comment entities out of gold
    authors = _pick_authors(rng, outlet, topic)
    updated_at = stub.published + timedelta(minutes=rng.randrange(10, 300))
    words = sum(word_count(b.text) for b in blocks)
    updated = outlet.updated.format(
        hours=rng.randint(2, 11), minutes=rng.randint(2, 59),
        date=_short_date(updated_at, outlet.us_style), time=_clock(updated_at, outlet.us_style),
        read=words // 200 + 1)
    related = _stubs_from(seed, days, n_articles, outlet, rng, count=rng.randint(3, 4), exclude=stub.index)
    comments = [(rng.choice(COMMENTERS), furniture_prose.sentence(template))
                for template in rng.sample(COMMENT_TEMPLATES, rng.randint(2, 4))]
    return ArticleView(
        stub=stub, blocks=blocks, authors=authors,
        caption=furniture_prose.sentence(rng.choice(CAPTION_TEMPLATES)),
        credit=outlet.credit.format(photographer=rng.choice(PHOTOGRAPHERS)),
        updated=updated,
        paywall=outlet.paywall.format(read=rng.randint(1, 4)),
        donation=outlet.donation.format(supporters=f"{rng.randint(1800, 2600):,}"),
        comment_count=rng.randint(3, 2400),
        comments=comments,
        related=related[1:] if outlet.inline_teaser else related,
        inline=related[0] if related and outlet.inline_teaser else None,
    )


def _pick_authors(rng: random.Random, outlet: Outlet, topic: Topic) -> list[Reporter]:
    specialists = [r for r in outlet.reporters if topic.key in r.covers] or list(outlet.reporters)
    lead = rng.choice(specialists)
    if rng.random() < 0.2:
        others = [r for r in specialists if r != lead] or [r for r in outlet.reporters if r != lead]
        return [lead, rng.choice(others)]
    return [lead]


def _article_page(seed: int, days: int, n_articles: int, index: int) -> RenderedPage:
    stub = _stub(seed, days, index)
    rng = random.Random(f"{seed}/article/{index}")
    prose = Prose(rng, stub.topic, stub.outlet, stub.published)
    blocks = _body_blocks(rng, prose)
    view = _article_view(seed, days, n_articles, stub, rng, blocks)
    page = Page()
    body = (_cookie_banner(page, stub.outlet)
            + _masthead(page, stub.outlet, stub.published, stub.topic.section)
            + RENDERERS[stub.outlet.markup](page, view)
            + _footer(page, stub.outlet))
    gold = _gold(stub.rel_path, stub.url, stub.outlet, "article", stub.headline, page)
    gold.update(
        authors=[a.name for a in view.authors],
        published_at=view.iso,
        body_paragraphs=[b.text for b in blocks],
        body_kinds=[b.kind for b in blocks],
        entities=list(prose.entities),
    )
    return RenderedPage(stub.rel_path, _document(stub.outlet, _article_head(view), body), gold, stub.gzipped)


def _index_page(seed: int, days: int, n_articles: int, number: int) -> RenderedPage:
    """A section front listing headlines: not an article, the pipeline should reject it."""
    rng = random.Random(f"{seed}/index/{number}")
    outlet = OUTLETS[number % len(OUTLETS)]
    section = "Latest news"  # the listing mixes every topic
    stubs = sorted(_stubs_from(seed, days, n_articles, outlet, rng, count=12),
                   key=lambda s: s.published, reverse=True)
    page = Page()
    when = END_DATE.astimezone(outlet.tz)
    items = "".join(
        f'<li class="teaser">{_teaser_link(page, s, "listing")} '
        f'<span class="teaser-date">{page.furn("listing", _short_date(s.published, outlet.us_style))}</span></li>'
        for s in stubs)
    main = (f'<main class="{outlet.prefix}-section-front"><h1>{page.furn("listing", section)}</h1>\n'
            f'<ul class="teaser-list">{items}</ul>\n'
            f'<a class="more" href="?page=2">{page.furn("listing", "More stories")}</a></main>\n')
    body = (_cookie_banner(page, outlet) + _masthead(page, outlet, when, section) + main + _footer(page, outlet))
    title = f"{section}{outlet.title_sep}{outlet.name}"
    url = f"https://{outlet.domain}/{_slugify(section)}"
    rel_path = f"{outlet.domain}/section-{_slugify(section)}-{number}.html"
    return RenderedPage(rel_path, _document(outlet, _head(outlet, title), body),
                        _gold(rel_path, url, outlet, "index", title, page))


def _login_page(seed: int, days: int, n_articles: int, number: int) -> RenderedPage:
    """A login wall in place of an article: little text, the pipeline should reject it."""
    rng = random.Random(f"{seed}/login/{number}")
    outlet = OUTLETS[(number + 2) % len(OUTLETS)]
    target = _stubs_from(seed, days, n_articles, outlet, rng, count=1)
    page = Page()
    return_to = target[0].url if target else f"https://{outlet.domain}/"
    when = END_DATE.astimezone(outlet.tz)
    pitch = (f"This article is available to {outlet.name} subscribers. "
             "Sign in with your account or start a subscription to keep reading.")
    main = (
        f'<main class="{outlet.prefix}-account"><h1>{page.furn("login", "Sign in to continue reading")}</h1>\n'
        f'<p>{page.furn("login", pitch)}</p>\n'
        f'<form method="post" action="/account/login"><label>{page.furn("login", "Email address")}'
        '<input type="email" name="email"></label>'
        f'<label>{page.furn("login", "Password")}<input type="password" name="password"></label>'
        f'<input type="hidden" name="return" value="{_attr(return_to)}">'
        f'<button type="submit">{page.furn("login", "Sign in")}</button></form>\n'
        f'<p><a href="/account/reset">{page.furn("login", "Forgot your password?")}</a> '
        f'<a href="/subscribe">{page.furn("login", "Create an account")}</a></p></main>\n'
    )
    body = (_cookie_banner(page, outlet) + _masthead(page, outlet, when, "Account") + main
            + _footer(page, outlet, with_newsletter=False))
    title = f"Sign in{outlet.title_sep}{outlet.name}"
    url = f"https://{outlet.domain}/account/login?return={_slugify(return_to, 20)}"
    rel_path = f"{outlet.domain}/login-{number}.html"
    return RenderedPage(rel_path, _document(outlet, _head(outlet, title), body),
                        _gold(rel_path, url, outlet, "login", title, page))


def _gold(rel_path: str, url: str, outlet: Outlet, kind: str, title: str, page: Page) -> dict:
    return {
        "path": rel_path,
        "url": url,
        "outlet": outlet.name,
        "domain": outlet.domain,
        "kind": kind,
        "title": title,
        "authors": [],
        "published_at": None,
        "body_paragraphs": [],
        "body_kinds": [],
        "furniture_paragraphs": [text for _, text in page.furniture],
        "furniture_kinds": [kind_ for kind_, _ in page.furniture],
        "entities": [],
        "encoding": "utf-8",
    }


# --------------------------------------------------------------------------- #
# Writing
# --------------------------------------------------------------------------- #

def _schedule(n_articles: int) -> Iterator[tuple[str, int]]:
    """Page kinds in writing order: articles with occasional index and login pages."""
    indexes = logins = 0
    for index in range(n_articles):
        yield "article", index
        if (index + 1) % INDEX_EVERY == 0:
            yield "index", indexes
            indexes += 1
        if (index + 1) % LOGIN_EVERY == 0:
            yield "login", logins
            logins += 1
    if n_articles and not indexes:
        yield "index", 0
    if n_articles and not logins:
        yield "login", 0


PAGE_BUILDERS = {"article": _article_page, "index": _index_page, "login": _login_page}


def _encode(rendered: RenderedPage, legacy: bool) -> bytes:
    """UTF-8, or windows-1252 with a matching meta charset for the one legacy page."""
    if not legacy:
        return rendered.html.encode("utf-8")
    rendered.gold["encoding"] = "windows-1252"
    text = rendered.html.replace('<meta charset="utf-8">', '<meta charset="windows-1252">', 1)
    return text.encode("cp1252", errors="xmlcharrefreplace")


def _wants_legacy_encoding(rendered: RenderedPage, number: int, done: bool) -> bool:
    """The first plain article from the fourth on that has non-ASCII text to encode."""
    return (not done and number >= 3 and rendered.gold["kind"] == "article" and not rendered.gzipped
            and any(ch in rendered.html for ch in "“é"))


def _write(out_dir: Path, rendered: RenderedPage, data: bytes) -> None:
    path = out_dir / rendered.rel_path
    path.parent.mkdir(parents=True, exist_ok=True)
    if rendered.gzipped:
        data = gzip.compress(data, compresslevel=6, mtime=0)  # mtime=0 keeps bytes reproducible
    path.write_bytes(data)


def _check_gold_location(out_dir: Path, gold_path: Path | None) -> None:
    if gold_path is None:
        return
    if gold_path.resolve().is_relative_to(out_dir.resolve()):
        raise ValueError("gold_path must lie outside out_dir, or the pipeline would ingest it")


def generate_corpus(out_dir: Path, n_articles: int = 150, seed: int = 7, days: int = 6,
                    gold_path: Path | None = None, progress: bool = False) -> int:
    """Write the corpus under out_dir (creating it); returns number of files written."""
    out_dir = Path(out_dir)
    gold_path = Path(gold_path) if gold_path is not None else None
    _check_gold_location(out_dir, gold_path)
    out_dir.mkdir(parents=True, exist_ok=True)
    total = sum(1 for _ in _schedule(n_articles))
    gold_file = None
    if gold_path is not None:
        gold_path.parent.mkdir(parents=True, exist_ok=True)
        gold_file = gold_path.open("w", encoding="utf-8")
    written = 0
    legacy_done = False
    try:
        for kind, number in tqdm(_schedule(n_articles), total=total, unit="page", disable=not progress):
            rendered = PAGE_BUILDERS[kind](seed, days, n_articles, number)
            legacy = _wants_legacy_encoding(rendered, number, legacy_done)
            legacy_done = legacy_done or legacy
            _write(out_dir, rendered, _encode(rendered, legacy))
            if gold_file is not None:
                gold_file.write(json.dumps(rendered.gold, ensure_ascii=False) + "\n")
            written += 1
    finally:
        if gold_file is not None:
            gold_file.close()
        _stub.cache_clear()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write an invented news corpus (HTML pages).")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--articles", type=int, default=150, help="number of article pages")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--days", type=int, default=6, help="days the articles are spread over")
    parser.add_argument("--gold", type=Path, default=None, help="write gold.jsonl here (outside OUT_DIR)")
    args = parser.parse_args(argv)
    written = generate_corpus(args.out_dir, n_articles=args.articles, seed=args.seed, days=args.days,
                              gold_path=args.gold, progress=args.articles > PROGRESS_THRESHOLD)
    print(f"Wrote {written} files to {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
