"""Sending the confirmation SMS of the outbox: the Twilio sender, a fake one for tests, and the worker."""
