"""What matching says to the apps above it, in the transaction of the change."""

from __future__ import annotations

from django.dispatch import Signal

# Sent when an employer selects a candidate, inside the selection's transaction, with
# `candidacy` and `actor`: the placement opens with it (placements/receivers.py), and a refusal
# there (the worker is already placed) undoes the selection.
candidacy_selected = Signal()
