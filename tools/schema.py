"""Writes data/datapackage.json, the machine-readable schema of every table.

The schema is kept as Python here so that shared column definitions (dates, sources, flags)
are written once; run `python3 tools/schema.py` after editing, and commit both files.
tests/test_data.py fails if datapackage.json differs from what this script writes.
"""

from __future__ import annotations

import json
from pathlib import Path

CUTOFF = "2025-12-22"
N_SOURCES = 5  # source_1 ... source_5: a merged row keeps every source of the facts it merges
OUT = Path(__file__).resolve().parent.parent / "data" / "datapackage.json"

ACTORS = ["Russia", "DPRK", "Russia-DPRK", "Ukraine", "ROK", "USA", "Japan", "China",
          "NATO", "EU", "UN", "G7", "other"]
STANCES = ["deny", "evade", "acknowledge", "praise", "condemn", "assert", "other"]
CATEGORIES = ["treaty", "deployment", "combat", "prisoners", "diplomacy", "visit",
              "acknowledgment", "commemoration", "cooperation", "reconstruction",
              "sanctions", "legal"]
QUANTITIES = ["troops deployed", "killed", "wounded", "casualties", "captured", "workers",
              "reinforcements", "missiles", "artillery shells", "other"]
SOURCE_TYPES = ["official", "state media", "wire agency", "newspaper or broadcaster",
                "think tank or law blog", "academic or reference", "aggregator or reprint",
                "partisan outlet"]
#: Topics, coded row by row by reading the row and its sources (the codebook explains them).
TOPICS = {
    "prisoners": "North Korean soldiers captured by Ukraine: capture, interrogation, status, "
                 "treatment, possible transfer or repatriation, their own statements",
    "party-status": "whether North Korea or its troops are a party to the war or co-belligerent, "
                    "or the troops' combatant status, as a legal question",
    "icc": "the International Criminal Court, the Rome Statute and accountability before it",
    "kim-visit": "a possible or planned visit by Kim Jong Un to Russia, invitations to him, or a "
                 "North Korean role in a Russian parade",
    "victory-day": "the 9 May 2025 Victory Day: the Moscow parade, North Korean participation, "
                   "Kim's observance in Pyongyang",
    "summit": "an in-person meeting of Kim Jong Un and Vladimir Putin, and their talks",
    "russian-envoy-in-dprk": "a visit to the DPRK by senior Russian officials, and what was said "
                             "during it",
    "dprk-envoy-in-russia": "a visit to Russia by senior North Korean officials, and what was "
                            "said during it",
    "sappers-builders": "North Korean deminers, engineers, military builders or labourers sent "
                        "or planned for Russia after the Kursk fighting, and their numbers",
    "casualties": "North Korean losses: killed, wounded, total casualties, the dead and their "
                  "remains",
    "honours": "awards, medals, orders, hero titles and other honours proposed or given by "
               "either side to the troops, their units or commanders, and the ceremonies "
               "where they were given",
    "monitoring": "reports and briefings of the Multilateral Sanctions Monitoring Team and of "
                  "UN bodies (Security Council, Secretariat, rapporteurs) on the deployment",
    "ceasefire": "negotiations on a ceasefire or settlement of the war (the US-led talks of "
                 "2025 and others), their timing, and any place North Korea or its troops had "
                 "in them",
    "military-gains": "what North Korea gains from the war in military terms: combat "
                      "experience, doctrine and tactics (drones), Russian technology or "
                      "equipment, and what other governments say this means for them",
}
#: Legal bases a statement invokes for or against the deployment (statements.legal_bases).
LEGAL_BASES = {
    "treaty-art4": "the June 2024 treaty, its Article 4 mutual-assistance clause, or 'the "
                   "treaty' as the ground for the deployment",
    "self-defence": "UN Charter Article 51, (collective) self-defence",
    "un-charter-law": "the UN Charter or international law in general (other than Article 51)",
    "unsc-resolutions": "UN Security Council resolutions (the sanctions resolutions on the DPRK)",
    "aggression": "a legal characterisation as aggression (of Ukraine's incursion, or of the "
                  "war and the deployment)",
    "sovereignty": "sovereignty, a state's sovereign right",
    "icc-rome-statute": "the International Criminal Court or the Rome Statute",
}
#: Where a statement was made (statements.setting).
SETTINGS = ["talks or meeting", "ceremony or parade", "press briefing", "statement or release",
            "speech or address", "interview", "UN or parliament", "social media", "publication",
            "other"]
