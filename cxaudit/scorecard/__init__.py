"""Scorecards: the numbers an institution downloads."""
