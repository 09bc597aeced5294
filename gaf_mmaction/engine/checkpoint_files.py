"""Checkpoint files that are complete or absent, and finding the one to resume from.

MMEngine writes a checkpoint straight to its final name and then rewrites
``last_checkpoint``; a run killed meanwhile leaves a truncated file or an
empty pointer. Here a checkpoint is written under a temporary name and
renamed (atomic on POSIX), and resuming falls back to the newest complete
checkpoint when the pointer is empty or stale.
"""
import logging
import os
import re
from pathlib import Path

from mmengine.fileio import LocalBackend, register_backend
from mmengine.logging import print_log


@register_backend('atomic_local')
class AtomicLocalBackend(LocalBackend):
    """Local files written to ``<name>.part``, synced, then renamed to ``<name>``.

    Select it for checkpoints with ``default_hooks.checkpoint.backend_args =
    dict(backend='atomic_local')``.
    """

    def put(self, obj: bytes, filepath: str | Path) -> None:
        """Write ``obj`` to ``filepath`` so that the file is never seen half-written."""
        path = Path(filepath)
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_name(path.name + '.part')
        with open(part, 'wb') as f:
            f.write(obj)
            f.flush()
            os.fsync(f.fileno())
        os.replace(part, path)

    def put_text(self, obj: str, filepath: str | Path, encoding: str = 'utf-8') -> None:
        """Text version of :meth:`put`."""
        self.put(obj.encode(encoding), filepath)


def _step(path: Path) -> int:
    match = re.fullmatch(r'(?:epoch|iter)_(\d+)\.pth', path.name)
    return int(match.group(1)) if match else -1


def find_resume_checkpoint(work_dir: str | Path) -> str | None:
    """The checkpoint ``--resume`` continues from, or None to start afresh.

    ``last_checkpoint`` when it names an existing file; otherwise (empty
    after a kill, or naming a removed file) the highest-numbered
    ``epoch_N.pth`` / ``iter_N.pth`` in ``work_dir``, with a warning.
    """
    work_dir = Path(work_dir)
    pointer = work_dir / 'last_checkpoint'
    named = pointer.read_text().strip() if pointer.is_file() else ''
    if named and Path(named).is_file():
        return named
    found = sorted((p for p in work_dir.glob('*.pth') if _step(p) >= 0), key=_step)
    if not found:
        return None
    print_log(f'{pointer} is missing, empty or stale ({named!r}); resuming from the newest '
              f'complete checkpoint, {found[-1]}', logger='current', level=logging.WARNING)
    return str(found[-1])
