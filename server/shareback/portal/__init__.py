"""The advocate's own page: the magic link that opens it, what it shows, and its HTML."""