KEY = r"^[a-z0-9]+(-[a-z0-9]+)*$"
QUOTE = r"^$|^\S+(\s+\S+){0,24}$"
REGISTRY = r"^$|^F-[0-9]{6,8}-[a-z0-9-]+(; F-[0-9]{6,8}-[a-z0-9-]+)*$"


def s(name, title, description, required=False, **constraints):
    field = {"name": name, "type": "string", "title": title, "description": description}
    if required:
        constraints["required"] = True
    if constraints:
        field["constraints"] = constraints
    return field


def row_id(prefix, what):
    return s("id", "Row id", f"Stable id of the {what}: {prefix}-YYYYMMDD-slug (date of the row; "
             "01 for month or year precision). Never reused or renamed; a retired id is "
             "recorded in exclusions.csv.", True, unique=True,
             pattern=rf"^{prefix}-\d{{8}}-[a-z0-9]+(-[a-z0-9]+)*$")


def date_fields(minimum="2024-06-01"):
    return [
        {"name": "date", "type": "date", "format": "%Y-%m-%d", "title": "Date",
         "description": "When it happened or was said (ISO 8601). For month precision the first "
                        "day of the month, for year precision 1 January.",
         "constraints": {"required": True, "minimum": minimum, "maximum": CUTOFF}},
        s("date_precision", "Date precision", "day | month | year: how precise the date is.",
          True, enum=["day", "month", "year"]),
    ]


def coded_list(name, title, values, what):
    """A '; '-separated list of codes, each one of ``values`` (an empty cell: none)."""
    one = "(" + "|".join(values) + ")"
    return s(name, title, f"{what} Zero or more of: " + "; ".join(
        f"{k} ({v})" for k, v in values.items()) + ". Separated by '; ', in this order; coded by "
        "reading the row and its sources (see the codebook).", pattern=rf"^$|^{one}(; {one})*$")


def topics_field():
    return coded_list("topics", "Topics", TOPICS, "What the row is substantially about.")


QUOTE_RENDERINGS = {
    "original": "the speaker's or document's own words, in the language they were spoken or "
                "written",
    "official translation": "a translation published by the speaker's own government or "
                            "state media (KCNA's English service, the Kremlin's English site)",
    "outlet translation": "a news outlet's translation of words said in another language",
    "unknown": "the stored pages do not show whether the words are original or translated",
}


def text_fields():
    return [
        s("summary", "Summary", "What happened or was said, in the book's own words "
          "(at most 300 characters).", True, maxLength=300),
        s("quote", "Quote", "Optional short exact quote (at most 25 words), as the first source "
          "reports it and in its language.", pattern=QUOTE),
        s("quote_language", "Quote language", "ISO 639-1 code of the language of the quote as "
          "written in the row; empty when there is no quote.", pattern=r"^$|^[a-z]{2}$"),
        s("quote_rendering", "Quote rendering", "Whether the quote is the original words or a "
          "translation: " + "; ".join(f"{k} ({v})" for k, v in QUOTE_RENDERINGS.items())
          + ". Empty when there is no quote.", enum=list(QUOTE_RENDERINGS)),
        s("quote_translator", "Quote translator", "Who translated the quote (the outlet or "
          "agency), for an official or outlet translation; empty for original words."),
    ]


QUOTE_CHECK = {
    "formula": "(quote == None) == (quote_rendering == None) and (quote == None) == "
               "(quote_language == None) and ((quote_rendering in ['official translation', "
               "'outlet translation']) == (quote_translator != None))",
    "field": "quote_rendering",
    "message": "a quote needs quote_language and quote_rendering, and a translated quote (only "
               "a translated one) names its quote_translator"}


def provenance_fields():
    fields = []
    for i in range(1, N_SOURCES + 1):
        fields.append(s(f"source_{i}", f"Source {i}",
                        "Key of the main source in sources.csv and book/references.bib."
                        if i == 1 else "Key of a further source that supports the row, or empty.",
                        i == 1, pattern=KEY))
    fields += [
        s("registry_ids", "Registry fact ids", "The fact_id(s) of the source registry "
          "(data/registry/) this row was made from, separated by '; '; empty for a fact the "
          "book added from its own reading.", pattern=REGISTRY),
        s("disagreement", "Disagreement", "Empty, or what the sources disagree on and which "
          "source says what (date, number, wording)."),
        {"name": "single_source", "type": "boolean", "title": "Single source",
         "description": "true if the row rests on one source only.",
         "constraints": {"required": True}},
        {"name": "weak_sources_only", "type": "boolean", "title": "Weak sources only",
         "description": "true if every source of the row is an aggregator/reprint or a partisan "
                        "outlet.", "constraints": {"required": True}},
        s("note", "Note", "Caveats: translation, date inferred, second-hand account."),
    ]
    return fields


