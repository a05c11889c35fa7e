"""Dutch full-text search over lessons: lemmatised + stemmed keys, indexing, querying, highlights.

Every word is reduced to its search keys: the Snowball stem of the word and the Snowball stem of
its lemma (``simplemma``'s Dutch dictionary, bundled with the package, no network). The lemma
brings strong verbs, irregular plurals and diminutives home ("hielp" → "helpen", "kinderen" →
"kind", "huisjes" → "huisje" → stem "huis"); the plain stem keeps recall where the dictionary
picks another part of speech ("fietsen" the noun vs "fietste" the verb). Python computes the
keys for both databases, so SQLite FTS5 and PostgreSQL's tsvector (built with the 'simple'
configuration, which neither stems nor drops words) find exactly the same lessons.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import simplemma
import snowballstemmer
from sqlalchemy import Integer, column, delete, desc, func, insert, literal_column, select, table
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from estafette import lesson_views, textfields
from estafette.accounts import Action, Actor, require
from estafette.models import Lesson, Phase

# Letters and digits only: "_" would be a separator in PostgreSQL's parser but not in \w.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STEMMER = snowballstemmer.stemmer("dutch")


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Dutch Snowball stem of one lower-case word."""
    return _STEMMER.stemWord(word)


@functools.lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """The dictionary form of one lower-case Dutch word (the word itself when unknown)."""
    # The dictionary sometimes maps a form to another form ("schreven" → "schreef" →
    # "schrijven"): follow the chain a few steps. Separable verbs come as "uit_nodigen".
    current = word
    for _ in range(3):
        following = simplemma.lemmatize(current, lang="nl").lower().replace("_", "")
        if following == current:
            break
        current = following
    return current


@functools.lru_cache(maxsize=200_000)
def keys(word: str) -> tuple[str, ...]:
    """The search keys of one lower-case word: stem of its lemma, then its own stem."""
    out = [stem(lemma(word))]
    plain = stem(word)
    if plain != out[0]:
        out.append(plain)
    return tuple(k for k in out if _WORD.fullmatch(k))


def words(text: str) -> list[str]:
    """The lower-case words of ``text``."""
    return _WORD.findall(text.lower())


def key_text(text: str) -> str:
    """``text`` as space-separated search keys: what both indexes store."""
    return " ".join(k for w in words(text) for k in keys(w))


def query_groups(query: str) -> list[frozenset[str]]:
    """Per distinct query word, the keys any of which a lesson must contain."""
    groups = [frozenset(keys(w)) for w in dict.fromkeys(words(query))]
    return [g for g in groups if g]


def query_stems(query: str) -> set[str]:
    """Every key a query matches, for highlighting."""
    return {k for group in query_groups(query) for k in group}


def highlight(text: str, stems: set[str]) -> str:
    """``text`` escaped for Markdown, with the words that have a key in ``stems`` in <mark>.

    The escaping is textfields.markdown_literal's; <mark> is the only HTML in the result, for
    st.markdown(..., unsafe_allow_html=True).
    """
    text = textfields.clean(text)
    pieces = textfields.markdown_pieces(text)
    if not stems:
        return "".join(pieces)
    out: list[str] = []
    last = 0
    for match in _WORD.finditer(text):
        if stems.isdisjoint(keys(match.group().lower())):
            continue
        start, end = match.span()
        out += [*pieces[last:start], "<mark>", *pieces[start:end], "</mark>"]
        last = end
    out += pieces[last:]
    return "".join(out)


def _fts_query(groups: Sequence[frozenset[str]]) -> str:
    # Keys are letters and digits only, so quoting them cannot inject FTS5 syntax.
    return " AND ".join(
        "(" + " OR ".join(f'"{k}"' for k in sorted(group)) + ")" for group in groups
    )


def _ts_query(groups: Sequence[frozenset[str]]) -> str:
    # Letters and digits only; the 'simple' configuration keeps them as they are.
    return " & ".join("(" + " | ".join(sorted(group)) + ")" for group in groups)


# --------------------------------------------------------------------------------------------
# Indexing: SQLite's FTS5 table lesson_fts and PostgreSQL's lesson.search_vector (migration 0007)
# --------------------------------------------------------------------------------------------

_FTS = table("lesson_fts", column("rowid", Integer), column("title"), column("body"))
PG_VECTOR = (
    "setweight(to_tsvector('simple', :title), 'A') || setweight(to_tsvector('simple', :body), 'B')"
)
PG_UPDATE = f"UPDATE lesson SET search_vector = {PG_VECTOR} WHERE id = :id"


def index_row(lesson_id: int, title: str, body: str) -> dict[str, object]:
    """One index row of search keys: rowid/id, title and body (also used by bulk loaders)."""
    return {"rowid": lesson_id, "id": lesson_id, "title": key_text(title), "body": key_text(body)}


def lesson_body(lesson: Lesson) -> str:
    """The searchable body of a lesson: its appreciative fields."""
    return " ".join(getattr(lesson, name) or "" for name in lesson_views.TEXT_FIELDS)


def write_index(session: Session, rows: Iterable[dict[str, object]]) -> None:
    """Store index rows (from index_row) on the session's database, replacing older entries."""
    rows = list(rows)
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            sql_text(PG_UPDATE), [{k: r[k] for k in ("id", "title", "body")} for r in rows]
        )
        return
    session.execute(delete(_FTS).where(_FTS.c.rowid.in_([r["rowid"] for r in rows])))
    session.execute(insert(_FTS), [{k: r[k] for k in ("rowid", "title", "body")} for r in rows])


