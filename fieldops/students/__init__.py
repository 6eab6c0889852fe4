"""Records about students, kept apart from incidents: for command, admin and the school's
designated administrator only, every access logged."""
