"""The French triage rule file (``rules_fr.yml``), read by :mod:`assistant.core.triage`."""
