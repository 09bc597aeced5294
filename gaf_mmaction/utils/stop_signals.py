"""Signals that ask a long run to stop at its next safe point, and the status it then exits with."""
import signal
from types import FrameType
from typing import Self

# The status of a run that stopped early on purpose (a signal, a time budget) and left what it
# needs to continue: sysexits.h's EX_TEMPFAIL, "temporary failure, the user is invited to
# retry". tools/slurm_train.sh requeues its job on it.
STOPPED_EXIT_STATUS = 75


def signal_number(name: str | int) -> signal.Signals:
    """``signal.SIGTERM`` for 'SIGTERM', 'TERM', 15 or ``signal.SIGTERM``.

    Raises:
        ValueError: Naming the unknown signal.
    """
    if isinstance(name, int):
        return signal.Signals(name)
    key = name.upper() if name.upper().startswith('SIG') else f'SIG{name.upper()}'
    try:
        return signal.Signals[key]
    except KeyError:
        raise ValueError(f'Unknown signal {name!r}: give a name such as SIGTERM or SIGUSR1') from None


class StopSignals:
    """Record the signals in ``names`` instead of dying of them; the run stops when it can.

    The handler only notes the signal (a handler may run between any two
    bytecodes, so it must not log or write); the run checks :attr:`received`
    at its safe points. Further signals while stopping change nothing. Use as a
    context manager, or :meth:`install` and :meth:`restore`.

    Args:
        names: Signal names or numbers ('SIGTERM', 'SIGUSR1', ...).
    """

    def __init__(self, names: tuple[str | int, ...] = ('SIGTERM', 'SIGUSR1')) -> None:
        self.signals = [signal_number(n) for n in names]
        self.received: signal.Signals | None = None
        self._previous: dict[signal.Signals, object] = {}

    def _note(self, signum: int, frame: FrameType | None) -> None:
        if self.received is None:
            self.received = signal.Signals(signum)

    def install(self) -> Self:
        """Catch the signals (from the main thread; the previous handlers are kept)."""
        for sig in self.signals:
            self._previous[sig] = signal.signal(sig, self._note)
        return self

    def restore(self) -> None:
        """Put the previous handlers back."""
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous.clear()

    def __enter__(self) -> Self:
        return self.install()

    def __exit__(self, *exc) -> None:
        self.restore()

    @property
    def names(self) -> str:
        """'SIGTERM/SIGUSR1': the signals caught, for log lines."""
        return '/'.join(sig.name for sig in self.signals)


def ignore_stop_signals(names: tuple[str | int, ...] = ('SIGTERM', 'SIGUSR1')) -> None:
    """Ignore ``names`` in this process: for worker processes, whose parent decides when to
    stop (a cluster signals every process of a job at once)."""
    for name in names:
        signal.signal(signal_number(name), signal.SIG_IGN)
