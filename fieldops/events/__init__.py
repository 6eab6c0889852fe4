"""Event set-up: events, courses, posts, roster."""
