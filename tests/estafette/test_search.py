"""Dutch search: recall over inflected forms, keys from lemma + stem, highlights, reindexing."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from estafette import backup, db, lessons, search
from estafette.accounts import SYSTEM
from tests.factories import city_id, city_lead

LEAD = city_lead(email="lead@example.nl", name="Lies Stadstrekker")

# (base form, inflected form): strong and weak verbs, plurals and diminutives.
PAIRS: list[tuple[str, str]] = [
    # strong and irregular verbs
    ("helpen", "hielp"), ("helpen", "geholpen"), ("schrijven", "schreef"),
    ("schrijven", "geschreven"), ("krijgen", "kreeg"), ("krijgen", "gekregen"), ("gaan", "ging"),
    ("gaan", "gingen"), ("betrekken", "betrokken"), ("betrekken", "betrok"), ("spreken", "sprak"),
    ("spreken", "gesproken"), ("vinden", "vond"), ("nemen", "nam"), ("komen", "kwam"),
    ("doen", "deed"), ("denken", "dacht"), ("brengen", "bracht"), ("zien", "zag"),
    ("lopen", "liep"), ("blijven", "bleef"), ("beginnen", "begon"), ("zoeken", "zocht"),
    ("vragen", "vroeg"), ("staan", "stond"), ("zitten", "zat"), ("geven", "gaf"),
    ("weten", "wist"), ("kiezen", "koos"), ("houden", "hield"),
    # weak verbs
    ("wandelen", "wandelde"), ("werken", "werkte"), ("wonen", "woonde"),
    ("ontmoeten", "ontmoette"), ("fietsen", "fietste"), ("organiseren", "georganiseerd"),
    ("luisteren", "luisterde"), ("verbinden", "verbond"), ("uitnodigen", "uitgenodigd"),
    ("delen", "deelden"),
    # plurals
    ("bewoner", "bewoners"), ("kind", "kinderen"), ("huis", "huizen"), ("stad", "steden"),
    ("vergadering", "vergaderingen"), ("boom", "bomen"), ("buurt", "buurten"),
    ("school", "scholen"), ("gesprek", "gesprekken"), ("vraag", "vragen"),
    # diminutives
    ("huis", "huisje"), ("straat", "straatje"), ("plein", "pleintje"), ("boom", "boompje"),
    ("kind", "kindje"), ("wijk", "wijkje"), ("stoel", "stoeltje"), ("koek", "koekje"),
    ("dorp", "dorpje"), ("tafel", "tafeltje"),
]  # fmt: skip


# The seeded relay without the workshop's own lessons, so each test crafts its lessons.
SEED_OPTIONS = {"workshop_lessons": False}


def _propose(session: Session, title: str, situation: str) -> int:
    data = lessons.LessonInput(
        title=title,
        phase_code="verkennen",
        city_id=city_id(session, "Deventer"),
        situation=situation,
    )
    return lessons.propose(session, LEAD, data)


def test_recall_over_inflected_dutch_forms(session: Session) -> None:
    assert len(PAIRS) >= 40
    words = sorted({w for pair in PAIRS for w in pair})
    lesson_of = {
        w: _propose(session, f"Verslag {n}", f"In de wijk: {w}.") for n, w in enumerate(words)
    }
    session.commit()

    def finds(query: str, target: str) -> bool:
        ids = {i for i, _ in search.search_ids(session, query, limit=500)}
        return lesson_of[target] in ids

    from_base = [inflected for base, inflected in PAIRS if finds(base, inflected)]
    from_inflected = [base for base, inflected in PAIRS if finds(inflected, base)]
    missed = sorted({(b, i) for b, i in PAIRS if i not in from_base or b not in from_inflected})
    assert len(from_base) / len(PAIRS) >= 0.95, missed
    assert len(from_inflected) / len(PAIRS) >= 0.95, missed
    # The strong verbs the issue names are among the finds, both ways.
    for base, inflected in [
        ("helpen", "hielp"),
        ("schrijven", "schreef"),
        ("krijgen", "kreeg"),
        ("gaan", "ging"),
    ]:
        assert finds(base, inflected) and finds(inflected, base)


def test_search_does_not_merge_unrelated_words(session: Session) -> None:
    huis = _propose(session, "Huiskamergesprek", "Een bewoner opende zijn huis.")
    school = _propose(session, "Schoolplein", "Kinderen speelden op het plein bij de school.")
    session.commit()
    assert [i for i, _ in search.search_ids(session, "huizen")] == [huis]
    assert [i for i, _ in search.search_ids(session, "scholen")] == [school]
    assert search.search_ids(session, "fiets") == []


def test_highlight_marks_inflected_forms_of_the_query() -> None:
    stems = search.query_stems("helpen kind")
    marked = search.highlight("Zij hielp de kinderen <b>en</b> het *kindje*.", stems)
    assert marked == (
        "Zij <mark>hielp</mark> de <mark>kinderen</mark> &lt;b&gt;en&lt;/b&gt; het "
        "\\*<mark>kindje</mark>\\*."
    )


def test_reindex_all_rebuilds_the_index(session: Session) -> None:
    lesson = _propose(session, "Buurtfeest", "De bewoners schreven samen een brief.")
    session.commit()
    assert search.reindex_all(session) == 1
    session.commit()
    assert [i for i, _ in search.search_ids(session, "schrijven bewoner")] == [lesson]


def test_search_works_after_restoring_a_backup(
    session: Session, make_db_url: Callable[[str], str], db_url: str
) -> None:
    lesson = _propose(session, "Buurtfeest", "De kinderen hielpen met koken.")
    session.commit()
    dump = backup.export_backup(session, SYSTEM)
    backend = "postgresql" if db_url.startswith("postgresql") else "sqlite"
    target = db.make_engine(make_db_url(backend))
    db.upgrade(target)
    with Session(target) as fresh:
        backup.import_backup(fresh, SYSTEM, dump)
        assert [i for i, _ in search.search_ids(fresh, "kind helpen")] == [lesson]
    target.dispose()
