"""The shipped corpus as package data: census records, exhibits, articles and word lists (no code)."""