def foreign_keys():
    return [{"fields": [f"source_{i}"], "reference": {"resource": "sources", "fields": ["key"]}}
            for i in range(1, N_SOURCES + 1)]


PRECISION_CHECK = {"formula": "date_precision == 'day' or date.day == 1", "field": "date",
                   "message": "a month- or year-precision date must be the first of the month"}


def table(name, title, description, fields, checks=(), primary="id", fks=True):
    primary = primary if isinstance(primary, list) else [primary]
    res = {
        "name": name, "path": f"{name}.csv", "title": title, "description": description,
        "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {"fields": fields, "primaryKey": primary, "missingValues": [""],
                   # columns are matched by name: a missing or extra column is reported
                   # as such, not as a shift of every later column
                   "fieldsMatch": "equal"},
    }
    if fks:
        res["schema"]["foreignKeys"] = foreign_keys()
    if checks:
        res["x-checks"] = list(checks)
    return res


events = table("events", "Events", "Dated events: treaty steps, deployment, combat, prisoners, "
               "diplomacy, visits, acknowledgment, commemoration, cooperation, reconstruction, "
               "sanctions, legal acts.", [
                   row_id("EV", "event"), *date_fields(),
                   s("actor", "Actor", "The state or body that acted ('Russia-DPRK' for joint "
                     "acts of the two states).", True, enum=ACTORS),
                   s("agent", "Agent", "The person or body that acted.", True),
                   s("category", "Category", " | ".join(CATEGORIES), True, enum=CATEGORIES),
                   s("label", "Label", "Short label for charts (at most 60 characters).", True,
                     maxLength=60),
                   s("short_label", "Short label", "A shorter label, for charts with narrow "
                     "row labels (at most 32 characters); empty where none is needed.",
                     maxLength=32),
                   topics_field(),
                   *text_fields(), *provenance_fields()], [PRECISION_CHECK, QUOTE_CHECK])

statements = table("statements", "Statements", "Public statements about the deployment (and, "
                   "before it, about the treaty and military cooperation it grew from), coded "
                   "by stance and by who spoke for which actor.", [
                       row_id("ST", "statement"), *date_fields(),
                       s("actor", "Actor", "The state or body the speaker spoke for.", True,
                         enum=ACTORS),
                       s("speaker", "Speaker", "The person or body that spoke.", True),
                       s("speaker_level", "Speaker's level", "leader (head of state or "
                         "government, or the leadership body speaking in the leader's name) | "
                         "senior official (minister, chief of staff, security council "
                         "secretary, presidential aide, head of an intelligence service, "
                         "secretary-general, regional governor) | spokesperson or other "
                         "(spokespeople, ambassadors, deputy ministers, agencies, analysts).",
                         True, enum=["leader", "senior official", "spokesperson or other"]),
                       s("channel", "Channel", "Where it was said: briefing, UN meeting, state "
                         "media, interview ...", True),
                       s("stance", "Stance", "Stance toward the deployment: deny | evade | "
                         "acknowledge | praise | condemn | assert | other (see the codebook).",
                         True, enum=STANCES),
                       s("setting", "Setting", "How it was said, coded from the channel and the "
                         "sources: " + " | ".join(SETTINGS) + ".", True, enum=SETTINGS),
                       coded_list("legal_bases", "Legal bases", LEGAL_BASES, "The legal bases the "
                                  "statement invokes to justify, contest or characterise the "
                                  "deployment; statements only about the prisoners' treatment "
                                  "are not coded."),
                       s("legal_basis_main", "Main legal basis", "The one basis of legal_bases "
                         "the statement rests on most (if two weigh equally, the first); empty "
                         "when legal_bases is empty.", enum=list(LEGAL_BASES)),
                       topics_field(),
                       *text_fields(), *provenance_fields()], [PRECISION_CHECK, QUOTE_CHECK, {
                           "formula": "(legal_bases == None) == (legal_basis_main == None) and "
                                      "(legal_basis_main == None or legal_basis_main in legal_bases)",
                           "field": "legal_basis_main",
                           "message": "legal_basis_main must be one of legal_bases, and empty "
                                      "exactly when legal_bases is empty"}])

