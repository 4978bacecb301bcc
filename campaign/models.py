"""Models of the campaign app."""
