"""The repository layout must not shadow the standard library (DESIGN §2)."""

import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_platform_from_repository_root_is_the_standard_library():
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import platform, uuid; print(platform.__file__); print(platform.system())",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert Path(out[0]).resolve().parent == Path(sysconfig.get_paths()["stdlib"]).resolve()
    assert out[1] == "Linux"


def test_no_package_markers_at_source_roots():
    assert not (ROOT / "platform" / "__init__.py").exists()
    assert not (ROOT / "plugins" / "__init__.py").exists()


def test_plugins_are_a_namespace_of_regular_packages():
    import plugins
    import plugins.waste

    assert getattr(plugins, "__file__", None) is None  # namespace package
    assert plugins.waste.plugin.key == "waste"