num = lambda name, title, desc: {"name": name, "type": "number", "title": title,
                                 "description": desc, "constraints": {"minimum": 0}}
estimates = table("estimates", "Estimates", "Numbers published about the deployment: troops "
                  "deployed, killed, wounded, captured, workers, munitions ...", [
                      row_id("ES", "estimate"), *date_fields(),
                      s("publisher_actor", "Publisher's actor", "The state or body whose "
                        "agency or official published the number.", True, enum=ACTORS),
                      s("publisher", "Publisher", "Who published the number (agency, "
                        "official, institute).", True),
                      s("quantity", "Quantity", " | ".join(QUANTITIES), True, enum=QUANTITIES),
                      num("value", "Value", "The number given, if a single number was given."),
                      num("low", "Low", "Lower end of a range, if a range was given."),
                      num("high", "High", "Upper end of a range, if a range was given."),
                      s("unit", "Unit", "persons | rounds | missiles | other", True,
                        enum=["persons", "rounds", "missiles", "other"]),
                      {"name": "as_of", "type": "date", "format": "%Y-%m-%d", "title": "As of",
                       "description": "The date the number refers to, where the source says.",
                       "constraints": {"maximum": CUTOFF}},
                      *text_fields(),
                      s("conflict_group", "Conflict group", "Slug shared by rows that give "
                        "different numbers for the same quantity at about the same time.",
                        pattern=r"^$|^[a-z0-9]+(-[a-z0-9]+)*$"),
                      topics_field(),
                      *provenance_fields()], [
                      PRECISION_CHECK, QUOTE_CHECK,
                      {"formula": "low == None or high == None or low <= high", "field": "low",
                       "message": "low must not exceed high"},
                      {"formula": "low == None or value == None or low <= value", "field": "low",
                       "message": "low must not exceed value"},
                      {"formula": "high == None or value == None or value <= high", "field": "high",
                       "message": "value must not exceed high"}])

legal = table("legal", "Legal provisions", "Treaty articles, UN Charter provisions, Geneva "
              "Convention and Additional Protocol articles, Security Council resolutions and "
              "ICC facts that the debate over the deployment invokes.", [
                  row_id("LP", "legal provision"), *date_fields(minimum="1945-01-01"),
                  s("instrument", "Instrument", "The treaty, charter, convention or resolution.",
                    True),
                  s("provision", "Provision", "Article or paragraph; empty for the instrument as a "
                    "whole."),
                  s("kind", "Kind", "treaty | UN Charter | Geneva Convention | Additional "
                    "Protocol | UNSC resolution | Rome Statute | ICC | other", True,
                    enum=["treaty", "UN Charter", "Geneva Convention", "Additional Protocol",
                          "UNSC resolution", "Rome Statute", "ICC", "other"]),
                  *text_fields(),
                  s("relevance", "Relevance", "Why it matters for the deployment, in the book's "
                    "own words.", True),
                  *provenance_fields()], [PRECISION_CHECK, QUOTE_CHECK])

sources = table("sources", "Sources", "Every published page the data rest on; "
                "book/references.bib is generated from this table.", [
                    s("key", "Key", "Citation key: outlet-YYYY-MM-DD[-suffix].", True,
                      unique=True, pattern=KEY),
                    s("outlet", "Outlet", "Who published the page (and the wire it carries).", True),
                    s("title", "Title", "The page's headline; where the stored page showed none, a "
                      "description in square brackets supplied by the book.", True),
                    {"name": "title_supplied", "type": "boolean", "title": "Title supplied",
                     "description": "true if the title is the book's description, not the page's "
                                    "headline.", "constraints": {"required": True}},
                    {"name": "published", "type": "date", "format": "%Y-%m-%d",
                     "title": "Published", "description": "Publication date of the page; empty "
                     "only for an undated reference page (a treaty text, a database entry).",
                     "constraints": {"minimum": "1945-01-01", "maximum": CUTOFF}},
                    s("published_basis", "Basis of the date", "page (shown on the page) | "
                      "dateline (from the dateline or weekday) | url (from the address) | "
                      "inferred (from the events reported) | undated (reference page without "
                      "a date).", True, enum=["page", "dateline", "url", "inferred", "undated"]),
                    {"name": "url", "type": "string", "format": "uri", "title": "URL",
                     "description": "Address of the page that was read.",
                     "constraints": {"required": True, "unique": True,
                                     "pattern": r"^https?://\S+$"}},
                    s("source_type", "Source type", " | ".join(SOURCE_TYPES), True,
                      enum=SOURCE_TYPES),
                    s("language", "Language", "ISO 639-1 code of the page's language.", True,
                      enum=["en", "ru", "ko", "uk", "it", "de", "fr", "ja", "es", "pt", "tr", "id", "ro", "pl", "cs", "sl", "zh", "vi"])],
                checks=[{"formula": "(published == None) == (published_basis == 'undated')",
                         "field": "published",
                         "message": "a source is undated exactly when published_basis is 'undated'"}],
                primary="key", fks=False)

