"""Area leads: a school's teachers and staff on their phones during drills, never tracked."""
