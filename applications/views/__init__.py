"""The desk and public pages of the dossier domain (URLs in `applications/urls/`)."""
