"""Where inside an epoch a two-pass run stopped, and how a resumed run continues from there."""
import random
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field

import numpy as np
import torch
from mmengine.dist import get_rank

from ..structures.two_pass import PASSES


@dataclass
class PassPosition:
    """A step boundary of an epoch, as a checkpoint records it (``checkpoint['train_position']``).

    Attributes:
        pass_index: The pass in progress: 0 (the CVAE pass, or the only pass
            when the loop interleaves), 1 (the detector pass); the number of
            passes once every pass of the epoch is done (its end-of-epoch
            hooks and validation still to run).
        batches: Batches of that pass done, on each rank.
        samples: Samples of that pass drawn over all ranks
            (``batches * batch_size * world_size``): what the sampler skips.
        world_size: Ranks of the stopped run.
        sampler_seed: The training sampler's shuffling seed.
        rng: Each rank's random states (Python, NumPy, torch, CUDA) at the
            boundary, indexed by rank.
    """

    pass_index: int
    batches: int
    samples: int
    world_size: int
    sampler_seed: int | None = None
    rng: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def at_batch_boundary(loop) -> bool:
    """Whether the step just done leaves every pass consistent: not between the steps of one
    batch when the loop interleaves the passes, anywhere otherwise."""
    return not getattr(loop, 'interleave', False) or loop.current_pass == PASSES[-1]


def position_after_step(loop, world_size: int) -> PassPosition:
    """The position after the step ``loop`` has just run (its ``current_pass`` and
    ``pass_iter``).

    A finished pass is given as the start of the next one, so that resuming
    never asks the sampler for an empty pass.
    """
    pass_index = 0 if getattr(loop, 'interleave', False) else PASSES.index(loop.current_pass)
    batches = loop.pass_iter + 1
    if batches == len(loop.dataloader):
        pass_index, batches = pass_index + 1, 0
    return PassPosition(pass_index, batches, batches * loop.dataloader.batch_size * world_size,
                        world_size, getattr(loop.dataloader.sampler, 'seed', None))


def rng_state() -> dict:
    """This process's random states: Python's, NumPy's (its key as plain ints, which
    weights-only loading reads), torch's and, when CUDA has started, each GPU's."""
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    state = dict(python=random.getstate(),
                 numpy=(kind, keys.tolist(), pos, has_gauss, cached),
                 torch=torch.get_rng_state())
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state['cuda'] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict) -> None:
    """Restore what :func:`rng_state` returned."""
    version, internal, gauss = state['python']
    random.setstate((version, tuple(internal), gauss))
    kind, keys, pos, has_gauss, cached = state['numpy']
    np.random.set_state((kind, np.asarray(keys, dtype=np.uint32), pos, has_gauss, cached))
    torch.set_rng_state(state['torch'])
    if 'cuda' in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state['cuda'])


def pass_batches(loop, pass_index: int,
                 resume: PassPosition | None) -> Iterable[tuple[int, dict]]:
    """``(batch index, batch)`` of pass ``pass_index``; a resumed pass starts where it stopped.

    The sampler leaves out the samples the stopped run drew; the random
    states are put back once the loader's iterator exists (creating it draws a
    seed from torch's generator, as it did when the stopped run began the
    pass), so the next batch's crops and flips and the next step's noise are
    those of an uninterrupted run.
    """
    if resume is None or resume.pass_index != pass_index or resume.batches == 0:
        return enumerate(loop.dataloader)
    loop.dataloader.sampler.skip(resume.samples)
    batches: Iterator = iter(loop.dataloader)
    set_rng_state(resume.rng[get_rank()])
    return enumerate(batches, resume.batches)
