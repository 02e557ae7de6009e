"""Outgoing e-mail: the outbox others queue mail in, and the task that delivers it over SMTP."""
