"""GAF's two-pass training protocol (docs/published_code.md §6), stated once.

Each epoch runs the whole training data twice: first the CVAE pass (the CVAEs learn to generate
the backbone maps from the attention, everything else frozen), then the detector pass
(everything else learns; the CVAEs take part untrained). Each pass steps its own optimizer
wrapper, ``runner.optim_wrapper[OPTIM_WRAPPER_KEYS[pass]]`` (``optim_wrapper.cvae`` and
``optim_wrapper.detector`` of the config), and its log names carry its own prefix.

The detector (which parameters a pass trains, the prefix of its losses), the train loop (the
order), the optimizer constructor and the per-pass DDP wrapper (one wrapper per pass), the log
processor (what a line of a pass shows) and the benchmark all read it here.
"""
CVAE_PASS = 'cvae'
DETECTOR_PASS = 'detector'
# The passes of an epoch, in the order they run.
PASSES = (CVAE_PASS, DETECTOR_PASS)
# The key of each pass's optimizer wrapper in the config's ``optim_wrapper`` (and in the
# runner's ``OptimWrapperDict``).
OPTIM_WRAPPER_KEYS = {CVAE_PASS: 'cvae', DETECTOR_PASS: 'detector'}
# The prefix of each pass's log names (its losses, its gradient norm): ``det/loss_bg``.
LOG_PREFIXES = {CVAE_PASS: 'cvae/', DETECTOR_PASS: 'det/'}


def check_pass(name: str) -> str:
    """``name`` if it is one of :data:`PASSES`.

    Raises:
        ValueError: Naming the passes, for any other name.
    """
    if name not in PASSES:
        raise ValueError(f'the training pass must be one of {PASSES}, got {name!r}')
    return name
