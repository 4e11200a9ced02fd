"""The Fleet workstream plugin. Fewer vehicle variations through standard specifications.

The core gives every workstream its overview page and API and its contracts as renewal items;
this plugin adds what is its own.
"""

from __future__ import annotations

from pathlib import Path

from procurehub import toolkit as tk

from . import cli

plugin = tk.Plugin(
    key="fleet",
    title="Fleet",
    categories=tk.categories_from_csv(Path(__file__).with_name("categories.csv")),
    models="plugins.fleet.models",
    cli=cli.cli,
    label_names=("vehicle", "vehicles"),
)
