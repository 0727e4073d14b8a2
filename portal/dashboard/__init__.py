"""The officials' dashboard and statistics: the one place dossier and report figures meet."""
