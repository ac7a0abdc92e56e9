"""Responses from every channel: the one path that writes a response with its answers."""
