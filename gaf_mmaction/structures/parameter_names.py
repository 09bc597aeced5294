"""Where a detector keeps its generative attention, and in it its CVAEs (the generator trained
in the CVAE pass alone).

The one spelling of both: the optimizer split, the per-pass DDP wrappers, checkpoint loading
(testing needs no CVAE; the published fusion's flow stream drops the attention), conversion and
the complexity table all read them here. ``CVAE_KEYS`` matches the CVAE's keys at any depth (a
distiller's ``student.``).
"""
ATTENTION_PREFIX = 'attention.'
CVAE_PREFIX = f'{ATTENTION_PREFIX}cvae.'
CVAE_KEYS = f'*{CVAE_PREFIX}*'
