"""The API Dockerfile's structure (no Docker engine here to build it): the usual practice holds."""

import fnmatch
import importlib.util
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

REPO_ROOT = Path(__file__).resolve().parents[3]
DOCKERFILE = REPO_ROOT / "Dockerfile"
DOCKERIGNORE = REPO_ROOT / ".dockerignore"


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [argument for kw, argument in self.instructions if kw == keyword]


def parse_stages(text: str) -> list[Stage]:
    """Instructions by stage; continuation lines joined, comments dropped."""
    logical = re.sub(
        r"\\\n",
        " ",
        "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")),
    )
    stages: list[Stage] = []
    for line in logical.splitlines():
        if not line.strip():
            continue
        keyword, _, argument = line.strip().partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            image, *rest = argument.split()
            name = rest[1] if len(rest) == 2 and rest[0].upper() == "AS" else None
            stages.append(Stage(image, name))
        elif stages:
            stages[-1].instructions.append((keyword, argument.strip()))
    return stages


@pytest.fixture(scope="module")
def stages() -> list[Stage]:
    return parse_stages(DOCKERFILE.read_text(encoding="utf-8"))


def test_it_says_it_is_untested_here() -> None:
    head = DOCKERFILE.read_text(encoding="utf-8")[:1500]
    assert "UNTESTED" in head


def test_compilers_stay_in_the_builder_stage(stages: list[Stage]) -> None:
    *builders, runtime = stages
    assert builders, "a multi-stage build"
    assert any("cmake" in run and "g++" in run for b in builders for run in b.all("RUN"))
    for run in runtime.all("RUN"):
        for tool in ("cmake", "g++", "gcc", "build-essential", "apt-get install"):
            assert tool not in run
    assert all("slim" in stage.base for stage in stages)


def test_the_runtime_runs_as_an_unprivileged_user(stages: list[Stage]) -> None:
    runtime = stages[-1]
    users = runtime.all("USER")
    assert users, "USER is set"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")
    keywords = [kw for kw, _ in runtime.instructions]
    last_user = max(i for i, keyword in enumerate(keywords) if keyword == "USER")
    assert last_user < keywords.index("ENTRYPOINT")


def test_the_health_check_asks_for_readiness_without_curl(stages: list[Stage]) -> None:
    (check,) = stages[-1].all("HEALTHCHECK")
    assert "curl" not in check
    assert "wget" not in check
    script = re.search(r"(/\S+healthcheck\.py)", check)
    assert script is not None
    copied = [c for c in stages[-1].all("COPY") if c.endswith(script.group(1))]
    (copy,) = copied
    source = REPO_ROOT / copy.split()[0]
    assert "/api/health/ready" in source.read_text(encoding="utf-8")


def test_the_command_selects_an_app_listening_on_all_interfaces(stages: list[Stage]) -> None:
    runtime = stages[-1]
    assert json.loads(runtime.all("ENTRYPOINT")[-1]) == ["python", "-m"]
    (app,) = json.loads(runtime.all("CMD")[-1])
    assert app == "apps.command_api"
    for module in ("apps.command_api", "apps.query_api", "apps.admin"):
        assert importlib.util.find_spec(f"{module}.__main__") is not None
    env = " ".join(runtime.all("ENV"))
    assert "COMMAND_API_HOST=0.0.0.0" in env
    assert "QUERY_API_HOST=0.0.0.0" in env
    # Real AWS in the image: the local emulator's endpoint is the code's default.
    assert 'DYNAMODB_ENDPOINT_URL=""' in env
    assert sorted(" ".join(runtime.all("EXPOSE")).split()) == ["50501", "50502"]


def test_every_copied_path_exists_and_is_in_the_build_context(stages: list[Stage]) -> None:
    patterns = [
        line.strip()
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    allowed = [p[1:] for p in patterns if p.startswith("!")]
    assert "*" in patterns, "an allow-list"
    for stage in stages:
        for copy in stage.all("COPY"):
            if copy.startswith("--from="):
                continue
            *sources, _destination = copy.split()
            for source in sources:
                assert (REPO_ROOT / source).exists(), source
                assert any(
                    fnmatch.fnmatch(source, pattern) or source.startswith(pattern + "/")
                    for pattern in allowed
                ), source


def test_the_local_stack_tooling_stays_out_of_the_image(stages: list[Stage]) -> None:
    """devstack/ (emulators, launchers, probes) is neither in the build context nor copied."""
    patterns = [
        line.strip()
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    allowed = [p[1:] for p in patterns if p.startswith("!")]
    devstack_files = [
        path.relative_to(REPO_ROOT).as_posix()
        for path in (REPO_ROOT / "devstack").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    ]
    assert "devstack/__init__.py" in devstack_files
    for path in ["devstack", *devstack_files]:
        assert not [
            pattern
            for pattern in allowed
            if fnmatch.fnmatch(path, pattern) or path.startswith(pattern.rstrip("/") + "/")
        ], path
    for stage in stages:
        for copy in stage.all("COPY"):
            if copy.startswith("--from="):
                continue
            *sources, _destination = copy.split()
            for source in sources:
                assert Path(source).parts[:1] != ("devstack",), copy
