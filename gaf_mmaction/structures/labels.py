"""GAF's label convention (AFSD's): background is class 0, the actions follow from 1.

Every classifier output has ``num_classes`` = actions + 1 columns, column 0 the background;
action ``i`` of the class list (0-based) has label ``i + FIRST_ACTION``. MMDetection puts the
background last instead: a head or loss borrowed from it must be adapted.
"""
from collections.abc import Sequence

BACKGROUND = 0
FIRST_ACTION = 1


def class_name(classes: Sequence[str], label: int) -> str:
    """The name of action ``label`` (>= ``FIRST_ACTION``) in the class list ``classes``."""
    return classes[label - FIRST_ACTION]
