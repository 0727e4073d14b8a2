"""Middleware of the portal: input refused before any view (`input`), outages answered 503
(`outage`)."""
