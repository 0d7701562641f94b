"""Live delivery of the event feed: one waiter per process (hub), Server-Sent Events (stream)."""
