"""ResumableSampler deals out MMEngine's DefaultSampler order and, after a skip, the rest of it."""
import pytest
from mmengine.dataset import DefaultSampler

from gaf_mmaction.datasets.samplers import ResumableSampler


def per_rank(cls, monkeypatch, size: int, world: int, **kwargs) -> list:
    """One sampler per rank of ``world`` over a dataset of ``size``, at epoch 3."""
    samplers = []
    for rank in range(world):
        monkeypatch.setattr('mmengine.dataset.sampler.get_dist_info', lambda r=rank: (r, world))
        sampler = cls(range(size), seed=7, **kwargs)
        sampler.set_epoch(3)
        samplers.append(sampler)
    return samplers


@pytest.mark.parametrize('size,world,kwargs', [(11, 1, {}), (11, 3, {}), (10, 4, {}),
                                               (9, 2, dict(shuffle=False)),
                                               (11, 3, dict(round_up=False))])
def test_a_skipped_pass_continues_each_rank_where_it_stopped(monkeypatch, size, world, kwargs):
    ours = per_rank(ResumableSampler, monkeypatch, size, world, **kwargs)
    theirs = per_rank(DefaultSampler, monkeypatch, size, world, **kwargs)
    # Without a skip: MMEngine's order, rank by rank.
    assert [list(s) for s in ours] == [list(s) for s in theirs]
    for batches in range(len(theirs[-1]) + 1):
        for sampler in ours:
            sampler.skip(batches * world)  # `batches` batches of 1 on every rank
        assert [list(s) for s in ours] == [list(s)[batches:] for s in theirs]
    # A skip holds for the next pass only.
    assert [list(s) for s in ours] == [list(s) for s in theirs]


def test_a_skip_must_leave_every_rank_as_many(monkeypatch):
    sampler = per_rank(ResumableSampler, monkeypatch, 10, 4)[0]
    with pytest.raises(ValueError, match='Cannot skip 6 samples of a pass of 12 over 4 ranks'):
        sampler.skip(6)
    with pytest.raises(ValueError, match='Cannot skip 16 samples'):
        sampler.skip(16)
