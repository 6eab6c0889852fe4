"""Messages from the command post to everyone, a post, or one officer."""
