"""Notifications: the outbox, its channels and templates, the send tasks and the inbox (kernel)."""
