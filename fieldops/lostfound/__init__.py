"""Lost and found: found items and their chain of custody, lost reports, matches."""
