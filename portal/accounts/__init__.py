"""Accounts: users, roles, staff roles, e-ID, sign-in and sessions (kernel)."""
