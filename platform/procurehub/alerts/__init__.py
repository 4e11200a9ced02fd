"""Alerts: deciding what to tell whom, and delivering it by e-mail, webhook, inbox and calendar."""
