"""``estafette bench --users N``: N simulated people at the protocol level.

No browsers. Each page view is what a browser tab does after loading the HTML: open
Streamlit's WebSocket (/_stcore/stream), send a ``rerun_script`` BackMsg naming the page,
read ForwardMsgs until ``script_finished``, and fetch a frame the page shows (the map's own
document) unless this person's browser cache has it. Coordinators open the overview, the map
and the timeline; city leads save a status on Fase bijwerken and then look at the overview.
A save is what the browser does: the lead's tab (signed in with a session cookie) opens the
page on their dialogue, then submits the form with a new note in the widget states, and the
page's own callback saves it in the server. It bumps the data version, so the next page
views load fresh data as they would live.

Measured three ways in one run, on the same national-scale PostgreSQL data:
one app process, two app processes behind nginx (the deployed template), and a bare one-line
Streamlit page (the floor). Server CPU is read from /proc/<pid>/stat before and after; the
table also shows PostgreSQL's CPU, the load generator's own (it shares the cores) and how busy
the whole machine was.

Latency (p50, p95) comes from runs with think time, as people use the app. Capacity, and so
the replicas' gain, comes from bursts: every person asks for the next view as soon as the last
one is drawn, for a fixed window, one setup and then the other, page by page, three times.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench import data as data_bench
from bench.schema import postgres_schema
from estafette import accounts, db, logs, sessions, updates
from estafette.accounts import Actor
from estafette.models import City, Dialogue, Role, StatusEvent
from estafette.settings import PROJECT_ROOT

# Each page by its own address, as the sidebar links and shared links name it. (The root
# address "/" is a hidden page that switches to /overzicht, one extra script run.)
PAGES = ("overzicht", "kaart", "tijdlijn")
# Where city leads save; they do so during the overview's runs, before each look at it.
STATUS_PAGE = "fase-bijwerken"
NGINX_TEMPLATE = PROJECT_ROOT / "deploy" / "estafette.nginx.conf.template"
BARE_PAGE = Path(__file__).resolve().parent / "bare.py"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SETUP = Actor(email="bench@example.nl", role=Role.COORDINATOR, name="Bench")
# Targets of issue 9.
TARGET_CPU_RATIO = 1.5
TARGET_P95_S = 2.0
TARGET_SPEEDUP = 1.7
# A burst lasts this long: every person asks for the next view as soon as the last one is
# drawn, and only views finished within the window count. (Bursts of a fixed number of rounds
# ended in a tail of a few stragglers, during which two replicas stood half idle.)
BURST_SECONDS = 8.0
# Each setup's bursts, taking turns with the other setup's.
BURST_REPEATS = 3


class LoadError(Exception):
    """The load benchmark cannot run; the message says why."""


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postgres_cpu_seconds() -> float:
    """CPU time of every PostgreSQL server process on this machine (0 where /proc hides it)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() != "postgres":
                continue
            total += cpu_seconds(int(entry.name))
        except (OSError, ValueError):
            continue  # a process that ended while we looked
    return total


