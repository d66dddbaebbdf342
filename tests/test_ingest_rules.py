"""Each ingest rule on small strings: break a rule and its test fails."""
from __future__ import annotations

from engine import PROJECT_ROOT  # noqa: F401  (puts generator/ on the path)

from generator.dates import parse_date
from generator.ingest.actors import build_registry, find_mentions
from generator.ingest.dates import find_dates
from generator.ingest.decode import Refusal, decode_article, not_an_article
from generator.ingest.figures import find_conflicts, find_figures, title_differences
from generator.ingest.model import Article, Paragraph
from generator.ingest.noise import split_noise
from generator.ingest.quotes import extract_quotations


def article(source: str, *paragraphs: str) -> Article:
    return Article(source, f"{source}.txt", tuple(Paragraph(n, p) for n, p in enumerate(paragraphs, 1)), ())


def quotes_of(*paragraphs: str) -> list[tuple[str, str | None]]:
    a = article("a", *paragraphs)
    return [(q.text, q.speaker) for q in extract_quotations(a, build_registry([a]))]


def test_said_after_the_quotation_names_the_speaker() -> None:
    assert quotes_of("“We have a framework for the harbour,” said Mayor Ana Ruiz.") == [
        ("We have a framework for the harbour", "ana ruiz")]


def test_name_then_verb_after_the_quotation() -> None:
    assert quotes_of("Port chief Ana Ruiz spoke first. “The ships will sail again,” Ruiz told reporters.") == [
        ("The ships will sail again", "ana ruiz")]


def test_split_quotation_is_one_quotation_with_a_cut() -> None:
    assert quotes_of("“The first part is here,” Mayor Ana Ruiz said, “and the second part follows.”") == [
        ("The first part is here ... and the second part follows.", "ana ruiz")]


def test_pronoun_goes_to_the_last_person_named_outside_quotes() -> None:
    found = quotes_of("Mayor Ana Ruiz hinted at concessions.",
                      "“There were a number of measures put on when the ships were not coming,” she said.")
    assert found == [("There were a number of measures put on when the ships were not coming", "ana ruiz")]


def test_according_to_and_as_observed_name_the_speaker() -> None:
    found = quotes_of("According to Tom Berg, a professor of law, “the rules remain unclear to everyone.”",
                      "As Lea Park from Harbour Research observed, both ports “have built mirror arsenals of weapons.”")
    assert [s for _, s in found] == ["tom berg", "lea park"]


def test_a_quote_only_paragraph_continues_the_previous_speaker() -> None:
    found = quotes_of("“Everyone is still hawkish about the deal,” said Ian Bremmer, president of the Eurasia Group.",
                      "“A temporary truce is possible, but little more.”")
    assert [s for _, s in found] == ["ian bremmer", "ian bremmer"]


def test_unnamed_officials_are_speakers() -> None:
    found = quotes_of("One US official, speaking off the record, said, “We absolutely expect this deal to hold.”")
    assert found == [("We absolutely expect this deal to hold.", "anon:us official")]


def test_scare_quotes_are_not_quotations_and_unattributed_ones_are_kept() -> None:
    found = quotes_of("The preliminary “framework” needs “balance,” officials said.",
                      "“Nobody knows what happens next in the talks.”")
    assert found == [("Nobody knows what happens next in the talks.", None)]


def test_surname_and_title_aliases_resolve_to_one_actor() -> None:
    a = article("a", "US Commerce Secretary Howard Lutnick arrived.", "Lutnick spoke.",
                "The Commerce Secretary left early.")
    registry = build_registry([a])
    keys = [m.key for p in a.paragraphs for m in find_mentions(p.text, registry) if not m.pronoun]
    assert keys == ["howard lutnick"] * 3
    assert registry.actors["howard lutnick"].roles == (("US Commerce Secretary", "a"),)


