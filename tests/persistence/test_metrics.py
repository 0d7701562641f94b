"""Prometheus counters add up across worker processes (multiprocess mode)."""

import re
import subprocess

import pytest

from tests.persistence.procs import PYTHON, REPO, child_env


@pytest.mark.slow
def test_counters_from_several_processes_add_up(tmp_path, world_files):
    multiproc = tmp_path / "prom"
    multiproc.mkdir()
    env = child_env(world_files, MUDSITE_PROMETHEUS=1, PROMETHEUS_MULTIPROC_DIR=multiproc)
    workers = [
        subprocess.Popen([PYTHON, "-m", "tests.persistence.procs", "prometheus_requests", str(n)], cwd=REPO, env=env)
        for n in (3, 4)
    ]
    assert [worker.wait() for worker in workers] == [0, 0]
    scrape = subprocess.run(
        [PYTHON, "-m", "tests.persistence.procs", "prometheus_render"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def value(metric: str) -> float:
        match = re.search(rf"^{re.escape(metric)} ([0-9.e+]+)$", scrape, re.M)
        assert match, scrape
        return float(match.group(1))

    assert value('mudsite_save_requests_total{mode="debounced"}') == 7
    assert value('mudsite_save_requests_total{mode="immediate"}') == 2
    assert value("mudsite_save_coalesced_total") == 4


def test_metrics_view_is_off_unless_enabled(client):
    assert client.get("/metrics").status_code == 404
