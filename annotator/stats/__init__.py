"""Pure statistics over reviewers' labels (no Flask, no models): agreement measures."""
