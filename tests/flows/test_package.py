"""The built package: one top-level name, the schemas and report assets inside, and it runs outside the repository."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    source = tmp_path_factory.mktemp("source")  # setuptools builds in the tree it is given: never the checkout's
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for folder in ("wirewash", "flows", "tasks", "schemas"):
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(source)],
                   check=True, capture_output=True, timeout=600)
    (built,) = out.glob("wirewash-*.whl")
    return built


def test_the_wheel_installs_one_name_with_its_schemas_and_assets(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert {name.split("/")[0] for name in names} == {"wirewash", f"{wheel.name.split('-py')[0]}.dist-info"}
    for schema in ("document", "provenance", "overlap", "cluster", "paragraph-row", "summary"):
        assert f"wirewash/schemas/{schema}.schema.json" in names
    assert {"wirewash/tasks/report/assets/report.js", "wirewash/tasks/report/assets/report.css"} <= set(names)
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("/METADATA"))).decode()
    core = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:") and "extra ==" not in line]
    assert any(line.split()[1].lower().startswith("pyarrow") for line in core)  # Parquet on a plain install


@pytest.mark.usefixtures("prefect_harness")
def test_the_installed_wheel_runs_the_samples_outside_the_source_tree(wheel: Path, tmp_path: Path) -> None:
    from prefect.settings import PREFECT_API_URL

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    # the dependencies come from this environment's folder as a plain path: its .pth files (the editable
    # install of the checkout among them) are not run, so `wirewash` can only come from the wheel
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    str(wheel)], check=True, capture_output=True, timeout=600)
    work = tmp_path / "elsewhere"
    shutil.copytree(SAMPLES, work / "raw")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    env["PREFECT_API_URL"] = str(PREFECT_API_URL.value())
    where = subprocess.run([str(python), "-c", "import wirewash.tasks, importlib.util as u; "
                            "print(wirewash.tasks.__file__); print(u.find_spec('tasks'), u.find_spec('flows'))"],
                           cwd=work, env=env, check=True, capture_output=True, text=True).stdout.split("\n")
    assert where[0].startswith(str(site)) and where[1] == "None None"  # no top-level tasks or flows installed
    done = subprocess.run([str(venv / "bin" / "wirewash"), "run", "-q"], cwd=work, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(list((work / "clean").glob("*.txt"))) == len(list(SAMPLES.glob("*.txt")))
    assert (work / "clean" / "paragraphs.parquet").stat().st_size > 0
