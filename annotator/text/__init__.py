"""Pure text processing: segmentation, sanitising, cues. No Flask imports here."""
