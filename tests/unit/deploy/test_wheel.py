"""The wheel's packages, as setuptools finds them from pyproject.toml: the product, no devstack."""

from pathlib import Path
from typing import Any

import pytest
from setuptools.config.pyprojecttoml import read_configuration

pytestmark = pytest.mark.unit

REPO_ROOT = Path(__file__).resolve().parents[3]
DEVSTACK = REPO_ROOT / "devstack"


@pytest.fixture(scope="module")
def setuptools_config() -> dict[str, Any]:
    """[tool.setuptools] with `packages.find` expanded into the package list the wheel gets."""
    config: dict[str, Any] = read_configuration(REPO_ROOT / "pyproject.toml", expand=True)
    tool: dict[str, Any] = config["tool"]["setuptools"]
    return tool


def package_directory(package: str, package_dir: dict[str, str]) -> Path:
    """Where setuptools takes `package` from: the longest `package-dir` prefix that maps it."""
    parts = package.split(".")
    for cut in range(len(parts), -1, -1):
        prefix = ".".join(parts[:cut])
        if prefix in package_dir:
            return REPO_ROOT / package_dir[prefix] / Path(*parts[cut:])
    return REPO_ROOT / Path(*parts)


def test_the_wheel_holds_the_product_packages(setuptools_config: dict[str, Any]) -> None:
    packages = set(setuptools_config["packages"])
    assert {"domain", "use_case", "interface_adapter", "infrastructure", "apps"} <= packages
    assert "apps.read_model_updater" in packages


def test_no_devstack_module_is_in_the_wheel(setuptools_config: dict[str, Any]) -> None:
    assert DEVSTACK.is_dir(), "the local stack's tooling lives at the repository root"
    packages: list[str] = setuptools_config["packages"]
    modules: list[str] = setuptools_config.get("py-modules") or []
    package_dir: dict[str, str] = setuptools_config.get("package-dir") or {}
    assert not [name for name in [*packages, *modules] if name.split(".")[0] == "devstack"]
    from_devstack = [
        package
        for package in packages
        if package_directory(package, package_dir).resolve().is_relative_to(DEVSTACK)
    ]
    assert from_devstack == []
    # Every package comes from src/, where no devstack module is.
    assert all(
        package_directory(package, package_dir).resolve().is_relative_to(REPO_ROOT / "src")
        for package in packages
    )
    assert not list((REPO_ROOT / "src").rglob("devstack"))
