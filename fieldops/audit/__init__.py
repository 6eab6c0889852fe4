"""The audit trail: security-relevant actions (sign-ins, revocations, user changes,
throttling), append-only, readable by admins."""
