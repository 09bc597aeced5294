"""Disjoint shares of a list of videos: one per Slurm array task, torchrun rank or --shard."""
import argparse
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Shard:
    """Share ``index`` (0 .. ``count`` - 1) of ``count``."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if self.count < 1 or not 0 <= self.index < self.count:
            raise ValueError(f'Shard {self.index}/{self.count} does not exist: the index counts '
                             f'from 0 to the number of shards - 1')

    def __str__(self) -> str:
        return f'{self.index}/{self.count}'

    def select(self, names: list[str]) -> list[str]:
        """The names of this share: every ``count``-th of the sorted names, from ``index``.

        Deterministic (a name's share depends only on the sorted list), the
        shares are disjoint and together hold every name once, and their
        sizes differ by at most one.
        """
        return sorted(set(names))[self.index::self.count]


def shard_from_environment() -> Shard:
    """This process's share: torchrun's ``RANK`` of ``WORLD_SIZE``, else the Slurm array task's
    place (``SLURM_ARRAY_TASK_ID`` less ``SLURM_ARRAY_TASK_MIN``, over its step) among
    ``SLURM_ARRAY_TASK_COUNT``.

    Raises:
        ValueError: When neither is set.
    """
    env = os.environ
    if env.get('WORLD_SIZE'):
        return Shard(int(env.get('RANK') or 0), int(env['WORLD_SIZE']))
    if env.get('SLURM_ARRAY_TASK_COUNT'):
        step = int(env.get('SLURM_ARRAY_TASK_STEP') or 1)
        place = (int(env['SLURM_ARRAY_TASK_ID']) - int(env.get('SLURM_ARRAY_TASK_MIN') or 0))
        return Shard(place // step, int(env['SLURM_ARRAY_TASK_COUNT']))
    raise ValueError('--shard auto needs torchrun (RANK, WORLD_SIZE) or a Slurm array job '
                     '(SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT); give --shard I/N instead')


def parse_shard(text: str) -> Shard:
    """``'I/N'`` (share I, from 0, of N) or ``'auto'`` (:func:`shard_from_environment`).

    Raises:
        ValueError: Naming the text when it is neither.
    """
    if text == 'auto':
        return shard_from_environment()
    index, slash, count = text.partition('/')
    if not (slash and index.strip().isdigit() and count.strip().isdigit()):
        raise ValueError(f'--shard takes I/N (share I of N, I from 0) or auto, got {text!r}')
    return Shard(int(index), int(count))


def add_shard_option(parser: argparse.ArgumentParser, verb: str) -> None:
    """``--shard I/N|auto`` on a preparation tool: ``args.shard`` is a :class:`Shard` or None,
    and a value that names no shard is a usage error (exit 2) quoting it.

    Args:
        parser: The tool's parser.
        verb: What the tool does to its share of the videos ('convert', 'extract').
    """
    def shard(text: str) -> Shard:
        try:
            return parse_shard(text)
        except ValueError as err:
            raise argparse.ArgumentTypeError(str(err)) from err

    parser.add_argument('--shard', metavar='I/N', type=shard,
                        help=f'{verb} share I (from 0) of N of the videos (every N-th by name); '
                             "'auto': from torchrun's RANK/WORLD_SIZE or a Slurm array task")
