"""Rasa input channels of the practice: the phone line (Twilio Voice) and chat by SMS/WhatsApp (Twilio).

Declared in ``credentials.yml`` by class path; see :mod:`.twilio_voice` and :mod:`.twilio_text`.
Nothing here connects to anything at import time.
"""
