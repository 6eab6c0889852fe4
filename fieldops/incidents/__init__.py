"""Incidents: reports, lifecycle, dispatch, photos."""
