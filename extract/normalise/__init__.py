"""Stage 6, normalise: numbers with magnitudes and qualifiers, dates in EDTF."""
