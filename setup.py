"""Ships the top-level templates/ and migrations/ folders inside the `dispatch` package.

The rest of the packaging is in pyproject.toml. Its package finder cannot map a folder that
lies outside a package into it, so this file adds the two folders (and their subfolders) to
the found packages: an installed wheel has dispatch/templates and dispatch/migrations, while
the repository keeps its documented top-level layout.
"""

from setuptools import find_namespace_packages, setup

DATA_PACKAGES = {"dispatch.templates": "templates", "dispatch.migrations": "migrations"}


def _data_packages() -> list[str]:
    # Subfolders are listed too: setuptools warns about folders it would otherwise skip.
    return [
        name
        for package, folder in DATA_PACKAGES.items()
        for name in [package, *(f"{package}.{sub}" for sub in find_namespace_packages(folder))]
    ]


setup(
    packages=[
        *find_namespace_packages(include=["dispatch*", "routing*", "reports*"]),
        *_data_packages(),
    ],
    package_dir=DATA_PACKAGES,
)