def test_titles_per_source_and_their_differences() -> None:
    a = article("a", "Talks included chief trade negotiator Li Chenggang and others.")
    b = article("b", "Vice Commerce Minister Li Chenggang of China confirmed it.")
    registry = build_registry([a, b])
    assert registry.actors["li chenggang"].roles == (("chief trade negotiator", "a"), ("Vice Commerce Minister", "b"))
    assert [t.actor for t in title_differences(list(registry.actors.values()))] == ["li chenggang"]


def _dates(text: str, ref: str) -> dict[str, str | None]:
    return {d.phrase: d.date for d in find_dates(article("a", text), parse_date(ref))}


def test_relative_dates_keep_the_precision_the_text_supports() -> None:
    found = _dates("Talks began on Monday after the call four days earlier, built on Geneva last month, "
                   "with a pause to expire in early August and alarm in recent months.", "2025-06-09")
    assert found == {"on Monday": "2025-06-09", "four days earlier": "2025-06-05", "last month": "2025-05",
                     "early August": "early 2025-08", "in recent months": None}


def test_weekday_against_a_two_day_article_date_is_still_one_day() -> None:
    assert _dates("A deal came late on Tuesday.", "2025-06-10..2025-06-11") == {"on Tuesday": "2025-06-10"}


def test_last_week_is_the_monday_to_sunday_before() -> None:
    assert _dates("The leaders spoke last week.", "2025-06-10") == {"last week": "2025-06-02..2025-06-08"}


def test_may_the_verb_is_not_a_month() -> None:
    assert _dates("Prices may rise. Exports fell in May.", "2025-06-10") == {"in May": "2025-05"}


def test_same_quantity_with_different_values_is_a_conflict() -> None:
    a = article("a", "Analysts note that China controls over 70% of the global supply, and prices rose.")
    b = article("b", "And China controls around 60% of global production.")
    c = article("c", "Trump put a 10 percent tariff on many partners.")
    figures = find_figures(a) + find_figures(b) + find_figures(c)
    conflicts = find_conflicts(figures)
    assert [(x.first.text, x.second.text) for x in conflicts] == [("over 70%", "around 60%")]


def test_figures_of_each_kind_are_found() -> None:
    found = {(f.text, f.unit) for f in find_figures(article("a", "It took 20 hours and three US Cabinet members; "
                                                              "exports fell 34.5% and €12 billion was at stake."))}
    assert found == {("20 hours", "duration:hour"), ("three US Cabinet members", "count:members"),
                     ("34.5%", "percent"), ("€12 billion", "money:€")}


def test_noise_lines_are_removed_and_listed_with_their_line() -> None:
    text = "First paragraph of the story.\nRegister for our Mini-MBA today for early bird discounts.\n" \
           "Related headlines\nMarkets slump as talks stall\nSecond paragraph.\nJane Doe\nFollow us on:"
    kept, noise, byline = split_noise(text)
    assert [p.text for p in kept] == ["First paragraph of the story.", "Second paragraph."]
    assert [(n.line, n.rule) for n in noise] == [(2, "promotion"), (3, "related links"), (4, "related links"),
                                                 (6, "byline"), (7, "social prompt")]
    assert byline == "Jane Doe"


def test_bad_bytes_are_refused_with_a_line() -> None:
    assert isinstance(decode_article(b""), Refusal)
    assert isinstance(decode_article(b"\x00\x01binary"), Refusal)
    refusal = decode_article(b"fine line\nbad \xff byte")
    assert isinstance(refusal, Refusal) and refusal.line == 2
    assert not_an_article("word " * 100) is not None  # no sentences


def test_a_short_quotation_governed_by_a_speech_verb_counts_but_a_term_does_not() -> None:
    found = quotes_of("Deputy Governor Lars Eikeland warned that wage growth remained “uncomfortably high” and left.",
                      "Officials announced they had reached a preliminary “framework” agreement.")
    assert found == [("uncomfortably high", "lars eikeland")]


