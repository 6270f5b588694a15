"""Reusable UI pieces of the slidegen pages."""
