"""Query and upsert functions. Each takes a session and never commits: the caller owns the unit of work."""