def test_pronoun_prefers_the_subject_over_a_later_object() -> None:
    found = quotes_of("Union leader Sean O'Brien met chief executive Priya Natarajan last week. "
                      "“We had a frank exchange,” he said.")
    assert found == [("We had a frank exchange", "sean o'brien")]


def test_a_quote_after_a_sentence_about_someone_is_theirs() -> None:
    found = quotes_of("Dana Okafor, a picker, led the campaign.",
                      "Asked whether other sites would follow, Okafor laughed. “Watch this space.”")
    assert found == [("Watch this space.", "dana okafor")]


def test_unnamed_speaker_keeps_its_description() -> None:
    found = quotes_of("In an emailed statement, a company spokesperson said: “We respect the process entirely.”")
    assert found == [("We respect the process entirely.", "anon:company spokesperson")]


def test_datelines_credits_and_bios_are_noise() -> None:
    text = ("Published: 14 October 2025\nBy Helen Marsh\nThe story itself.\n"
            "Reporting by Carlos Mendez; Editing by Paul Simao\nJonas Weber is The Ledger's economics correspondent.")
    kept, noise, byline = split_noise(text)
    assert [p.text for p in kept] == ["The story itself."]
    assert [n.rule for n in noise] == ["dateline", "byline", "credits", "author bio"]
    assert byline == "Helen Marsh"


def test_names_with_particles_and_institutions_that_speak() -> None:
    found = quotes_of("“We are closer than ever before,” European Commission President Ursula von der Leyen told reporters.",
                      "The White House said in a statement that it “welcomes the continued commitment” to the plan.",
                      "White House economic adviser Kevin Hassett spoke. “We want a handshake on rare earths,” he added.")
    assert [s for _, s in found] == ["ursula von der leyen", "white house", "kevin hassett"]


def test_by_names_the_speaker_only_after_a_verb_of_saying() -> None:
    found = quotes_of("Its chief executive, Valerie Urbain, said such a step would be seen by investors as “a form of confiscation.”",
                      "The call was described by President Donald Trump as a “very good talk.”")
    assert [s for _, s in found] == ["valerie urbain", "donald trump"]


def test_placards_and_titles_of_works_are_not_quotations() -> None:
    assert quotes_of("Some held placards reading “Save Swindon jobs.” Others sang “Land of Hope and Glory” loudly.") == []


def test_organisations_speak_by_their_short_name_and_unnamed_spokespeople_by_their_department() -> None:
    found = quotes_of("Voltaro Motors will cut jobs.",
                      "In a statement, Voltaro said it had “no choice but to adjust production to the market.”",
                      "A Department for Business and Trade spokesperson added: “We stand ready to support every worker.”",
                      "Local MP Heidi Alexander said workers had been “blindsided” by the announcement.")
    assert [s for _, s in found] == ["voltaro motors", "anon:department for business and trade spokesperson", "heidi alexander"]


def test_they_said_goes_to_the_last_organisation_or_group() -> None:
    found = quotes_of("Union officials met the board of Voltaro Motors on Friday.",
                      "“We will not accept compulsory redundancies,” they said.")
    assert found == [("We will not accept compulsory redundancies", "anon:union officials")]


def test_counts_of_the_same_thing_conflict_with_fewer_shared_words() -> None:
    a = article("a", "The earthquake killed at least 30 people in the mountain province.")
    b = article("b", "Officials said the quake killed 25 people across the province.")
    assert [(c.first.text, c.second.text) for c in find_conflicts(find_figures(a) + find_figures(b))] == [
        ("at least 30 people", "25 people")]


def test_page_furniture_from_copied_pages_is_noise() -> None:
    text = ("2 hours ago\nShare\nImage source, PA Media\nBy Rachel Dunn, BBC News\nThe story itself.\n"
            "Related Topics\nFlooding\nMore on this story\nSevern levels to peak on Wednesday\nPublished 1 day ago")
    kept, noise, byline = split_noise(text)
    assert [p.text for p in kept] == ["The story itself."]
    assert [n.rule for n in noise] == ["timestamp", "button", "site furniture", "byline", "related links", "related links",
                                       "related links", "related links", "timestamp"]
    assert byline == "Rachel Dunn"


