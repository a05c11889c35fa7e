"""Reminders by e-mail: digests for city leads and trainers, a weekly summary for coordinators.

``plan`` decides who gets what (people who turned reminders off get nothing, and a kind of
reminder goes to a person at most once per ISO week: sent_reminder records it); ``deliver``
sends over SMTP and records each mail right after it went out, so a failure halfway never
sends the first mails twice on the next run. Mails are plain text plus simple HTML, in the
person's language, with deep links into the app.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import html
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from estafette import alerts, cities, history, i18n, lesson_views, seed
from estafette.errors import DomainError
from estafette.models import Lesson, LessonStatus, Role, SentReminder, User, utcnow

KIND_LEAD = "city_lead"
KIND_TRAINER = "trainer"
KIND_COORDINATOR = "weekly"
LIST_LIMIT = 20


class ReminderError(DomainError, ValueError):
    """A configuration problem (SMTP URL); ``code`` picks the translated text."""

    prefix = "notify.error"


@dataclass(frozen=True)
class Mail:
    """One reminder for one person."""

    user_id: int
    to: str
    language: str
    kind: str
    period: str
    subject: str
    text: str
    html: str


def period_of(day: dt.date) -> str:
    """The ISO week of ``day``, such as "2026-W48": the period a reminder counts for."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _link(base_url: str, path: str) -> str:
    return f"{(base_url or '').rstrip('/')}/{path}"


def _mail(
    user: User, kind: str, period: str, subject: str, lines: list[tuple[str, str | None]]
) -> Mail:
    """A mail from (text, link) lines: links become "text: url" in plain text, <a> in HTML."""
    text_lines = [f"{line}: {url}" if url else line for line, url in lines]
    html_lines = [
        f'<a href="{html.escape(url)}">{html.escape(line)}</a>' if url else html.escape(line)
        for line, url in lines
    ]
    body_html = (
        '<html><body style="font-family: sans-serif">'
        + "".join(f"<p>{line}</p>" if line else "" for line in html_lines)
        + "</body></html>"
    )
    return Mail(
        user.id,
        user.email,
        user.language,
        kind,
        period,
        subject,
        "\n".join(text_lines) + "\n",
        body_html,
    )


def _already_sent(session: Session, period: str) -> set[tuple[int, str]]:
    rows = session.execute(
        select(SentReminder.user_id, SentReminder.kind).where(SentReminder.period == period)
    )
    return {(row.user_id, row.kind) for row in rows}


def plan(session: Session, today: dt.date, stale_days: int = 30, base_url: str = "") -> list[Mail]:
    """Every reminder due today that was not sent yet this period, to people who want them."""
    period = period_of(today)
    sent = _already_sent(session, period)
    users = session.scalars(
        select(User)
        .where(User.active, User.reminders)
        .options(selectinload(User.cities))
        .order_by(User.id)
    ).all()
    records = history.records_frame(session)
    summary = cities.summarise(records)
    found = alerts.attention(records, summary, today, stale_days, seed.seed_mark(session))
    # Alerts name the dialogue; city leads are matched by the dialogue's city.
    found = found.assign(
        city_id=found["dialogue_id"].map(
            dict(zip(summary["dialogue_id"], summary["city_id"], strict=True))
        )
    )
    found = found[
        found["kind"].isin([alerts.AlertKind.OVERDUE.value, alerts.AlertKind.STALE.value])
    ]
    waiting = lesson_views.load_views(
        session,
        session.scalars(
            select(Lesson.id)
            .where(Lesson.status == LessonStatus.VOORGESTELD.value)
            .order_by(Lesson.id)
        ).all(),
    )
    mails = []
    for user in users:
        kind = {
            Role.CITY_LEAD.value: KIND_LEAD,
            Role.TRAINER.value: KIND_TRAINER,
            Role.COORDINATOR.value: KIND_COORDINATOR,
        }.get(user.role)
        if kind is None or (user.id, kind) in sent:
            continue
        tr = functools.partial(i18n.translate, lang=user.language)
        if kind == KIND_LEAD:
            mine = found[found["city_id"].isin([c.id for c in user.cities])]
            if not mine.empty:
                mails.append(_lead_mail(user, period, mine, tr, base_url))
        elif kind == KIND_TRAINER:
            if waiting:
                mails.append(_trainer_mail(user, period, waiting, tr, base_url))
        else:
            mails.append(_coordinator_mail(user, period, summary, found, waiting, tr, base_url))
    return mails


def _greeting(user: User, tr: Callable[..., str]) -> tuple[str, None]:
    return tr("notify.greeting", name=user.name or user.email), None


def _lead_mail(
    user: User, period: str, found: pd.DataFrame, tr: Callable[..., str], base_url: str
) -> Mail:
    undecided = tr("overview.undecided")
    lines: list[tuple[str, str | None]] = [_greeting(user, tr), (tr("notify.lead_intro"), None)]
    for row in found.head(LIST_LIMIT).itertuples():
        place = f"{row.city} · {row.neighbourhood or undecided}"
        reason = tr(f"notify.reason_{row.kind}", phase=row.phase, days=int(row.days))
        lines.append((f"{place}: {reason}", _link(base_url, f"stad?dialoog={row.dialogue_id}")))
    if len(found) > LIST_LIMIT:
        more = len(found) - LIST_LIMIT
        lines.append((i18n.translate_count("report.more_rows", user.language, more), None))
    lines += [
        (tr("notify.lead_action"), _link(base_url, "fase-bijwerken")),
        (tr("notify.footer"), _link(base_url, "inloggen")),
    ]
    subject = i18n.translate_count("notify.lead_subject", user.language, len(found))
    return _mail(user, KIND_LEAD, period, subject, lines)


