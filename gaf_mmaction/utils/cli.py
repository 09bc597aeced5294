"""Command-line pieces shared by the tools: ``--cfg-options`` that keeps paths whole, durations,
and user mistakes printed as one message."""
import contextlib
import sys
from argparse import ArgumentParser, ArgumentTypeError, Namespace
from collections.abc import Iterator, Sequence
from pathlib import Path

from mmengine.config import DictAction

from .errors import UserError

# A key whose last part ends so names a path (data_root, ann_file, data_prefix.video, ...).
PATH_KEY_ENDINGS = ('_root', '_file', '_dir', '_path', '_from', 'prefix', 'video', 'flow',
                    'filename', 'pretrained', 'checkpoint')


def names_a_path(key: str, value: str) -> bool:
    """Whether ``--cfg-options key=value`` gives a path (kept whole, spaces and commas too)."""
    if value.strip('\'"').startswith(('[', '(')):
        return False
    return key.rsplit('.', 1)[-1].endswith(PATH_KEY_ENDINGS) or '/' in value


class PathDictAction(DictAction):
    """MMEngine's ``DictAction``, except that a value naming a path keeps its spaces and commas.

    MMEngine removes every space of a value and splits it at commas, so
    ``data_root=/data/my videos`` becomes ``/data/myvideos``. Here a value whose
    key names a path (see :data:`PATH_KEY_ENDINGS`), or that holds a ``/``, is
    taken whole, less its surrounding quotes; every other value is parsed as
    MMEngine does (numbers, booleans, None, lists and tuples).
    """

    def __call__(self, parser: ArgumentParser, namespace: Namespace,
                 values: str | Sequence[str] | None, option_string: str | None = None) -> None:
        options = dict(getattr(namespace, self.dest, None) or {})
        for item in values or ():
            key, sep, value = item.partition('=')
            if not sep:
                parser.error(f'{option_string} takes KEY=VALUE pairs, got {item!r}')
            options[key] = (value.strip('\'"') if names_a_path(key, value)
                            else self._parse_iterable(value))
        setattr(namespace, self.dest, options)


def duration(text: str) -> float:
    """Seconds of ``'90'``, ``'1:30'`` (minutes:seconds), ``'23:50:00'`` or ``'1-23:50:00'``
    (days-hours:minutes:seconds, as Slurm writes time limits): an argparse ``type``.

    Raises:
        ArgumentTypeError: Naming the text that is not such a duration.
    """
    problem = f'{text!r} is not a duration (seconds, M:SS, H:MM:SS or D-HH:MM:SS)'
    days, dash, clock = text.strip().rpartition('-')
    try:
        parts = [float(p) for p in clock.split(':')]
        days = float(days) if dash else 0.0
    except ValueError:
        raise ArgumentTypeError(problem) from None
    if len(parts) > 3 or min(parts + [days]) < 0:
        raise ArgumentTypeError(problem)
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + part
    return days * 86400 + seconds


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Print a :class:`UserError` as ``error: <message>``, without a traceback (its message
    says what to change), and exit with its ``exit_status``: 2 for a usage mistake (a missing
    input, as argparse's bad arguments), 1 otherwise."""
    try:
        yield
    except UserError as err:
        print(f'error: {err}', file=sys.stderr)
        raise SystemExit(err.exit_status) from None


def lost_spaces_hint(path: str) -> str:
    """A sentence for the error about a missing ``path`` when the path exists with spaces
    that MMEngine's ``--cfg-options`` dropped (``/data/myvideos`` for ``/data/my videos``);
    '' otherwise."""
    path = Path(path)
    found = Path(path.anchor or '.')
    for part in path.parts[1:] if path.anchor else path.parts:
        if (found / part).exists():
            found = found / part
            continue
        twins = sorted(entry.name for entry in found.iterdir()
                       if ' ' in entry.name and entry.name.replace(' ', '') == part) \
            if found.is_dir() else []
        if not twins:
            return ''
        return (f' - but {found / twins[0]} exists: MMEngine\'s --cfg-options drops every '
                'space from a value (as MMAction2\'s own tools do); give the path in the '
                'config file, or pass it to this project\'s tools, which keep it')
    return ''
