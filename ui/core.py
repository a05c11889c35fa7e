"""Engine (cached resource), language choice and translated text for the Streamlit UI."""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import json
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from estafette import data_version, db, formatting, i18n, seed, textfields
from estafette.accounts import ANONYMOUS, Actor
from estafette.settings import Settings

LANG_KEY = "estafette.lang"


def settings() -> Settings:
    """Current settings from the environment."""
    return Settings.from_env()


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    # Exceptions are not cached, so a fixed problem is picked up on the next reload.
    engine = db.make_engine(url)
    db.ping(engine)
    db.upgrade(engine)
    db.check_writable(engine)
    seed.seed(engine)
    return engine


def engine(url: str | None = None) -> Engine:
    """The migrated, seeded engine for ``url`` (default: ESTAFETTE_DATABASE_URL)."""
    # By name: Streamlit looks up the signature of each positional argument on every call.
    return _engine(url=url or settings().database_url)


def database_url() -> str:
    """The configured database URL; loaders take it as their cache key."""
    return settings().database_url


def storage_message(code: str) -> str:
    """The translated explanation of a storage problem (Markdown), naming the database."""
    # Every caller shows it as Markdown, and the address is the operator's text (a path's
    # underscores would turn italic): it is shown as typed.
    shown = textfields.markdown_literal(db.display_url(database_url()))
    return t(f"{db.StorageError.prefix}.{code}", url=shown)


def require_database() -> Engine:
    """The engine (and this run's data version), or a clear message and a stopped script."""
    url = settings().database_url
    try:
        engine = _engine(url=url)
        # Once per full rerun: every cached loader of this run reads at this version.
        read_data_version()
        return engine
    except db.StorageError as exc:
        st.error(storage_message(exc.code), icon=":material/error:")
        st.stop()
        raise  # unreachable: st.stop() raises; keeps type checkers honest


VERSION_KEY = "estafette.data.version"
P = ParamSpec("P")
R = TypeVar("R")


def read(action: Callable[[Session], R]) -> R:
    """Run a read-only domain query, uncached (for what a form must see fresh)."""
    with Session(engine(database_url())) as session:
        return action(session)


def read_data_version() -> int:
    """The committed data versions (one primary-key read), remembered for this session's run."""
    url = settings().database_url
    with db.storage_errors():
        versions = data_version.read_versions(_engine(url=url))
    st.session_state[VERSION_KEY] = (url, versions)
    return versions.all


def _versions_seen() -> data_version.Versions:
    seen = st.session_state.get(VERSION_KEY)
    if isinstance(seen, tuple) and seen[0] == settings().database_url:
        return seen[1]
    read_data_version()
    return st.session_state[VERSION_KEY][1]


def data_version_seen() -> int:
    """The data version this run reads at (read once per full rerun by the router)."""
    return _versions_seen().all


def _cached_on(counter: Callable[[data_version.Versions], int], func: Callable[P, R]) -> Any:
    def versioned(version: int, **arguments: Any) -> Any:
        return func(**arguments)

    # Streamlit tells cached functions apart by module and qualified name.
    versioned.__module__ = func.__module__
    versioned.__qualname__ = func.__qualname__
    # Old versions' entries are never read again; the bound lets them age out.
    store = st.cache_data(show_spinner=False, max_entries=128)(versioned)
    parameters = inspect.signature(func).parameters
    names = tuple(parameters)
    defaults = {
        name: p.default
        for name, p in parameters.items()
        if p.default is not inspect.Parameter.empty
    }

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        # Every argument by name, defaults filled in: Streamlit looks up a function's signature
        # for each positional argument of each call (inspect.signature, dozens of times per
        # page run), and records(url) and records(url, None) become one cache entry.
        if len(args) > len(names):
            raise TypeError(f"{func.__qualname__}() takes {len(names)} arguments")
        arguments = {**defaults, **dict(zip(names, args, strict=False)), **kwargs}
        return store(version=counter(_versions_seen()), **arguments)

    return wrapper


def cached(func: Callable[P, R]) -> Callable[P, R]:
    """``st.cache_data`` keyed on the data version too, so a write by any process shows."""
    return _cached_on(lambda versions: versions.all, func)