exclusions = table("exclusions", "Exclusions", "Registry facts not used, and retired row ids, "
                   "each with the reason.", [
                       s("id", "Id", "A registry fact_id, or a retired book row id.", True,
                         unique=True, pattern=r"^(F|EV|ST|ES|LP)-[0-9]{6,8}-[a-z0-9-]+$"),
                       s("reason", "Reason", "after_cutoff | out_of_scope | unsupported | "
                         "unreliable | not_about_deployment | duplicate | retired", True,
                         enum=["after_cutoff", "out_of_scope", "unsupported", "unreliable",
                               "not_about_deployment", "duplicate", "retired"]),
                       s("detail", "Detail", "What was looked for and not found, or what the "
                         "row duplicates.", True)], fks=False)

ROW_IDS = r"(EV|ST|ES|LP)-\d{8}-[a-z0-9]+(-[a-z0-9]+)*"
scorecard = table("scorecard", "Scorecard", "Each expectation raised by the assessment (chapters "
                  "2-7), its outcome by the cut-off date, and the data rows that show it.", [
                      s("id", "Row id", "Stable id: SC-NN-slug.", True, unique=True,
                        pattern=r"^SC-\d{2}-[a-z0-9]+(-[a-z0-9]+)*$"),
                      s("chapter", "Chapter", "Label of the chapter that raises the expectation.",
                        True, enum=["ch-background", "ch-legitimacy", "ch-visit",
                                    "ch-cobelligerent", "ch-relations", "ch-domestic"]),
                      s("briefing_where", "Where the briefing says it", "The part and "
                        "paragraph of the briefing the book follows (published 22 December "
                        "2025) that states the expectation, e.g. 'Introduction, paragraph 3'.",
                        True, pattern=r"^(Title|Overview|Introduction), paragraph \d$"),
                      s("expectation", "Expectation", "What the briefing expected, in the "
                        "book's words (never its sentences).", True, maxLength=200),
                      s("judgment", "Judgment", "The judgments.csv row the outcome must agree "
                        "with, if a chapter judges the same question.",
                        pattern=r"^JU-[a-z0-9]+(-[a-z0-9]+)*$"),
                      s("outcome", "Outcome", "confirmed | partly | not borne out | too early "
                        "to tell, by the cut-off date.", True,
                        enum=["confirmed", "partly", "not borne out", "too early to tell"]),
                      s("confidence", "Confidence", "Confidence in the outcome judgment (see the "
                        "codebook): high | moderate | low.", True,
                        enum=["high", "moderate", "low"]),
                      s("assessment", "Assessment", "Why, in the book's words, citing the "
                        "evidence rows.", True, maxLength=600),
                      s("evidence", "Evidence", "Ids of the events, statements, estimates or "
                        "legal rows that show the outcome, separated by '; '.", True,
                        pattern=rf"^{ROW_IDS}(; {ROW_IDS})*$")], fks=False)

CHAPTERS = ["ch-background", "ch-legitimacy", "ch-visit", "ch-cobelligerent", "ch-relations",
            "ch-domestic"]