def index_lesson(session: Session, lesson: Lesson) -> None:
    """Refresh the full-text entry of ``lesson`` on either database."""
    session.flush()
    write_index(session, [index_row(lesson.id, lesson.title, lesson_body(lesson))])


def reindex_all(session: Session, batch: int = 2000) -> int:
    """Rebuild every lesson's full-text entry (after the key rules change); returns the count."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(delete(_FTS))  # entries of lessons that no longer exist go too
    cols = [Lesson.id, Lesson.title, *(getattr(Lesson, n) for n in lesson_views.TEXT_FIELDS)]
    done = 0
    last = 0
    while True:
        rows = session.execute(
            select(*cols).where(Lesson.id > last).order_by(Lesson.id).limit(batch)
        ).all()
        if not rows:
            return done
        write_index(
            session, [index_row(r[0], r[1], " ".join(x or "" for x in r[2:])) for r in rows]
        )
        done += len(rows)
        last = rows[-1][0]


# --------------------------------------------------------------------------------------------
# Querying
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    """A search result: the lesson and its rank score (higher is better)."""

    lesson: lesson_views.LessonView
    score: float


# Ranking scores every match, which for a word found in most lessons ("bewoners") costs time
# in proportion to the collection. Both databases can find the newest matches cheaply (walking
# the primary key or the FTS doclist backwards), so ranking considers at most this many of the
# most recently recorded matches. Below the window the ranking is exact.
SEARCH_WINDOW = 2000


def search_ids(
    session: Session, query: str, filters: lesson_views.LessonFilter | None = None, limit: int = 50
) -> list[tuple[int, float]]:
    """(lesson id, score) of lessons matching ``query``, best first; higher score is better."""
    groups = query_groups(query)
    if not groups:
        return []
    f = filters or lesson_views.LessonFilter()
    if session.get_bind().dialect.name == "postgresql":
        tsq = func.to_tsquery(literal_column("'simple'::regconfig"), _ts_query(groups))
        vector = literal_column("lesson.search_vector")
        candidates = select(Lesson.id, vector.label("sv"))
        phase_id = None
        if f.phase_code:
            # The window walks the newest lessons backwards and tests each. With the phase
            # as a constant (looked up first, not a sub-select) the planner can estimate it
            # and walk that phase's lessons through ix_lesson_phase_id_id (see below).
            phase_id = session.scalar(select(Phase.id).where(Phase.code == f.phase_code))
            if phase_id is None:
                return []
            candidates = candidates.where(Lesson.phase_id == phase_id)
            f = replace(f, phase_code=None)
        window = (
            lesson_views.filtered(candidates, f)
            .where(vector.op("@@")(tsq))
            .order_by(desc(Lesson.id))
            .limit(SEARCH_WINDOW)
            .subquery()
        )
        score = func.ts_rank(window.c.sv, tsq)
        stmt = (
            select(window.c.id, score.label("score"))
            .order_by(desc("score"), desc(window.c.id))
            .limit(limit)
        )
        if phase_id is not None:
            # PostgreSQL's default random_page_cost (4, for spinning disks) prices walking the
            # phase index (ix_lesson_phase_id_id) above walking the whole primary key, three
            # to four times slower here with the lessons in memory. For this query only.
            session.execute(sql_text("SET LOCAL random_page_cost = 1.1"))
            try:
                return [(row.id, float(row.score)) for row in session.execute(stmt)]
            finally:
                session.execute(sql_text("SET LOCAL random_page_cost TO DEFAULT"))
        return [(row.id, float(row.score)) for row in session.execute(stmt)]
    fts = literal_column("lesson_fts")
    match = fts.op("MATCH")(_fts_query(groups))
    base = select(Lesson.id).select_from(_FTS).join(Lesson, Lesson.id == _FTS.c.rowid).where(match)
    newest = (
        lesson_views.filtered(base, f).order_by(desc(_FTS.c.rowid)).limit(SEARCH_WINDOW).subquery()
    )
    floor = session.scalar(select(func.min(newest.c.id)))
    if floor is None:
        return []
    # bm25() is lower-is-better; title matches weigh four times the body.
    score = func.bm25(fts, 4.0, 1.0)
    stmt = (
        select(Lesson.id, score.label("score"))
        .select_from(_FTS)
        .join(Lesson, Lesson.id == _FTS.c.rowid)
        .where(match, _FTS.c.rowid >= floor)
    )
    stmt = lesson_views.filtered(stmt, f).order_by(score, desc(Lesson.id)).limit(limit)
    return [(row.id, -float(row.score)) for row in session.execute(stmt)]


def search(
    session: Session,
    actor: Actor,
    query: str,
    filters: lesson_views.LessonFilter | None = None,
    limit: int = 50,
) -> list[SearchHit]:
    """Full-text search with Dutch lemmas and stems, ranked (highlight the text with query_stems).

    Lessons name their authors and quote residents: signed-in people only.
    """
    require(actor, Action.READ_LESSONS)
    found = search_ids(session, query, filters, limit)
    views = {v.id: v for v in lesson_views.load_views(session, [i for i, _ in found])}
    return [SearchHit(views[lesson_id], score) for lesson_id, score in found]
