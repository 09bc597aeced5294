"""Where a detector keeps its CVAEs, the generator trained in the CVAE pass alone.

The one spelling of it: the optimizer split, the per-pass DDP wrappers, checkpoint loading
(testing needs no CVAE) and conversion all read it here. ``CVAE_KEYS`` matches the CVAE's keys
at any depth (a distiller's ``student.``).
"""
CVAE_PREFIX = 'attention.cvae.'
CVAE_KEYS = f'*{CVAE_PREFIX}*'