CONFIDENCE = {
    "high": "the judgment rests on several independent sources of good quality, including the "
            "parties' own words or acts; no credible source contradicts it; a negative claim "
            "rests on a documented search (coverage.csv)",
    "moderate": "the evidence is credible but incomplete, indirect or from one side, or it "
                "supports a rival reading the book cannot exclude",
    "low": "the judgment is plausible but rests on scant, second-hand or contested evidence, "
           "or on inference about intent the sources do not state",
}
JUDGMENT_KINDS = {
    "pattern": "what the record shows happened (a sequence, a framing, a change)",
    "intent": "what a government meant to achieve: the row says whose intent, and the evidence "
              "is its acts and words",
    "negative": "that something did not happen or was not said by the cut-off: at high "
                "confidence it needs a documented search (coverage)",
    "outlook": "what the record implies for what comes next",
}
COVERAGE_IDS = r"CV-[a-z0-9]+(-[a-z0-9]+)*"
judgments = table("judgments", "Judgments", "The book's key analytic judgments, each with its "
                  "confidence on the book's written scale, the rows of data behind it and what "
                  "would change it. The chapters render their judgments from this table, so a "
                  "judgment reads the same, at the same confidence, wherever it appears.", [
                      s("id", "Judgment id", "Stable id: JU-chapter-slug. Never reused or "
                        "renamed.", True, unique=True, pattern=r"^JU-[a-z]+-[a-z0-9]+(-[a-z0-9]+)*$"),
                      s("chapter", "Chapter", "Label of the chapter that argues the judgment.",
                        True, enum=CHAPTERS),
                      s("question", "Question", "Only on the chapter's answer (one per "
                        "chapter): the question the chapter's title poses. The wording is then "
                        "the chapter's two- or three-sentence answer, shown at its top.",
                        maxLength=200),
                      {"name": "summary_rank", "type": "integer", "title": "Rank in the Summary",
                       "description": "Position among the Summary's key judgments; empty for a "
                                      "judgment shown only in its chapter.",
                       "constraints": {"minimum": 1, "unique": True}},
                      s("headline", "Headline", "The judgment in a few words, for the Summary's "
                        "list (at most 140 characters); required when summary_rank is set.",
                        maxLength=140),
                      s("wording", "Wording", "The judgment in the book's words, without its "
                        "confidence (at most 400 characters).", True, maxLength=400),
                      s("confidence", "Confidence", "; ".join(f"{k}: {v}" for k, v in
                                                              CONFIDENCE.items()), True,
                        enum=list(CONFIDENCE)),
                      s("kind", "Kind", "; ".join(f"{k}: {v}" for k, v in JUDGMENT_KINDS.items()),
                        True, enum=list(JUDGMENT_KINDS)),
                      s("whose_intent", "Whose intent", "For a judgment about intent: whose "
                        "(a government, a leader, a body)."),
                      s("evidence", "Evidence", "Ids of the events, statements, estimates or legal "
                        "rows behind the judgment, separated by '; '.", True,
                        pattern=rf"^{ROW_IDS}(; {ROW_IDS})*$"),
                      s("coverage", "Coverage", "Ids of coverage.csv searches behind a negative "
                        "claim, separated by '; '.", pattern=rf"^$|^{COVERAGE_IDS}(; {COVERAGE_IDS})*$"),
                      s("would_change", "What would change it", "The evidence that would raise, "
                        "lower or overturn the judgment.", True, maxLength=300),
                      s("confidence_1_0", "Confidence in 1.0.0", "The level the judgment had in "
                        "version 1.0.0; empty for a judgment new since.", enum=list(CONFIDENCE)),
                      s("change_note", "Change note", "Why the wording or level changed since "
                        "1.0.0, if it did.")], [
                      {"formula": "summary_rank == None or headline != None", "field": "headline",
                       "message": "a judgment in the Summary needs a headline"},
                      {"formula": "(kind == 'intent') == (whose_intent != None)",
                       "field": "whose_intent",
                       "message": "a judgment about intent says whose intent (and only such a "
                                  "judgment has whose_intent)"},
                      {"formula": "kind != 'negative' or confidence != 'high' or coverage != None",
                       "field": "coverage",
                       "message": "a negative claim held with high confidence needs the coverage "
                                  "search behind it"}], fks=False)
scorecard["x-row-references"] = ["evidence"]

def rank(what):
    """The column giving the order in which the book lists ``what``."""
    return {"name": "rank", "type": "integer", "title": "Order",
            "description": f"Order in which the book lists the {what}.",
            "constraints": {"required": True, "minimum": 1}}


HYPOTHESIS_IDS = r"HY-[a-z0-9]+(-[a-z0-9]+)*"
hypotheses = table("hypotheses", "Hypotheses", "Rival explanations of why Russia and North "
                   "Korea acknowledged the deployment on 26 and 28 April 2025, and the verdict "
                   "of weighing them against the evidence (ach.csv).", [
                       s("id", "Hypothesis id", "Stable id: HY-slug.", True, unique=True,
                         pattern=rf"^{HYPOTHESIS_IDS}$"),
                       rank("hypotheses"),
                       s("name", "Explanation", "The explanation in a few words.", True,
                         maxLength=80),
                       s("wording", "Wording", "The explanation as a testable statement.", True,
                         maxLength=400),
                       s("verdict", "Verdict", "supported | partly supported | not supported: "
                         "the result of the matrix, in the book's reading.", True,
                         enum=["supported", "partly supported", "not supported"]),
                       s("why", "Why", "Why the verdict follows from the matrix.", True,
                         maxLength=500)], fks=False)

