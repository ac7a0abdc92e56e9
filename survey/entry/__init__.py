"""Paper-questionnaire entry: batches, fast keyed entry that works offline, double-entry verification."""
