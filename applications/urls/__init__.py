"""URL lists of the dossier pages: the desk (namespace "desk") and payments ("payments")."""
