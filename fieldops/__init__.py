"""fieldops: event-day field operations. Import nothing here: entry points monkey-patch first."""