def test_an_organisation_before_a_title_belongs_to_the_title_but_an_honorific_is_no_title() -> None:
    a = article("a", "Environment Agency chief executive Philip Duffy spoke.", "Mr Duffy said more.")
    assert build_registry([a]).actors["philip duffy"].roles == (("Environment Agency chief executive", "a"),)


def test_prose_that_mentions_offers_or_cookies_is_kept() -> None:
    from generator.ingest.noise import classify_line
    for line in ("Save for a few holdouts, the deal passed the Senate today.", "Buy-now-pay-later firms face new rules.",
                 "The firm said “we use cookies” in its defence.", "Watchers of the market were surprised."):
        assert classify_line(line) is None, line


def test_in_someones_words_and_occupations_name_the_speaker() -> None:
    found = quotes_of("Rapidus president Atsuyoshi Koike spoke.",
                      "In Koike's words, the company is “in serious conversations with more than 30 firms,” he said.",
                      "For the engineers, the debate is distant. “We just want to prove it can be done,” said one engineer.")
    assert [s for _, s in found] == ["atsuyoshi koike", "anon:engineer"]


def test_a_pull_quote_repeating_the_text_is_noise() -> None:
    text = ("“If we do not make the most advanced chips here, we will not be in the room,” Koike says.\n"
            "“If we do not make the most advanced chips here, we will not be in the room”\n"
            "Enjoying this article? Become a member for unlimited access to our journalism.")
    kept, noise, _ = split_noise(text)
    assert len(kept) == 1 and [n.rule for n in noise] == ["repeated text", "promotion"]


def test_single_quotation_marks_where_a_paper_uses_them() -> None:
    found = quotes_of("‘It’s a fair deal for the workers’ families,’ said union leader Sean O’Brien, ‘and we’ll take it.’")
    assert found == [("It’s a fair deal for the workers’ families ... and we’ll take it.", "sean o’brien")]


def test_a_date_alone_on_a_top_line_is_the_dateline() -> None:
    kept, noise, _ = split_noise("Fares to rise\n12 December 2025\nFares will rise by 4.6 per cent.\n12 December 2025 was cold.")
    assert [n.rule for n in noise] == ["dateline"] and len(kept) == 3


def test_hard_wrapped_text_is_rejoined_into_paragraphs_but_headings_stay_apart() -> None:
    text = ("What’s Next: Timing, Trust, and Translating Words into Action\n"
            "“We have reached a framework to implement the Geneva consensus,” Commerce\n"
            "Secretary Howard Lutnick told reporters after two days of talks in the\n"
            "British capital.\nA second paragraph.")
    kept, _, _ = split_noise(text)
    assert [p.line for p in kept] == [1, 2, 3, 5]  # one paragraph a line: "Commerce" / "Secretary" is not joined
    text = ("Negotiators in London said on Tuesday that the framework would be sent\n"
            "to both presidents, who must approve it before it takes effect.")
    assert [(p.line, p.text) for p in split_noise(text)[0]] == [(1, " ".join(text.split()))]


def test_blank_line_paragraphs_with_fixed_width_lines_are_joined_whole() -> None:
    para = ("“We have reached a framework to implement the Geneva consensus,” Commerce\n"
            "Secretary Howard Lutnick told reporters after two days of talks in the\n"
            "British capital. Chinese officials said the deal still needs approval.\n")
    kept, _, _ = split_noise("Talks end in London\n\n" + para + "\n" + para.replace("Chinese", "Beijing's") + "\nFollow us on:")
    assert [p.line for p in kept] == [1, 3, 7] and kept[1].text == " ".join(para.split())