def _trainer_mail(
    user: User,
    period: str,
    waiting: list[lesson_views.LessonView],
    tr: Callable[..., str],
    base_url: str,
) -> Mail:
    lines: list[tuple[str, str | None]] = [
        _greeting(user, tr),
        (i18n.translate_count("notify.trainer_intro", user.language, len(waiting)), None),
    ]
    for lesson in waiting[:LIST_LIMIT]:
        lines.append((f"{lesson.title} — {lesson_views.origin(lesson, user.language)}", None))
    if len(waiting) > LIST_LIMIT:
        more = len(waiting) - LIST_LIMIT
        lines.append((i18n.translate_count("report.more_rows", user.language, more), None))
    lines += [
        (tr("notify.trainer_action"), _link(base_url, "lessen")),
        (tr("notify.footer"), _link(base_url, "inloggen")),
    ]
    subject = i18n.translate_count("notify.trainer_subject", user.language, len(waiting))
    return _mail(user, KIND_TRAINER, period, subject, lines)


def _coordinator_mail(
    user: User,
    period: str,
    summary: pd.DataFrame,
    found: pd.DataFrame,
    waiting: list[lesson_views.LessonView],
    tr: Callable[..., str],
    base_url: str,
) -> Mail:
    done, total = cities.relay_progress(summary) if not summary.empty else (0, 0)
    lines: list[tuple[str, str | None]] = [
        _greeting(user, tr),
        (
            tr(
                "notify.weekly_progress",
                cities=int(summary["city"].nunique()) if not summary.empty else 0,
                dialogues=len(summary),
                done=done,
                total=total,
            ),
            None,
        ),
        (
            i18n.translate_count("notify.weekly_attention", user.language, len(found)),
            _link(base_url, "overzicht"),
        ),
        (
            i18n.translate_count("notify.weekly_lessons", user.language, len(waiting)),
            _link(base_url, "lessen"),
        ),
        (tr("notify.footer"), _link(base_url, "inloggen")),
    ]
    return _mail(user, KIND_COORDINATOR, period, tr("notify.weekly_subject", week=period), lines)


# --------------------------------------------------------------------------------------------
# Sending
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send: from ESTAFETTE_SMTP_URL."""

    host: str
    port: int
    ssl: bool
    user: str
    password: str


def parse_smtp_url(raw: str) -> SmtpSettings:
    """smtp://[user:password@]host[:port] (STARTTLS when offered) or smtps:// (implicit TLS)."""
    if not raw:
        raise ReminderError("smtp_missing")
    parts = urlsplit(raw)
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise ReminderError("smtp_malformed", raw.split("@")[-1])
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 25)
    except ValueError:
        raise ReminderError("smtp_malformed", raw.split("@")[-1]) from None
    return SmtpSettings(
        host=parts.hostname,
        port=port,
        ssl=parts.scheme == "smtps",
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )


def message(mail: Mail, sender: str) -> EmailMessage:
    """The mail as a multipart/alternative message (plain text and HTML)."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = mail.to
    msg["Subject"] = mail.subject
    msg["Content-Language"] = mail.language
    msg.set_content(mail.text)
    msg.add_alternative(mail.html, subtype="html")
    return msg


def _connect(smtp: SmtpSettings, timeout: float) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if smtp.ssl:
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            smtp.host, smtp.port, timeout=timeout, context=context
        )
    else:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=timeout)
        client.ehlo()
        if client.has_extn("starttls"):
            client.starttls(context=context)
            client.ehlo()
        elif smtp.user and smtp.host not in {"127.0.0.1", "::1", "localhost"}:
            # Never send a password in the clear over the network.
            client.quit()
            raise ReminderError("smtp_no_tls", smtp.host)
    if smtp.user:
        client.login(smtp.user, smtp.password)
    return client


def deliver(
    session: Session, mails: list[Mail], smtp_url: str, sender: str, timeout: float = 30.0
) -> int:
    """Send ``mails`` and record each one as sent right after it went out; returns the count."""
    if not mails:
        return 0
    smtp = parse_smtp_url(smtp_url)
    sent = 0
    try:
        client = _connect(smtp, timeout)
    except (OSError, smtplib.SMTPException) as exc:
        raise ReminderError("smtp_failed", f"{smtp.host}:{smtp.port}: {exc}") from exc
    try:
        for mail in mails:
            client.send_message(message(mail, sender))
            session.add(
                SentReminder(
                    user_id=mail.user_id, kind=mail.kind, period=mail.period, sent_at=utcnow()
                )
            )
            session.commit()
            sent += 1
    except (OSError, smtplib.SMTPException) as exc:
        raise ReminderError("smtp_failed", f"{smtp.host}:{smtp.port}: {exc}") from exc
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            client.quit()
    return sent


def set_preferences(session: Session, user_id: int, *, reminders: bool, language: str) -> None:
    """A person's own choice: reminders on or off, and the language of their mails."""
    user = session.get(User, user_id)
    if user is None:
        raise ReminderError("unknown_user")
    user.reminders = bool(reminders)
    user.language = i18n.normalise_language(language)
    session.flush()


def preferences(session: Session, user_id: int) -> tuple[bool, str]:
    """(reminders on?, mail language) of a person."""
    user = session.get(User, user_id)
    if user is None:
        raise ReminderError("unknown_user")
    return user.reminders, user.language
