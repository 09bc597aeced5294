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

from ..checkpoint.safe_loading import checkpoint_file_problem


@register_backend('atomic_local')
class AtomicLocalBackend(LocalBackend):
    """Local files written to ``<name>.part``, synced, then renamed to ``<name>``.

    Select it for checkpoints with ``default_hooks.checkpoint.backend_args =
    dict(backend='atomic_local')``.
    """

    def put(self, obj: bytes, filepath: str | Path) -> None:
        """Write ``obj`` to ``filepath`` so that the file is never seen half-written.

        Raises:
            OSError: Naming the file when the write fails (a full disk, say);
                the partial ``.part`` file is removed first, so the space it
                took is free again and ``--resume`` finds only complete files.
        """
        path = Path(filepath)
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_name(path.name + '.part')
        try:
            with open(part, 'wb') as f:
                f.write(obj)
                f.flush()
                os.fsync(f.fileno())
        except OSError as err:
            part.unlink(missing_ok=True)
            raise OSError(err.errno, f'Could not write {path} ({err.strerror}); the partial '
                          f'file {part.name} was removed. Free some space (or lower '
                          'default_hooks.checkpoint.max_keep_ckpts) and resume with --resume.'
                          ) from err
        os.replace(part, path)

    def put_text(self, obj: str, filepath: str | Path, encoding: str = 'utf-8') -> None:
        """Text version of :meth:`put`."""
        self.put(obj.encode(encoding), filepath)


# A checkpoint written mid-epoch by PreemptionHook: epoch_<epoch in progress>_iter_<iterations
# done>.pth. It comes after epoch_<epoch - 1>.pth and before epoch_<epoch>.pth.
STOP_CHECKPOINT = re.compile(r'epoch_(\d+)_iter_(\d+)\.pth')


def stop_checkpoint_name(epoch: int, iterations: int) -> str:
    """The name of a checkpoint written during (1-based) ``epoch`` after ``iterations``."""
    return f'epoch_{epoch}_iter_{iterations}.pth'


def _step(path: Path) -> tuple[int, int] | None:
    """(complete epochs, iterations) of a checkpoint's name, to order them; None for others."""
    if match := STOP_CHECKPOINT.fullmatch(path.name):
        return int(match.group(1)) - 1, int(match.group(2))
    if match := re.fullmatch(r'epoch_(\d+)\.pth', path.name):
        return int(match.group(1)), 0
    if match := re.fullmatch(r'iter_(\d+)\.pth', path.name):
        return 0, int(match.group(1))
    return None


def write_last_checkpoint(work_dir: str | Path, checkpoint: str | Path) -> None:
    """Point ``work_dir/last_checkpoint`` at ``checkpoint``, atomically (MMEngine rewrites it in
    place)."""
    AtomicLocalBackend().put_text(str(checkpoint), Path(work_dir) / 'last_checkpoint')


def remove_stop_checkpoints(work_dir: str | Path, keep: str | Path | None = None) -> list[Path]:
    """Delete the mid-epoch checkpoints of ``work_dir`` but ``keep``: a newer checkpoint holds
    everything they do. Returns the files removed."""
    keep = Path(keep).resolve() if keep else None
    removed = [p for p in Path(work_dir).glob('epoch_*_iter_*.pth')
               if STOP_CHECKPOINT.fullmatch(p.name) and p.resolve() != keep]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def _pointer_target(pointer: Path) -> str:
    """The path ``last_checkpoint`` names, or '' when it is missing, empty or unreadable."""
    try:
        return pointer.read_text(encoding='utf-8').strip() if pointer.is_file() else ''
    except (UnicodeDecodeError, OSError):
        return ''


def find_resume_checkpoint(work_dir: str | Path) -> str | None:
    """The checkpoint ``--resume`` continues from, or None to start afresh.

    ``last_checkpoint`` when it names an intact file; otherwise (empty or
    garbled after a kill, naming a removed or damaged file) the newest intact
    ``epoch_N.pth`` / ``iter_N.pth`` / ``epoch_N_iter_M.pth`` in ``work_dir``
    (a mid-epoch ``epoch_N_iter_M.pth`` is newer than ``epoch_<N - 1>.pth``
    and older than ``epoch_N.pth``).
    Each damaged file passed over (empty, truncated) and the fallback are
    logged; with no checkpoint at all, a warning says that training starts
    from scratch.
    """
    work_dir = Path(work_dir)
    pointer = work_dir / 'last_checkpoint'
    named = _pointer_target(pointer)
    numbered = sorted((p for p in work_dir.glob('*.pth') if _step(p) is not None), key=_step,
                      reverse=True)
    pointed = [Path(named)] if named and Path(named).is_file() else []
    # The pointer usually names one of the numbered files: check (and log) each file once, the
    # pointed one first, then newest to oldest (built reversed so the first place wins).
    candidates = {p.resolve(): p for p in reversed(pointed + numbered)}
    for candidate in reversed(candidates.values()):
        problem = checkpoint_file_problem(candidate)
        if problem is None:
            if candidate not in pointed:
                print_log(f'{pointer} is missing, empty, garbled or names a missing or damaged '
                          f'file ({named!r}); resuming from the newest intact checkpoint, '
                          f'{candidate}', logger='current', level=logging.WARNING)
            return str(candidate)
        print_log(f'Not resuming from {candidate}: it {problem}', logger='current',
                  level=logging.WARNING)
    print_log(f'--resume found no intact checkpoint in {work_dir}: training starts from '
              'scratch', logger='current', level=logging.WARNING)
    return None
