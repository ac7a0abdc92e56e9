"""Posters with QR codes for service points (A4/A5, SVG), and the bare QR codes."""
