"""Tracking: position fixes from phones and tracking apps, shifts, live officer state."""
