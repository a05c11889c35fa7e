"""Estafette: the domain of the Estafette Wijkdialoog dashboard (no UI code here)."""
