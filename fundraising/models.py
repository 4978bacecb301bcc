"""Models of the fundraising app."""