ach = table("ach", "Matrix of competing hypotheses", "Each piece of evidence weighed against "
            "each explanation of the timing: is it consistent with it, inconsistent, or "
            "neither?", [
                s("hypothesis", "Hypothesis", "The hypotheses.csv row.", True,
                  pattern=rf"^{HYPOTHESIS_IDS}$"),
                s("evidence", "Evidence", "Id of one events, statements or estimates row.",
                  True, pattern=rf"^{ROW_IDS}$"),
                s("rating", "Rating", "consistent | inconsistent | neutral: whether the row is "
                  "what one would expect to see if the hypothesis were true.", True,
                  enum=["consistent", "inconsistent", "neutral"]),
                {"name": "diagnostic", "type": "boolean", "title": "Diagnostic",
                 "description": "true if the row discriminates between hypotheses (it is rated "
                                "differently for at least two of them).",
                 "constraints": {"required": True}},
                s("why", "Why", "Why the row is rated so, in the book's words.", True,
                  maxLength=300)], primary=["hypothesis", "evidence"], fks=False)
ach["schema"]["foreignKeys"] = [
    {"fields": ["hypothesis"], "reference": {"resource": "hypotheses", "fields": ["id"]}}]
ach["x-row-references"] = ["evidence"]

watch = table("watch", "What to watch", "Indicators a reader can follow after the cut-off, "
              "what each would show, and its status on the cut-off date.", [
                  s("id", "Indicator id", "Stable id: WA-slug.", True, unique=True,
                    pattern=r"^WA-[a-z0-9]+(-[a-z0-9]+)*$"),
                  rank("indicators"),
                  s("indicator", "Indicator", "What to watch for, in a few words.", True,
                    maxLength=120),
                  s("why", "Why it matters", "What it would show, and for whom.", True,
                    maxLength=300),
                  s("concerns", "Concerns", "Governments or bodies most affected, separated by "
                    "'; ' (actor codes).", True),
                  s("status", "Status at the cut-off", "observed | partly observed | not "
                    "observed | unclear, on 22 December 2025.", True,
                    enum=["observed", "partly observed", "not observed", "unclear"]),
                  s("status_note", "Status note", "What the record shows at the cut-off, in the "
                    "book's words.", True, maxLength=400),
                  s("evidence", "Evidence", "Ids of the rows behind the status, separated by "
                    "'; '; empty if nothing has been observed.",
                    pattern=rf"^$|^{ROW_IDS}(; {ROW_IDS})*$")], fks=False)
watch["x-row-references"] = ["evidence"]
judgments["x-row-references"] = ["evidence"]
judgments["x-coverage-references"] = ["coverage"]

coverage = table("coverage", "Coverage", "The systematic searches of the stored news pages, one "
                 "row per topic: what was looked for, how, what it found and what remains "
                 "unknown.", [
                     s("id", "Coverage id", "Stable id: CV-slug.", True, unique=True,
                       pattern=rf"^{COVERAGE_IDS}$"),
                     s("topic", "Topic", "What was searched for, in a few words.", True),
                     s("question", "Question", "The question the search was to answer.", True),
                     {"name": "searched", "type": "date", "format": "%Y-%m-%d",
                      "title": "Searched", "description": "When the search was run.",
                      "constraints": {"required": True}},
                     s("languages", "Languages", "ISO 639-1 codes of the languages searched, "
                       "separated by '; '.", True, pattern=r"^[a-z]{2}(; [a-z]{2})*$"),
                     {"name": "queries", "type": "integer", "title": "Queries",
                      "description": "Number of queries run (listed in coverage_queries.csv).",
                      "constraints": {"required": True, "minimum": 1}},
                     {"name": "pages_read", "type": "integer", "title": "Pages read",
                      "description": "Distinct stored pages whose text was read.",
                      "constraints": {"required": True, "minimum": 0}},
                     {"name": "rows_added", "type": "integer", "title": "Rows added",
                      "description": "Rows of events, statements and estimates added from it.",
                      "constraints": {"required": True, "minimum": 0}},
                     s("found", "Found", "What the search found, in the book's words.", True),
                     s("unknown", "What remains unknown", "What was looked for and not found in "
                       "any stored page.", True)], fks=False)

