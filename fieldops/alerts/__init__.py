"""Alarms on the command dashboard: raised, sounded, acknowledged by a named user."""
