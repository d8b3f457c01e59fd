"""Packaging of the folders outside ``src/``: ``data/`` and ``notebooks/`` ship in the package.

Everything else about the package (name, dependencies, entry point) is in ``pyproject.toml``.
``pyproject.toml`` alone cannot map folders outside ``src/`` into the package, hence these
lines: a plain ``pip install .`` or a wheel carries the dataset and the report notebooks as
``analysis/_shipped/data`` and ``analysis/_shipped/notebooks``, which ``analysis.core.config``
reads when the package does not run from a checkout.
"""

from pathlib import Path

from setuptools import find_namespace_packages, setup

# Never shipped: the user's imported figures (git-ignored) and caches.
LEFT_OUT = {"user", "__pycache__"}


def shipped_folders(top: str) -> dict[str, str]:
    """Package name → folder, for ``top`` and each folder below it that ships."""
    folders = [Path(top), *sorted(p for p in Path(top).rglob("*") if p.is_dir())]
    return {
        "analysis._shipped." + ".".join(folder.parts): folder.as_posix()
        for folder in folders
        if not LEFT_OUT & set(folder.parts)
    }


SHIPPED = {**shipped_folders("data"), **shipped_folders("notebooks")}

# Namespace packages too: the templates and locales folders hold data files only.
CODE = find_namespace_packages("src", include=["analysis*"], exclude=["*__pycache__*"])

setup(
    packages=[*CODE, *SHIPPED],
    package_dir={"": "src", **SHIPPED},
    package_data={
        "analysis": ["render/templates/*", "core/locales/*"],
        **{name: ["*"] for name in SHIPPED},
    },
    exclude_package_data={name: ["*.pyc", "*.ipynb_checkpoints*"] for name in SHIPPED},
)