coverage_queries = table("coverage_queries", "Coverage queries", "Every query of the "
                         "systematic searches, as typed.", [
                             s("coverage_id", "Coverage id", "The coverage.csv row.", True,
                               pattern=rf"^{COVERAGE_IDS}$"),
                             {"name": "n", "type": "integer", "title": "Number",
                              "description": "Order of the query within its search.",
                              "constraints": {"required": True, "minimum": 1}},
                             s("query", "Query", "The query as typed.", True),
                             s("language", "Language", "ISO 639-1 code of the query.", True,
                               pattern=r"^[a-z]{2}$")], primary=["coverage_id", "n"], fks=False)
coverage_queries["schema"]["foreignKeys"] = [
    {"fields": ["coverage_id"], "reference": {"resource": "coverage", "fields": ["id"]}}]

corrections = table("corrections", "Corrections", "Every correction since version 1.0.0: what "
                    "was wrong, what is right, and the rows and chapters changed.", [
                        s("id", "Correction id", "Stable id: CO-YYYYMMDD-slug.", True,
                          unique=True, pattern=r"^CO-\d{8}-[a-z0-9]+(-[a-z0-9]+)*$"),
                        {"name": "date", "type": "date", "format": "%Y-%m-%d", "title": "Date",
                         "description": "When the correction was made.",
                         "constraints": {"required": True}},
                        s("version", "Version", "The version that carries the correction.", True,
                          pattern=r"^\d+\.\d+\.\d+$"),
                        s("chapter", "Chapter", "Label of the chapter corrected, or 'data'.", True,
                          enum=CHAPTERS + ["ch-summary", "ch-scorecard", "data"]),
                        s("wrong", "What was wrong", "What the earlier version said.", True),
                        s("right", "What is right", "What the book now says, and why.", True),
                        s("rows", "Rows changed", "Ids of the rows added or changed, separated by "
                          "'; '; empty if none.", pattern=rf"^$|^{ROW_IDS}(; {ROW_IDS})*$"),
                        s("judgments", "Judgments changed", "Ids of judgments.csv rows changed, "
                          "separated by '; '.", pattern=r"^$|^JU-[a-z0-9-]+(; JU-[a-z0-9-]+)*$"),
                        s("source_1", "Source", "Key of the source that shows the correction.",
                          pattern=KEY)], fks=False)
corrections["schema"]["foreignKeys"] = [
    {"fields": ["source_1"], "reference": {"resource": "sources", "fields": ["key"]}}]
corrections["x-row-references"] = ["rows"]

glossary = table("glossary", "Glossary", "People, bodies, places, documents and terms, with their "
                 "Korean and Russian forms as seen on a cited page.", [
                     s("term", "Term", "The English form used in the book.", True, unique=True),
                     s("kind", "Kind", "person | body | place | document | term", True,
                       enum=["person", "body", "place", "document", "term"]),
                     s("korean", "Korean", "Hangul form(s), as seen on a cited page; variants "
                       "(South; North) separated by '; '."),
                     s("russian", "Russian", "Cyrillic form, as seen on a cited page (nominative, or "
                       "the abbreviation seen)."),
                     s("description", "Description", "One sentence in the book's words.", True,
                       maxLength=200),
                     *[s(f"source_{i}", f"Source {i}", "Key of a page showing the form(s).", i == 1,
                         pattern=KEY) for i in (1, 2, 3)]], primary="term")
glossary["schema"]["foreignKeys"] = [
    {"fields": [f"source_{i}"], "reference": {"resource": "sources", "fields": ["key"]}} for i in (1, 2, 3)]

package = {
    "name": "nk-troops-russia-acknowledgment",
    "title": "North Korean troops in Russia and their official acknowledgment: events, "
             "statements, estimates, legal provisions and sources",
    "profile": "tabular-data-package",
    "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
                  "path": "https://creativecommons.org/licenses/by/4.0/"}],
    "description": f"Sourced data behind the book. Cut-off date: {CUTOFF}. Validated with "
                   "Frictionless (book/nkbook/data.py); row checks in each resource's x-checks.",
    "x-cutoff": CUTOFF,
    "resources": [sources, events, statements, estimates, legal, scorecard, judgments,
                  hypotheses, ach, watch, coverage,
                  coverage_queries, corrections, glossary, exclusions],
}

if __name__ == "__main__":
    OUT.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")
