"""The officer-needs-help loop: the button, the alarm's incident, who is told and who comes."""
