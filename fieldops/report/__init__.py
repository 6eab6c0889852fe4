"""The post-event report: what happened, where, how fast it was handled, what it cost."""
