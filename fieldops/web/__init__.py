"""Pages: the command dashboard, the officer page, map tiles."""
