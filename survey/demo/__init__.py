"""Demo data: units, service points, staff accounts and a few hundred realistic responses."""
