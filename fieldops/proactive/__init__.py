"""An officer's proactive work at a school: safety walks, conversations, classes delivered."""
