"""Composition: the citizen's pages (sign-up, apply online, my dossiers, ratings) and the
leaders' complaint pages."""
