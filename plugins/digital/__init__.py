"""The Digital workstream plugin. Business cases for single national fleet and housing management systems.

The core gives every workstream its overview page and API and its contracts as renewal items;
this plugin adds what is its own.
"""

from __future__ import annotations

from pathlib import Path

from procurehub import toolkit as tk

from . import cli

plugin = tk.Plugin(
    key="digital",
    title="Digital",
    categories=tk.categories_from_csv(Path(__file__).with_name("categories.csv")),
    cli=cli.cli,
    label_names=("ICT", "IT", "information technology", "technology"),
)
