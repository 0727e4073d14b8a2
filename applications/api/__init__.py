"""The dossier API (Django REST framework): views, per-action inputs, URLs."""