def machine_ticks() -> tuple[int, int]:
    """Busy and total CPU ticks of the whole machine so far (all cores, from /proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return sum(fields) - idle, sum(fields)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process (and its reaped children), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # utime, stime, cutime, cstime are fields 14-17 of stat; [0] here is field 3.
    return sum(int(v) for v in fields[11:15]) / CLOCK_TICKS


@dataclass
class Server:
    """A running `streamlit run` process."""

    process: subprocess.Popen[bytes]
    port: int

    @property
    def base(self) -> str:
        return f"127.0.0.1:{self.port}"


def start_streamlit(
    script: Path, database_url: str, folder: Path, name: str, cwd: Path = PROJECT_ROOT
) -> Server:
    """Start ``streamlit run script`` on a free port; wait until it answers.

    Streamlit reads ``.streamlit/config.toml`` from ``cwd``: the project's folder gives the
    app's settings, an empty folder gives Streamlit's defaults.
    """
    port = free_port()
    env = {
        **os.environ,
        "ESTAFETTE_DATABASE_URL": database_url,
        "STREAMLIT_SERVER_COOKIE_SECRET": "bench-shared-secret",
    }
    log = (folder / f"{name}.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(script),
            "--server.port", str(port), "--server.address", "127.0.0.1",
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
        ],
        cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LoadError(f"{name} exited: {(folder / f'{name}.log').read_text()[-500:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return Server(process, port)
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise LoadError(f"{name} did not answer in 120 s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate a process we started, killing it if it lingers."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def render_nginx(listen: str, replicas: list[str], access_log: str) -> str:
    """The deployed nginx template with ${ESTAFETTE_*} filled in (as envsubst does)."""
    values = {
        "ESTAFETTE_LISTEN": listen,
        "ESTAFETTE_REPLICA_1": replicas[0],
        "ESTAFETTE_REPLICA_2": replicas[1],
        "ESTAFETTE_ACCESS_LOG": access_log,
    }
    text = NGINX_TEMPLATE.read_text(encoding="utf-8")
    return re.sub(r"\$\{(ESTAFETTE_\w+)\}", lambda m: values[m.group(1)], text)


def nginx_main_conf(prefix: Path, include: Path) -> str:
    """A foreground nginx.conf with every path under ``prefix``, including ``include``."""
    temp = "\n".join(
        f"    {kind}_temp_path {prefix / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        ("user root;\n" if os.geteuid() == 0 else "")
        + "daemon off;\nworker_processes 1;\n"
        + f"pid {prefix / 'nginx.pid'};\nerror_log {prefix / 'error.log'} warn;\n"
        + "events { worker_connections 1024; }\n"
        + f"http {{\n{temp}\n    include {include};\n}}\n"
    )


@contextmanager
def nginx(folder: Path, replicas: list[Server]) -> Iterator[Server]:
    """A real nginx on the deployed template in front of two replicas."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        raise LoadError("nginx is not installed (apt-get install -y nginx)")
    prefix = folder / "nginx"
    prefix.mkdir()
    port = free_port()
    include = prefix / "estafette.conf"
    include.write_text(
        render_nginx(f"127.0.0.1:{port}", [r.base for r in replicas], str(prefix / "access.log"))
    )
    (prefix / "nginx.conf").write_text(nginx_main_conf(prefix, include))
    process = subprocess.Popen(
        [binary, "-c", str(prefix / "nginx.conf"), "-p", str(prefix), "-e",
         str(prefix / "error.log")],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if process.poll() is not None:
                raise LoadError((prefix / "error.log").read_text())
            time.sleep(0.1)
        yield Server(process, port)
    finally:
        stop(process)


def _connect(base: str, token: str | None = None) -> websockets.ClientConnection:
    headers = {"Cookie": f"{sessions.COOKIE_NAME}={token}"} if token else None
    return websockets.connect(
        f"ws://{base}/_stcore/stream",
        subprotocols=["streamlit"],
        max_size=None,
        open_timeout=120,
        ping_interval=None,
        additional_headers=headers,
    )


async def _run(
    ws: websockets.ClientConnection, page: str, query: str = "", widgets: list[object] = ()
) -> list[object]:
    """Ask for one script run of ``page``; the new elements it sent, once it finished."""
    back = BackMsg()
    back.rerun_script.page_name = page
    back.rerun_script.query_string = query
    back.rerun_script.widget_states.widgets.extend(widgets)
    await ws.send(back.SerializeToString())
    elements = []
    while True:
        data = await asyncio.wait_for(ws.recv(), timeout=120)
        message = ForwardMsg()
        message.ParseFromString(data)
        kind = message.WhichOneof("type")
        if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            # (A fresh process answers its very first deep link with page_not_found before
            # st.navigation has registered the pages; the warm-up absorbs that.)
            if element.WhichOneof("type") == "exception":
                raise LoadError(f"{page}: {element.exception.message}")
            elements.append(element)
        if kind == "script_finished" and message.script_finished in (
            ForwardMsg.FINISHED_SUCCESSFULLY,
            ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
        ):
            return elements


def _fetch(url: str) -> None:
    with urllib.request.urlopen(url, timeout=120) as response:
        response.read()


async def page_view(base: str, page: str, cache: set[str] | None = None) -> float:
    """One page view over the protocol; returns seconds from connecting to script_finished.

    A frame the page shows (the map's own document) is fetched as a browser does: once per
    address, kept in this person's ``cache`` (a browser's HTTP cache) for the next views.
    """
    started = time.perf_counter()
    async with _connect(base) as ws:
        shown = await _run(ws, page)
    for element in shown:
        if element.WhichOneof("type") != "iframe" or not element.iframe.src.startswith("/"):
            continue
        if cache is None or element.iframe.src not in cache:
            await asyncio.to_thread(_fetch, f"http://{base}{element.iframe.src}")
            if cache is not None:
                cache.add(element.iframe.src)
    return time.perf_counter() - started


@dataclass(frozen=True)
class Lead:
    """A signed-in city lead: the session cookie's token and the dialogue they keep up to date."""

    token: str
    dialogue_id: int


def _form_accepts(session: Session, dialogue_id: int) -> bool:
    """Whether the status form, as it opens on this dialogue, may be saved unchanged."""
    # The form opens on the first phase. Some synthetic records hold states the form would
    # refuse (done without an end date): a person would fix those first.
    first = updates.dialogue_records(session, dialogue_id)[0]
    values = {name: getattr(first, name) for name in updates.TRACKED_FIELDS}
    return not updates.validate(updates.PhaseUpdate(**values), dt.date.today())


def make_leads(database_url: str, count: int) -> list[Lead]:
    """``count`` city-lead accounts, each for its own city's dialogue, signed in."""
    engine = db.make_engine(database_url)
    quiet = logs.logger()
    level = quiet.level
    # Account changes are logged as events: not what the bench prints.
    quiet.setLevel(logging.WARNING)
    try:
        with Session(engine) as session, session.begin():
            dialogues = session.execute(
                select(Dialogue.city_id, Dialogue.id)
                .join(City, City.id == Dialogue.city_id)
                .order_by(City.leg, Dialogue.id)
            ).all()
            chosen: dict[int, int] = {}
            for city_id, dialogue_id in dialogues:
                if len(chosen) == count:
                    break
                if city_id not in chosen and _form_accepts(session, dialogue_id):
                    chosen[city_id] = dialogue_id
            leads = []
            for number, (city_id, dialogue_id) in enumerate(chosen.items()):
                info = accounts.add_user(
                    session,
                    SETUP,
                    email=f"lead{number}@bench.example.nl",
                    role=Role.CITY_LEAD,
                    password=None,
                    name=f"Lead {number}",
                    city_ids=[city_id],
                )
                user = accounts.user_by_email(session, info.email)
                assert user is not None
                token = sessions.start(session, accounts.actor_for_user(user))
                leads.append(Lead(token, dialogue_id))
        if len(leads) < count:
            raise LoadError(f"only {len(leads)} cities have a dialogue to save; {count} asked")
        return leads
    finally:
        quiet.setLevel(level)
        engine.dispose()


def _widget(element: object, value: str | None = None) -> object:
    # The widget's id as the page sent it; a text value, or a trigger (the submit button).
    state = WidgetState()
    kind = element.WhichOneof("type")  # type: ignore[attr-defined]
    state.id = getattr(element, kind).id
    if value is None:
        state.trigger_value = True
    else:
        state.string_value = value
    return state


async def status_save(base: str, lead: Lead) -> float:
    """A city lead's save through the app: open Fase bijwerken, submit a new note; seconds.

    As a browser does it: the page opens on the lead's dialogue (its own address), then the
    form is submitted with the note changed and the submit button's trigger set. The form's
    callback saves it in the server, with every check a person's save gets.
    """
    started = time.perf_counter()
    query = f"dialoog={lead.dialogue_id}"
    async with _connect(base, lead.token) as ws:
        shown = await _run(ws, STATUS_PAGE, query)
        note = [e for e in shown if e.WhichOneof("type") == "text_area"]
        submit = [
            e for e in shown if e.WhichOneof("type") == "button" and e.button.is_form_submitter
        ]
        if len(note) != 1 or len(submit) != 1:
            raise LoadError(f"{STATUS_PAGE}: the status form is not on the page for {query}")
        text = f"Bench {dt.datetime.now():%H:%M:%S.%f}"
        answer = await _run(ws, STATUS_PAGE, query, [_widget(note[0], text), _widget(submit[0])])
    refused = [
        e.alert.body
        for e in answer
        if e.WhichOneof("type") == "alert" and e.alert.format == Alert.ERROR
    ]
    if refused:
        raise LoadError(f"{STATUS_PAGE}: the save was refused: {refused[0]}")
    return time.perf_counter() - started


def committed_saves(database_url: str) -> int:
    """How many notes the bench's leads saved (read back from the history, not counted)."""
    engine = db.make_engine(database_url)
    try:
        with Session(engine) as session:
            return int(
                session.scalar(
                    select(func.count())
                    .select_from(StatusEvent)
                    .where(StatusEvent.actor.like("Lead %"), StatusEvent.field == "note")
                )
                or 0
            )
    finally:
        engine.dispose()


@dataclass
class Run:
    """One measured configuration: per page its latencies, CPU seconds and wall seconds.

    City leads save during the overview's windows: their saves are page views of
    Fase bijwerken (``saves``) and count with that window's views and CPU.
    """

    label: str
    latencies: dict[str, list[float]] = field(default_factory=dict)
    saves: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    # The load generator's own CPU and PostgreSQL's (both share the machine's cores with the
    # servers).
    client_cpu: dict[str, float] = field(default_factory=dict)
    database_cpu: dict[str, float] = field(default_factory=dict)
    # Busy and total ticks of the whole machine while the page was measured.
    machine: dict[str, tuple[int, int]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def window_views(self, page: str) -> int:
        """Page views in ``page``'s windows, the leads' saves included."""
        return len(self.latencies.get(page, [])) + len(self.saves.get(page, []))

    @property
    def views(self) -> int:
        return sum(self.window_views(page) for page in self.latencies)

    @property
    def save_count(self) -> int:
        return sum(len(v) for v in self.saves.values())

    @property
    def rate(self) -> float:
        """Page views per second over the whole run."""
        return self.views / sum(self.seconds.values())

    def cpu_per_view(self, page: str) -> float:
        return self.cpu[page] / self.window_views(page)

    def label_of(self, page: str) -> str:
        """The window's pages as the table names them."""
        shown = page or "bare"
        return f"{shown} + {STATUS_PAGE}" if self.saves.get(page) else shown


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _lead(number: int, page: str, leads: list[Lead] | None) -> Lead | None:
    # Every third person is a city lead: a save before each look at the overview.
    if leads and page == "overzicht" and number % 3 == 2:
        return leads[(number // 3) % len(leads)]
    return None


async def _user(
    number: int, base: str, page: str, rounds: int, run: Run, leads: list[Lead] | None,
    think: float,
) -> None:  # fmt: skip
    rng = random.Random(number)
    lead = _lead(number, page, leads)
    cache: set[str] = set()
    for _ in range(rounds):
        # Think time: people read a page before the next one (0 = everyone at once, a burst).
        await asyncio.sleep(rng.uniform(0, 2 * think))
        if lead is not None:
            run.saves.setdefault(page, []).append(await status_save(base, lead))
        run.latencies.setdefault(page, []).append(await page_view(base, page, cache))


async def _warm(base: str, pages: tuple[str, ...], leads: list[Lead] | None = None) -> None:
    """The first views of each page in each process fill its caches (not measured)."""
    for _ in range(4):
        for page in pages:
            await page_view(base, page)
        if leads:
            await status_save(base, leads[0])


async def _measure(
    run: Run, base: str, pids: list[int], page: str, users: int, rounds: int,
    leads: list[Lead] | None, think: float,
) -> None:  # fmt: skip
    """One page, every user at once; latencies, CPU and wall time added to ``run``."""
    before = sum(cpu_seconds(p) for p in pids)
    client_before = time.process_time()
    database_before = postgres_cpu_seconds()
    busy_before, total_before = machine_ticks()
    started = time.perf_counter()
    await asyncio.gather(*(_user(n, base, page, rounds, run, leads, think) for n in range(users)))
    busy, total = machine_ticks()
    old_busy, old_total = run.machine.get(page, (0, 0))
    run.machine[page] = (old_busy + busy - busy_before, old_total + total - total_before)
    # Accumulated: a burst is measured several times, alternating with the other setup.
    run.seconds[page] = run.seconds.get(page, 0.0) + time.perf_counter() - started
    run.cpu[page] = run.cpu.get(page, 0.0) + sum(cpu_seconds(p) for p in pids) - before
    run.client_cpu[page] = run.client_cpu.get(page, 0.0) + time.process_time() - client_before
    run.database_cpu[page] = (
        run.database_cpu.get(page, 0.0) + postgres_cpu_seconds() - database_before
    )


async def _load(
    label: str, base: str, pids: list[int], users: int, rounds: int, pages: tuple[str, ...],
    leads: list[Lead] | None,
    think: float = 0.0,
) -> Run:  # fmt: skip
    run = Run(label)
    await _warm(base, pages, leads)
    # One page at a time, all users at once: CPU per view is then per page.
    for page in pages:
        await _measure(run, base, pids, page, users, rounds, leads, think)
    return run


async def _user_until(
    number: int, base: str, page: str, deadline: float, run: Run, leads: list[Lead] | None
) -> None:
    lead = _lead(number, page, leads)
    cache: set[str] = set()
    while time.perf_counter() < deadline:
        if lead is not None:
            seconds = await status_save(base, lead)
            if time.perf_counter() <= deadline:
                run.saves.setdefault(page, []).append(seconds)
        seconds = await page_view(base, page, cache)
        if time.perf_counter() <= deadline:
            run.latencies.setdefault(page, []).append(seconds)


async def _window(
    run: Run, base: str, pids: list[int], page: str, users: int, leads: list[Lead]
) -> None:
    """Every user at once for ``BURST_SECONDS``; what the window saw is added to ``run``."""
    before = sum(cpu_seconds(p) for p in pids)
    client_before = time.process_time()
    database_before = postgres_cpu_seconds()
    busy_before, total_before = machine_ticks()
    started = time.perf_counter()
    deadline = started + BURST_SECONDS
    users_done = asyncio.gather(
        *(_user_until(n, base, page, deadline, run, leads) for n in range(users))
    )
    # The counters are read at the deadline: views still under way then do not count, and
    # neither does the work that finishes them.
    await asyncio.sleep(BURST_SECONDS)
    busy, total = machine_ticks()
    run.seconds[page] = run.seconds.get(page, 0.0) + time.perf_counter() - started
    run.cpu[page] = run.cpu.get(page, 0.0) + sum(cpu_seconds(p) for p in pids) - before
    run.client_cpu[page] = run.client_cpu.get(page, 0.0) + time.process_time() - client_before
    run.database_cpu[page] = (
        run.database_cpu.get(page, 0.0) + postgres_cpu_seconds() - database_before
    )
    old_busy, old_total = run.machine.get(page, (0, 0))
    run.machine[page] = (old_busy + busy - busy_before, old_total + total - total_before)
    await users_done


async def _bursts(
    setups: list[tuple[str, str, list[int]]], users: int, leads: list[Lead], repeats: int
) -> list[Run]:
    """Capacity of each setup (label, address, pids): every person at once, no pauses.

    The setups take turns, page by page, ``repeats`` times: a machine shared with other work
    changes speed over minutes, and measuring one setup entirely before the other let that
    drift decide the ratio (two runs of the same code gave 1.36x and 1.98x).
    """
    runs = [Run(label) for label, _, _ in setups]
    for _, base, _ in setups:
        await _warm(base, PAGES, leads)
    for _ in range(repeats):
        for page in PAGES:
            for run, (_, base, pids) in zip(runs, setups, strict=True):
                await _window(run, base, pids, page, users, leads)
    return runs


def table(runs: list[Run], floor: Run) -> str:
    """The results as a Markdown table (one row per page's windows)."""
    floor_cpu = floor.cpu_per_view("")
    lines = [
        "| setup | page | views | p50 (s) | p95 (s) | views/s | CPU/view (s) | x floor CPU "
        "| PostgreSQL CPU/view (s) | load generator CPU/view (s) | machine busy |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in [*runs, floor]:
        for page in run.latencies:
            values = [*run.latencies[page], *run.saves.get(page, [])]
            cpu_view = run.cpu_per_view(page)
            busy, total = run.machine.get(page, (0, 0))
            lines.append(
                f"| {run.label} | {run.label_of(page)} | {len(values)} | {_pct(values, 0.5):.2f} "
                f"| {_pct(values, 0.95):.2f} | {len(values) / run.seconds[page]:.1f} "
                f"| {cpu_view:.3f} | {cpu_view / floor_cpu:.2f} "
                f"| {run.database_cpu[page] / len(values):.3f} "
                f"| {run.client_cpu[page] / len(values):.3f} "
                f"| {busy / total if total else 0.0:.0%} |"
            )
    return "\n".join(lines)


def run(users: int, rounds: int = 3, postgres_url: str | None = None, think: float = 5.0) -> int:
    """Measure one process, two replicas behind nginx and the floor; print the table."""
    if users < 1:
        raise ValueError("--users must be at least 1")
    base_url = postgres_url or os.environ.get(
        "ESTAFETTE_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    with (
        tempfile.TemporaryDirectory(prefix="estafette-load-") as tmp,
        postgres_schema(base_url) as url,
    ):
        folder = Path(tmp)
        sizes, seconds = data_bench.prepare(url, national=True)
        # Every third person is a city lead, each with an account for a city of their own.
        leads = make_leads(url, max(1, users // 3))
        print(
            f"national data on PostgreSQL: {sizes['dialogues']} dialogues, "
            f"{sizes['status_events']} status events (prepared in {seconds:.0f} s); "
            f"{users} users x {rounds} rounds, think time 0-{2 * think:.0f} s",
            flush=True,
        )
        servers: list[Server] = []
        try:
            one = start_streamlit(PROJECT_ROOT / "server.py", url, folder, "replica1")
            servers.append(one)
            two = start_streamlit(PROJECT_ROOT / "server.py", url, folder, "replica2")
            servers.append(two)
            # The floor is a bare page as Streamlit ships it (run from an empty folder, so with
            # Streamlit's default settings), as the targets were set. A second bare page runs
            # with the app's own .streamlit/config.toml, for comparison.
            stock_folder = folder / "stock"
            stock_folder.mkdir()
            bare = start_streamlit(BARE_PAGE, url, folder, "bare", cwd=stock_folder)
            servers.append(bare)
            tuned = start_streamlit(BARE_PAGE, url, folder, "bare-tuned")
            servers.append(tuned)
            # The other replica idles while one process is measured (and vice versa).
            single = asyncio.run(
                _load("1 process", one.base, [one.process.pid], users, rounds, PAGES, leads, think)
            )
            print(f"measured: 1 process ({single.views} views)", flush=True)
            with nginx(folder, [one, two]) as proxy:
                pids = [one.process.pid, two.process.pid, proxy.process.pid]
                pair = asyncio.run(
                    _load(
                        "2 replicas + nginx", proxy.base, pids, users, rounds, PAGES, leads, think
                    )
                )
                print(f"measured: 2 replicas ({pair.views} views)", flush=True)
                # Capacity: with think time the offered load, not the server, can set the pace,
                # so the replicas' gain is measured on bursts (every person at once).
                if think > 0:
                    burst_single, burst_pair = asyncio.run(
                        _bursts(
                            [
                                ("1 process, burst", one.base, [one.process.pid]),
                                ("2 replicas + nginx, burst", proxy.base, pids),
                            ],
                            users,
                            leads,
                            BURST_REPEATS,
                        )
                    )
                    print("measured: bursts", flush=True)
                else:
                    burst_single, burst_pair = single, pair
            floor = asyncio.run(
                _load(
                    "floor (bare page, Streamlit defaults)",
                    bare.base,
                    [bare.process.pid],
                    users,
                    rounds * 3,
                    ("",),
                    None,
                    think,
                )
            )
            tuned_floor = asyncio.run(
                _load(
                    "bare page, app's runner settings",
                    tuned.base,
                    [tuned.process.pid],
                    users,
                    rounds * 3,
                    ("",),
                    None,
                    think,
                )
            )
        finally:
            for server in servers:
                stop(server.process)
        runs = (
            [single, pair] if burst_single is single else [single, pair, burst_single, burst_pair]
        )
        claimed = sum(run.save_count for run in runs)
        # Every save the bench counts must be in the history (saves during the warm-ups too).
        committed = committed_saves(url)
        if committed < claimed:
            raise LoadError(f"{claimed} saves timed but only {committed} in the history")
    print()
    bursts = [] if burst_single is single else [burst_single, burst_pair]
    print(table([single, pair, *bursts, tuned_floor], floor))
    floor_cpu = floor.cpu_per_view("")
    speedup = burst_pair.rate / burst_single.rate
    single_views = [
        v for values in (*single.latencies.values(), *single.saves.values()) for v in values
    ]
    p95 = _pct(single_views, 0.95)
    saves = [v for values in single.saves.values() for v in values]
    print()
    print(
        f"page views/s at capacity (burst): 1 process {burst_single.rate:.2f}, 2 replicas "
        f"{burst_pair.rate:.2f} ({speedup:.3f}x); with think time: {single.rate:.2f} and "
        f"{pair.rate:.2f}; floor {floor.rate:.2f}"
    )
    print(
        f"status saves through {STATUS_PAGE} (page opened, form submitted): "
        f"{' + '.join(str(run.save_count) for run in runs)} "
        f"({committed} in the history); on one process with think time p50 "
        f"{_pct(saves, 0.5):.2f} s, p95 {_pct(saves, 0.95):.2f} s"
    )
    missed = [
        f"{page}: CPU per page view {single.cpu_per_view(page):.3f} s > {TARGET_CPU_RATIO}x "
        f"floor {floor_cpu:.3f} s"
        for page in PAGES
        if single.cpu_per_view(page) > TARGET_CPU_RATIO * floor_cpu
    ]
    if p95 > TARGET_P95_S:
        missed.append(f"p95 page view on one process {p95:.2f} s > {TARGET_P95_S} s")
    if speedup < TARGET_SPEEDUP:
        missed.append(f"two replicas {speedup:.3f}x < {TARGET_SPEEDUP}x one process")
    if missed:
        print("targets missed:")
        for line in missed:
            print(f"  - {line}")
        return 1
    print("all load targets met")
    return 0
