"""Test clients as people use the site."""

from django.test import Client


class EnglishClient(Client):
    """A browser whose person chose English with the switch (the language cookie): the site is
    Vietnamese for everyone else, whatever the browser's Accept-Language (issue 13)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cookies["motcua_language"] = "en"
