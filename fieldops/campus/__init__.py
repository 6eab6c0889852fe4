"""A school campus on the map: its buildings and areas, exits and assembly points."""
