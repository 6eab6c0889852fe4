"""School drills and real responses by the Standard Response Protocol, area by area."""
