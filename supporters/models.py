"""Models of the supporters app."""
