"""Scale-out: the same flow on a Dask cluster (prefect-dask's DaskTaskRunner) gives byte-identical outputs,
with the reuse stage's per-paragraph work done on the workers."""
from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import SAMPLES
from wirewash.flows.cli import EXIT_BAD_ARGUMENT, main
from wirewash.tasks.params import ParameterError, RunParams


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    """A local distributed cluster: a scheduler and 2 worker processes, all on loopback."""
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed: pip install 'wirewash[dask]'")
    pytest.importorskip("prefect_dask", reason="the dask extra is not installed: pip install 'wirewash[dask]'")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, protocol="tcp") as local:
        yield local


@pytest.mark.usefixtures("prefect_harness")
def test_a_dask_cluster_gives_the_outputs_of_a_local_run(tmp_path: Path, cluster: object) -> None:
    from wirewash.flows.pipeline import wirewash_run

    shutil.copytree(SAMPLES, tmp_path / "raw")
    first = sorted((tmp_path / "raw").iterdir())[0]  # a reprint, so that near-duplicate clusters are compared too
    (tmp_path / "raw" / f"reprint-{first.name}").write_bytes(first.read_bytes())

    def run(name: str, **extra: object) -> Path:
        out = tmp_path / name
        wirewash_run(params=RunParams.build(raw=tmp_path / "raw", clean=out / "clean", reports=out / "reports",
                                            state=out / "state", **extra))
        return out

    import distributed

    local = run("local")
    # one file per batch: six read tasks and six clean tasks, spread over both workers
    remote = run("dask", dask=cluster.scheduler_address, batch_size=1)  # type: ignore[attr-defined]
    with distributed.Client(cluster) as client:
        executed = client.run(lambda dask_worker: dask_worker.state.executed_count)
    assert len(executed) == 2 and sum(executed.values()) >= 10, executed
    assert _tree(local / "clean") == _tree(remote / "clean")
    assert _tree(local / "clean")  # not two empty folders
    assert (local / "reports/latest/clusters.jsonl").read_text()  # not two empty files
    for name in ("overlaps.jsonl", "clusters.jsonl", "provenance.jsonl"):
        assert (local / "reports/latest" / name).read_bytes() == (remote / "reports/latest" / name).read_bytes(), name
    # the reuse stage's per-paragraph work (tokenising, signing) was done by the workers, batch by batch
    counts = json.loads((remote / "reports/latest/summary.json").read_text())["counts"]
    assert counts["contents_from_workers"] == counts["contents_encoded"] > 0
    assert counts["texts_from_workers"] == counts["texts_signed"] > 0
    assert not (remote / "state" / "reuse-spill").exists()  # gone with the stage


def test_dask_address_is_checked() -> None:
    for bad in ("localhost", "tcp://:8786", "tcp://host:port"):
        with pytest.raises(ParameterError, match="scheduler address"):
            RunParams.build(raw=SAMPLES, dask=bad)
    assert RunParams.build(raw=SAMPLES, dask="tcp://10.0.0.5:8786").dask == "tcp://10.0.0.5:8786"
    assert RunParams.build(raw=SAMPLES, dask="").dask is None


def test_a_remote_cluster_needs_a_reachable_prefect_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    shutil.copytree(SAMPLES, tmp_path / "raw")
    code = main(["run", "--raw", str(tmp_path / "raw"), "--clean", str(tmp_path / "c"), "--reports", str(tmp_path / "r"),
                 "--state", str(tmp_path / "s"), "--dask", "tcp://10.0.0.5:8786"])
    assert code == EXIT_BAD_ARGUMENT
    assert "PREFECT_API_URL" in capsys.readouterr().err
    assert not (tmp_path / "c").exists()
