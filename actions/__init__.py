"""Rasa custom actions: thin adapters from the dialogue to ``assistant/`` (one module per concern)."""
