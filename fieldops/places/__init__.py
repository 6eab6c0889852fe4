"""Places in words: where an incident, alarm or dispatch is, said the way the radio says it."""