def cached_structure(func: Callable[P, R]) -> Callable[P, R]:
    """Like ``cached``, keyed on the relay's shape only (``data_version.STRUCTURE``).

    For loaders that read nothing a status save changes: after a save, every process reads
    the statuses again but not who, where and which phase each record belongs to.
    """
    return _cached_on(lambda versions: versions.structure, func)


def cached_content(func: Callable[P, R]) -> Callable[P, R]:
    """Like ``cached``, keyed on every write but a status save (``data_version.CONTENT``).

    For loaders that read no phase status: city leads save statuses all day, and every
    process then recomputes only what the statuses feed.
    """
    return _cached_on(lambda versions: versions.content, func)


def language() -> str:
    """The chosen UI language."""
    return i18n.normalise_language(st.session_state.get(LANG_KEY))


def t(key: str, **values: object) -> str:
    """Translate ``key`` into the chosen language."""
    return i18n.translate(key, language(), **values)


def day(value: dt.date | None) -> str:
    """A date in the chosen language ("5 mrt. 2026"); empty for no date."""
    return formatting.date(value, language())


def moment(value: dt.datetime | None) -> str:
    """A moment in the chosen language and Amsterdam time ("5 mrt. 2026 15:05")."""
    return formatting.datetime(value, language())


def translator(lang: str) -> Callable[..., str]:
    """``i18n.translate`` in ``lang``, for cached loaders (they take the language as a key)."""
    return functools.partial(i18n.translate, lang=lang)


def tn(key: str, count: int, **values: object) -> str:
    """Translate ``key`` for ``count`` things (``key_one`` when there is one)."""
    return i18n.translate_count(key, language(), count, **values)


LANG_CHANGED_KEY = LANG_KEY + ".changed"


def _keep_language() -> None:
    st.session_state[LANG_KEY] = st.session_state[LANG_KEY + "_input"]
    st.session_state[LANG_CHANGED_KEY] = True


def _cookie_language() -> str | None:
    value = st.context.cookies.get(i18n.LANG_COOKIE)
    return value if isinstance(value, str) and value in i18n.LANGUAGES else None


def language_picker() -> None:
    """Sidebar language choice that persists in the URL (?lang=en) and in a cookie."""
    if LANG_KEY not in st.session_state:
        # The order in which web.index_page chose the served page's <html lang>: the link's
        # language, the one last chosen in this browser, the configured one.
        requested = st.query_params.get("lang") or _cookie_language() or settings().language
        st.session_state[LANG_KEY] = i18n.normalise_language(requested)
    # Streamlit forgets a widget's state when the page changes: the plain key is the truth.
    st.session_state[LANG_KEY + "_input"] = language()
    st.sidebar.radio(
        i18n.translate("app.language", language()),
        i18n.LANGUAGES,
        format_func=lambda code: i18n.translate(f"lang.{code}", code),
        key=LANG_KEY + "_input",
        on_change=_keep_language,
        horizontal=True,
    )
    # Page switches drop query parameters, so write the choice back on every run.
    st.query_params["lang"] = language()
    # Only when it changed in the open page: the served page already has it (and a script
    # element on every run costs every page view its lazily loaded code in the browser).
    if st.session_state.pop(LANG_CHANGED_KEY, False):
        _document_language(language())


def _document_language(lang: str) -> None:
    """Keep ``<html lang>`` equal to the chosen language (WCAG 3.1.1) and remember it.

    web.index_page sets it when the page is served; switching the language in the open page
    does not reload it, so this small same-origin script updates the attribute and the cookie.
    """
    code = json.dumps(i18n.normalise_language(lang))
    cookie = "; path=/; max-age=31536000; SameSite=Lax"
    st.sidebar.html(
        "<script>"
        f"document.documentElement.lang = {code};"
        f"document.cookie = '{i18n.LANG_COOKIE}=' + {code} + {json.dumps(cookie)};"
        "</script>",
        unsafe_allow_javascript=True,
        width="content",
    )


ACTOR_KEY = "estafette.actor"


def current_actor() -> Actor:
    """The signed-in actor (set by the login flow under ``estafette.actor``), else anonymous."""
    actor = st.session_state.get(ACTOR_KEY)
    return actor if isinstance(actor, Actor) else ANONYMOUS
