"""The Celery deployment (SPEC §12) through `deploy/local-cluster.sh`, as an operator runs it.

One cluster for the module: PostgreSQL instance (a fresh database), its own Redis
server (so a test can stop it), the webserver on 127.0.0.1, the daemon (sensor, queue,
run retries), two dagster-celery workers and nginx asking for a login. Projects are
dropped into the data root and built by sensor-launched runs on the workers.
Select these tests with `-m cluster`.
"""

from __future__ import annotations

import itertools
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import requests
import sqlalchemy
from openpyxl import load_workbook
from sqlalchemy.engine import make_url

from pto_pipeline.corpus import render_bench_pages
from pto_pipeline.domain.scaffold import scaffold_project

pytestmark = [pytest.mark.cluster, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "deploy" / "local-cluster.sh"
PAGES_PER_PROJECT = 3
SIX = [f"site-{i}" for i in range(1, 7)]
BUSY = SIX[0]  # gets a second build request while its first build runs
GONE = "zz-gone"  # deleted while its build waits in the queue
BUILD_TIMEOUT = 600
# The six-project test with one worker instead of two: PTO_TEST_CLUSTER_WORKERS=1.
WORKERS = int(os.environ.get("PTO_TEST_CLUSTER_WORKERS") or 2)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_admin_url() -> str:
    return os.environ.get("DAGSTER_PG_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"


def _services_or_skip() -> None:
    problems = []
    if not shutil.which("redis-server"):
        problems.append("redis-server is not installed")
    if not shutil.which("nginx") and os.geteuid() != 0:
        problems.append("nginx is not installed and we are not root")
    try:
        engine = sqlalchemy.create_engine(make_url(_pg_admin_url()).set(database="postgres"))
        with engine.connect():
            pass
    except sqlalchemy.exc.SQLAlchemyError as exc:
        problems.append(f"PostgreSQL unreachable: {exc.orig or exc}")
    if problems:
        if os.environ.get("PTO_REQUIRE_POSTGRES"):
            pytest.fail("cluster tests cannot run: " + "; ".join(problems))
        pytest.skip("; ".join(problems))


@dataclass
class Cluster:
    base: Path
    env: dict[str, str]
    data: Path
    pg_url: str
    redis_port: int
    web_port: int
    ui_port: int
    password: str
    up_seconds: float
    redis: subprocess.Popen | None = None
    instance: dg.DagsterInstance | None = None

    @property
    def run_dir(self) -> Path:
        return Path(self.env["PTO_CLUSTER_DIR"])

    def script(self, command: str, **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["bash", str(SCRIPT), command],
            env={**self.env, **extra},
            capture_output=True,
            text=True,
            timeout=400,
        )

    def start_redis(self) -> None:
        self.redis = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait(lambda: _port_open(self.redis_port), 20, "redis-server")

    def stop_redis(self) -> None:
        if self.redis is not None:
            self.redis.terminate()
            self.redis.wait(timeout=20)
            self.redis = None

    def logs(self) -> str:
        parts = []
        for log in sorted((self.run_dir / "logs").glob("*.log")):
            lines = log.read_text(errors="replace").splitlines()
            useful = [ln for ln in lines if "setup plugin" not in ln]
            parts.append(f"--- {log.name}\n" + "\n".join(useful[-25:]))
        return "\n".join(parts)


def _port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _wait(condition: Callable[[], object], seconds: float, what: str, interval=2.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {seconds:.0f}s waiting for {what}")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    _services_or_skip()
    # nginx's workers (www-data) must be able to enter the run directory.
    base = Path(tempfile.mkdtemp(prefix="pto-cluster-test-", dir="/tmp"))
    base.chmod(0o755)
    database = f"pto_cluster_{os.getpid()}_{int(time.time())}"
    pg_url = str(make_url(_pg_admin_url()).set(database=database))
    c = Cluster(
        base=base,
        env={},
        data=base / "data",
        pg_url=pg_url,
        redis_port=_free_port(),
        web_port=_free_port(),
        ui_port=_free_port(),
        password=secrets.token_urlsafe(12),
        up_seconds=0.0,
    )
    c.env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PTO_", "DAGSTER_"))},
        "PTO_CLUSTER_DIR": str(base / "run"),
        "PTO_DATA_DIR": str(c.data),
        "DAGSTER_PG_URL": pg_url,
        "PTO_CELERY_BROKER": f"redis://127.0.0.1:{c.redis_port}/0",
        "PTO_WEB_PORT": str(c.web_port),
        "PTO_UI_PORT": str(c.ui_port),
        "PTO_UI_USER": "engineer",
        "PTO_UI_PASSWORD": c.password,
        "PTO_QUIET_SECONDS": "1",
        "PTO_OCR_STEP_PAGES": "2",
        "PTO_CLUSTER_WORKERS": str(WORKERS),
        "PTO_VENV": str(REPO / ".venv"),
    }
    c.start_redis()
    started = time.monotonic()
    up = c.script("up")
    c.up_seconds = time.monotonic() - started
    try:
        assert up.returncode == 0, up.stderr + c.logs()
        previous = os.environ.get("DAGSTER_PG_URL")
        os.environ["DAGSTER_PG_URL"] = pg_url  # read once, while the storage connects
        try:
            c.instance = dg.DagsterInstance.from_config(str(c.run_dir / "dagster_home"))
        finally:
            if previous is None:
                os.environ.pop("DAGSTER_PG_URL", None)
            else:
                os.environ["DAGSTER_PG_URL"] = previous
        print(f"\nlocal-cluster.sh up took {c.up_seconds:.1f} s")
        yield c
    finally:
        c.script("down")
        c.stop_redis()
        if c.instance is not None:
            c.instance.dispose()
        admin = sqlalchemy.create_engine(
            make_url(pg_url).set(database="postgres"), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as con:
            con.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        shutil.rmtree(base, ignore_errors=True)


# --- projects ---------------------------------------------------------------------


def _stage_project(stage: Path, code: str, pages: int, seed: int) -> Path:
    """A project with a one-act register and `pages` scanned pages (seeded: no page is
    shared with another project, so none comes from the OCR cache)."""
    root = stage / code
    scaffold_project(root)
    wb = load_workbook(root / "works.xlsx")
    wb["Работы"].append(
        [
            "1",
            "Бетонирование фундамента",
            "КЖ-1",
            date(2026, 3, 10),
            date(2026, 3, 12),
            "СП 70.13330.2012",
            "Гидроизоляция",
            "Исполнительная схема № 1",
        ]
    )
    wb["Материалы"].append(["1", "Бетонная смесь БСТ В25 П4 F150 W6", 12, "м3"])
    wb.save(root / "works.xlsx")
    for page in render_bench_pages(stage / f"pages-{code}", pages, seed):
        shutil.move(page, root / "inbox" / page.name)
    return root


def _drop(c: Cluster, *staged: Path) -> None:
    """Move whole project folders into the data root (a rename each: all at once)."""
    (c.data / "projects").mkdir(parents=True, exist_ok=True)
    for root in staged:
        root.rename(c.data / "projects" / root.name)


def _runs(c: Cluster, code: str) -> list[dg.RunRecord]:
    records = c.instance.get_run_records(
        filters=dg.RunsFilter(tags={"dagster/partition": code}), ascending=True
    )
    return list(records)


def _settled(c: Cluster, code: str, want: dg.DagsterRunStatus) -> bool:
    """A run of `code` ended in `want` and nothing of it is queued or running."""
    records = _runs(c, code)
    busy = [r for r in records if not r.dagster_run.is_finished]
    return bool(records) and not busy and any(r.dagster_run.status == want for r in records)


def _marts(c: Cluster, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(c.data / "warehouse" / "pto.duckdb"), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _step_workers(c: Cluster, run_id: str) -> dict[str, str]:
    """step key → the Celery worker that executed it (from the executor's events)."""
    found = {}
    for record in c.instance.all_logs(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
        event = record.get_dagster_event()
        worker = event.event_specific_data.metadata.get("Celery worker")
        if worker is not None:
            found[event.step_key] = worker.value
    return found


def _project_tables(data: Path, code: str) -> dict[str, list[tuple]]:
    """What a build published for `code`, without the columns that say *when*."""
    volatile = {"first_seen_at", "built_at", "zip_path", "pdf_path"}
    tables = {}
    with duckdb.connect(str(data / "warehouse" / "pto.duckdb"), read_only=True) as con:
        for table in ("files", "documents", "material_coverage", "acts", "findings"):
            columns = [
                name
                for (name,) in con.execute(
                    "SELECT column_name FROM duckdb_columns() "
                    "WHERE schema_name = 'marts' AND table_name = ? ORDER BY column_index",
                    [table],
                ).fetchall()
                if name not in volatile
            ]
            rows = con.execute(
                f"SELECT {', '.join(columns)} FROM marts.{table} WHERE project_code = ?", [code]
            ).fetchall()
            tables[table] = sorted(rows, key=repr)
    return tables


# --- the doors ------------------------------------------------------------------------


def test_up_again_starts_nothing_new_and_status_sees_everything(cluster: Cluster) -> None:
    pids = {p.name: p.read_text() for p in (cluster.run_dir / "pids").glob("*.pid")}
    again = cluster.script("up")
    assert again.returncode == 0, again.stderr
    assert "already running" in again.stderr
    assert {p.name: p.read_text() for p in (cluster.run_dir / "pids").glob("*.pid")} == pids
    status = cluster.script("status")
    assert status.returncode == 0, status.stdout
    for name in ("webserver", "daemon", *(f"worker{i}" for i in range(1, WORKERS + 1)), "nginx"):
        assert f"{name}: running" in status.stdout


def test_up_refuses_without_a_password(cluster: Cluster) -> None:
    refused = cluster.script("up", PTO_UI_PASSWORD="")
    assert refused.returncode == 2
    assert "PTO_UI_PASSWORD" in refused.stderr


def test_proxy_asks_for_the_login(cluster: Cluster) -> None:
    url = f"http://127.0.0.1:{cluster.ui_port}/server_info"
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, auth=("engineer", "wrong"), timeout=10).status_code == 401
    ok = requests.get(url, auth=("engineer", cluster.password), timeout=10)
    assert ok.status_code == 200
    assert "dagster_webserver_version" in ok.json()
    # The password is stored only as a hash, never in the repository.
    htpasswd = (cluster.run_dir / "nginx" / "htpasswd").read_text()
    assert cluster.password not in htpasswd
    assert (
        cluster.password
        not in subprocess.run(
            ["git", "-C", str(REPO), "grep", "-I", "-c", cluster.password],
            capture_output=True,
            text=True,
        ).stdout
    )


def _own_addresses() -> set[str]:
    out = subprocess.run(["hostname", "-I"], capture_output=True, text=True).stdout
    return {a for a in out.split() if ":" not in a and not a.startswith("127.")}


def _listening_addresses(port: int) -> set[str]:
    """Local addresses of the TCP sockets listening on `port` (IPv4 and IPv6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A = LISTEN
                found.add(address)
    return found


def test_webserver_listens_on_loopback_only(cluster: Cluster) -> None:
    assert _port_open(cluster.web_port)
    # 0100007F is 127.0.0.1 in /proc's little-endian hex; nothing on 0.0.0.0 or :: .
    assert _listening_addresses(cluster.web_port) == {"0100007F"}
    assert _listening_addresses(cluster.ui_port) == {"0100007F"}
    for address in _own_addresses():
        assert not _port_open(cluster.web_port, address), address
        assert not _port_open(cluster.ui_port, address), address


# --- builds through the queue ---------------------------------------------------------


def test_six_projects_at_once_are_built_on_the_workers_one_run_per_project_at_a_time(
    cluster: Cluster,
) -> None:
    stage = cluster.base / "stage"
    staged = [
        _stage_project(stage, code, PAGES_PER_PROJECT * (3 if code == BUSY else 1), seed)
        for seed, code in enumerate(SIX, start=1)
    ]
    gone = _stage_project(stage, GONE, 1, 99)
    started = time.monotonic()
    _drop(cluster, *staged, gone)

    # The GONE project's build waits in the queue (at most 4 runs at once, and it sorts
    # last): delete its folder then.
    _wait(
        lambda: any(
            r.dagster_run.status == dg.DagsterRunStatus.QUEUED for r in _runs(cluster, GONE)
        ),
        120,
        "the deleted project's queued run",
        interval=0.5,
    )
    shutil.rmtree(cluster.data / "projects" / GONE)

    # While BUSY's first build runs, one more scan arrives: a second build is requested
    # and must wait for the first.
    _wait(
        lambda: any(
            r.dagster_run.status == dg.DagsterRunStatus.STARTED for r in _runs(cluster, BUSY)
        ),
        180,
        "the busy project's first run",
        interval=1,
    )
    extra = render_bench_pages(stage / "extra", 1, 77)[0]
    shutil.copy(extra, cluster.data / "projects" / BUSY / "inbox" / "late_scan.png")

    def all_done() -> bool:
        if not all(_settled(cluster, code, dg.DagsterRunStatus.SUCCESS) for code in SIX):
            return False
        return len(_runs(cluster, BUSY)) >= 2 and _settled(
            cluster, GONE, dg.DagsterRunStatus.FAILURE
        )

    try:
        _wait(all_done, BUILD_TIMEOUT, "six projects built")
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{cluster.logs()}") from exc
    elapsed = time.monotonic() - started

    # Every run of the six succeeded; none of one project overlapped another of it.
    workers_seen: set[str] = set()
    for code in SIX:
        records = _runs(cluster, code)
        failed = [r.dagster_run.run_id for r in records if r.dagster_run.is_failure]
        assert not failed, [c_failure_messages(cluster, run_id) for run_id in failed]
        spans = sorted((r.start_time, r.end_time) for r in records)
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert start >= end, f"{code}: two runs at once"
        for r in records:
            workers_seen |= set(_step_workers(cluster, r.dagster_run.run_id).values())
    busy = _runs(cluster, BUSY)
    assert len(busy) == 2
    # The second build was requested while the first ran, and waited in the queue.
    assert busy[1].create_timestamp.timestamp() < busy[0].end_time <= busy[1].start_time
    assert {w.split("@")[0] for w in workers_seen} == {
        f"pto-worker{i}" for i in range(1, WORKERS + 1)
    }

    # OCR ran as several steps per project; the marts hold every project, complete.
    ocr_steps = [
        k
        for k in _step_workers(cluster, _runs(cluster, SIX[1])[0].dagster_run.run_id)
        if k.startswith("ocr_text.ocr_pages[")
    ]
    assert len(ocr_steps) == 2  # 3 pages in steps of 2
    files = dict(_marts(cluster, "SELECT project_code, count(*) FROM marts.files GROUP BY 1"))
    expected_files = {code: PAGES_PER_PROJECT for code in SIX} | {BUSY: 3 * PAGES_PER_PROJECT + 1}
    assert files == expected_files
    acts = dict(_marts(cluster, "SELECT project_code, count(*) FROM marts.acts GROUP BY 1"))
    assert acts == dict.fromkeys(SIX, 1)

    # The deleted project: its run failed, saying why; the queue drained.
    gone_run = _runs(cluster, GONE)[0].dagster_run
    failures = c_failure_messages(cluster, gone_run.run_id)
    assert any("no longer exists" in m for m in failures), failures
    queued = cluster.instance.get_runs(
        filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.STARTED])
    )
    assert queued == []
    pages = sum(expected_files.values())
    run_ids = [r.dagster_run.run_id for code in SIX for r in _runs(cluster, code)]
    ocr_seconds = sum(_ocr_step_seconds(cluster, run_id) for run_id in run_ids)
    print(
        f"\nsix projects + 1 late scan: {pages} pages in {elapsed:.0f} s on {WORKERS} "
        f"worker(s) ({pages / elapsed * 3600:.0f} pages/hour end to end); OCR steps "
        f"{ocr_seconds:.0f} s in all = {pages / ocr_seconds * 3600:.0f} pages/hour per worker core"
    )


def _ocr_step_seconds(c: Cluster, run_id: str) -> float:
    """Seconds the run's OCR steps took on their workers (start to success), summed."""
    started, total = {}, 0.0
    for record in c.instance.all_logs(run_id):
        event = record.dagster_event
        if event is None or not (event.step_key or "").startswith("ocr_text.ocr_pages["):
            continue
        if event.event_type_value == "STEP_START":
            started[event.step_key] = record.timestamp
        elif event.event_type_value == "STEP_SUCCESS" and event.step_key in started:
            total += record.timestamp - started[event.step_key]
    return total


def c_failure_messages(c: Cluster, run_id: str) -> list[str]:
    messages = []
    for record in c.instance.all_logs(run_id):
        event = record.dagster_event
        if event is not None and event.event_type_value == "ENGINE_EVENT":
            error = getattr(event.event_specific_data, "error", None)
            if error is not None:
                messages.append(error.to_string())
        if event is not None and event.is_step_failure:
            data = event.step_failure_data
            messages.append(data.error.message if data.error else "")
            if data.user_failure_data is not None:
                messages.append(data.user_failure_data.description or "")
        elif event is not None and event.event_type_value in ("PIPELINE_FAILURE", "RUN_FAILURE"):
            messages.append(event.message or "")
    return messages


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:  # the parent's pid
            found.append(int(stat.parent.name))
    return found


def _pool_processes(c: Cluster, worker: str) -> list[int]:
    """The Celery pool processes of `worker` (they execute the steps)."""
    top = int((c.run_dir / "pids" / f"{worker}.pid").read_text())
    found = []
    for main in _children(top):  # dagster-celery → celery main → pool processes
        found += _children(main)
    return found


def test_worker_killed_mid_ocr_step_the_step_runs_again_same_outputs(cluster: Cluster) -> None:
    code = "killed-worker"
    stage = cluster.base / "stage-kill"
    root = _stage_project(stage, code, 6, 41)
    # The undisturbed build of the same files: embedded default, its own data root.
    reference = cluster.base / "reference"
    shutil.copytree(root, reference / "projects" / code)
    embedded = subprocess.Popen(
        [str(REPO / ".venv" / "bin" / "pto-pipeline"), "build", code],
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith(("PTO_", "DAGSTER_"))},
            "PTO_DATA_DIR": str(reference),
            "DAGSTER_HOME": str(cluster.base / "reference_home"),
        },
        cwd=cluster.base,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    _drop(cluster, root)

    def ocr_step_running() -> tuple[str, str] | None:
        for r in _runs(cluster, code):
            if r.dagster_run.status != dg.DagsterRunStatus.STARTED:
                continue
            done = {
                rec.step_key
                for rec in cluster.instance.all_logs(
                    r.dagster_run.run_id, of_type=dg.DagsterEventType.STEP_SUCCESS
                )
            }
            for step, worker in _step_workers(cluster, r.dagster_run.run_id).items():
                if step.startswith("ocr_text.ocr_pages[") and step not in done:
                    name = worker.split("@")[0].replace("pto-", "")
                    return r.dagster_run.run_id, step, name
        return None

    run_id, step, worker = _wait(ocr_step_running, 300, "an OCR step on a worker", interval=0.5)
    time.sleep(2)  # well inside the step: tesseract is reading
    victims = _pool_processes(cluster, worker)
    assert victims, f"no pool process under {worker}"
    for pid in victims:
        os.kill(pid, signal.SIGKILL)

    try:
        _wait(lambda: _settled(cluster, code, dg.DagsterRunStatus.SUCCESS), BUILD_TIMEOUT, "rerun")
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{cluster.logs()}") from exc
    # The lost step went back to the queue and ran again (acks_late), in the same run;
    # a run that failed instead would have been retried from the failed step.
    records = _runs(cluster, code)
    assert records[0].dagster_run.run_id == run_id
    final = records[-1].dagster_run
    assert final.status == dg.DagsterRunStatus.SUCCESS
    starts = [
        rec.step_key
        for r in records
        for rec in cluster.instance.all_logs(
            r.dagster_run.run_id, of_type=dg.DagsterEventType.STEP_START
        )
    ]
    assert starts.count(step) == 2, starts
    assert starts.count("raw_documents") == 1  # what had succeeded was not done again
    assert starts.count("ocr_text.ocr_plan") == 1

    out, _ = embedded.communicate(timeout=BUILD_TIMEOUT)
    assert embedded.returncode == 0, out
    assert _project_tables(cluster.data, code) == _project_tables(reference, code)
    # Nothing lost or duplicated: one row per inbox page, one document each.
    assert len(_project_tables(cluster.data, code)["files"]) == 6
    ids = _marts(cluster, "SELECT document_id FROM marts.documents WHERE project_code = ?", [code])
    assert len(ids) == len(set(ids)) == 6


def test_broker_down_at_submit_fails_the_run_clearly_and_the_next_build_succeeds(
    cluster: Cluster,
) -> None:
    code = "no-broker"
    root = _stage_project(cluster.base / "stage-broker", code, 1, 51)
    cluster.stop_redis()
    try:
        _drop(cluster, root)
        _wait(
            lambda: any(
                r.dagster_run.status == dg.DagsterRunStatus.FAILURE for r in _runs(cluster, code)
            ),
            300,
            "the run that could not reach the broker",
        )
    finally:
        cluster.start_redis()
    failed = next(r for r in _runs(cluster, code) if r.dagster_run.is_failure)
    text = " ".join(
        (rec.dagster_event.message or "") + " " + str(rec.dagster_event.event_specific_data)
        for rec in cluster.instance.all_logs(failed.dagster_run.run_id)
        if rec.dagster_event is not None
    )
    assert "celery task submission" in text, text[-2000:]
    # A new scan after the broker is back: the project builds (a retry may already have).
    extra = render_bench_pages(cluster.base / "extra-broker", 1, 52)[0]
    shutil.copy(extra, cluster.data / "projects" / code / "inbox" / "second.png")
    try:
        _wait(
            lambda: (
                _settled(cluster, code, dg.DagsterRunStatus.SUCCESS)
                and _marts(
                    cluster, "SELECT count(*) FROM marts.files WHERE project_code = ?", [code]
                )[0][0]
                == 2
            ),
            BUILD_TIMEOUT,
            "a build after the broker came back",
        )
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{cluster.logs()}") from exc


def test_down_stops_only_what_up_started(cluster: Cluster) -> None:
    pids = [int(p.read_text()) for p in (cluster.run_dir / "pids").glob("*.pid")]
    assert len(pids) == 3 + WORKERS
    down = cluster.script("down")
    assert down.returncode == 0, down.stderr
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in _state(pid)
    assert list((cluster.run_dir / "pids").glob("*.pid")) == []
    assert cluster.redis is not None and cluster.redis.poll() is None  # not ours to stop
    assert not _port_open(cluster.web_port) and not _port_open(cluster.ui_port)
    again = cluster.script("down")
    assert again.returncode == 0


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().lower()
    except OSError:
        return "zombie"
