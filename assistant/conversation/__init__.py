"""The conversation layer: what the assistant decides and says, without Rasa.

``replies`` is the catalogue of what it says (``assistant/language/fr/replies_fr.yml``); ``state``
is the typed state of a conversation; the other modules are use cases: they take the state and
the practice and return a decision (what changes, what to say as reply ids, what to hand over).
``actions/`` only translates between Rasa and these.
"""
