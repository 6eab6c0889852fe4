"""Lost and found: found items, lost reports, chain of custody, matching."""
