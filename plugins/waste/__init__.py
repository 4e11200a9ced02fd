"""The Waste workstream plugin. Shared contract co-ordination for waste contracts: collection, treatment,
disposal, bulky waste and more.

The core gives every workstream its overview page and API and its contracts as renewal items;
this plugin adds what is its own.
"""

from __future__ import annotations

from pathlib import Path

from procurehub import toolkit as tk

plugin = tk.Plugin(
    key="waste",
    title="Waste",
    categories=tk.categories_from_csv(Path(__file__).with_name("categories.csv")),
    label_names=("refuse", "recycling", "cleansing"),
)
