"""Administrative units of Lai Châu, versioned across the 2025 reform."""
