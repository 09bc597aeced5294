"""Helpers shared by the tests: config paths, model building, tools, float tolerances, published
key listings."""
import contextlib
import io
import math
import os
import subprocess
import sys
from pathlib import Path

import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.registry import init_default_scope

import gaf_mmaction  # noqa: F401  (registers the components)
from gaf_mmaction.testing import data_options as data_options_of

REPO = Path(__file__).resolve().parents[1]
CONFIGS = REPO / 'configs'
TEST_DATA = Path(__file__).resolve().parent / 'data'
TINY_CONFIG = str(TEST_DATA / 'configs' / 'gaf_tiny.py')


def build_from_config(name: str, **overrides) -> torch.nn.Module:
    """Build the model of ``configs/<name>`` with seed 0, in eval mode."""
    init_default_scope('mmaction')
    cfg = Config.fromfile(CONFIGS / name)
    cfg.merge_from_dict({f'model.{k}': v for k, v in overrides.items()})
    torch.manual_seed(0)
    return MODELS.build(cfg.model).eval()


class ToolRun(subprocess.CompletedProcess):
    """A finished tool run: ``returncode``, ``stdout``, ``stderr``, and ``output``."""

    @property
    def output(self) -> str:
        """The whole log: stdout, then stderr."""
        return self.stdout + self.stderr


def run_tool(command: str | Path | list[str], *args: object, check: bool = True,
             timeout: int = 300, env_update: dict[str, str | None] | None = None) -> ToolRun:
    """Run a tool in the repository root as a user runs it, its output captured.

    ``command`` is a script's path, relative to the repository root or absolute (``.sh``
    scripts run under bash, the others under this interpreter: ``run_tool('tools/train.py',
    CONFIG, ...)``), or a whole command line (``[sys.executable, '-m', ...]``); ``args``
    follow it. The process runs on one thread (OMP_NUM_THREADS=1: a computation compared bit
    for bit with it runs in-process under ``torch_threads(1)``), unbuffered, with the
    repository importable (its ``tests`` package included: configs import test hooks) and
    ``$PYTHON`` this interpreter (for the shell scripts); ``env_update`` adds to (or, with None
    values, removes from) that environment. With ``check`` a failed run fails the test with
    the tail of its output; ``check=False`` returns it for the test to inspect.
    """
    if isinstance(command, list):
        argv = [*command, *map(str, args)]
    else:
        runner = 'bash' if str(command).endswith('.sh') else sys.executable
        argv = [runner, str(command), *map(str, args)]
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONUNBUFFERED='1', PYTHON=sys.executable,
               PYTHONPATH=str(REPO))
    for key, value in (env_update or {}).items():
        env.pop(key, None)
        if value is not None:
            env[key] = value
    proc = subprocess.run(argv, check=False, cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=timeout)
    run = ToolRun(proc.args, proc.returncode, proc.stdout, proc.stderr)
    if check:
        assert run.returncode == 0, run.output[-4000:]
    return run


def options_for(files: dict[str, str], video_dir: str) -> list[str]:
    """--cfg-options pointing a config's train, validation and test data at generated files."""
    return [f'{key}={value}' for key, value in
            data_options_of(dict(files, video_dir=video_dir)).items()]


def assert_same_detections(first: list[dict], second: list[dict]) -> None:
    """The same detections, bit for bit, in any order of equal scores.

    For two paths that compute the same way (the same windows per batch, the same thread
    count): soft-NMS at sigma 0.01 changes a score by 2 IoU / sigma times a change of the IoU,
    so the float32 rounding of another batch composition reaches the scores far beyond any
    tolerance that would still mean something (docs/development.md, "Tolerances").
    """
    def ordered(found: list[dict]) -> list[tuple]:
        return sorted((d['label'], *d['segment'], d['score']) for d in found)
    assert ordered(second) == ordered(first)


@contextlib.contextmanager
def torch_threads(count: int):
    """Run torch's CPU kernels on ``count`` threads inside the block (a tool of
    :func:`run_tool` runs on one): the thread count decides how a kernel splits its sums, so
    two computations compared bit for bit must share it."""
    before = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)


# Tolerances (docs/development.md, "Tolerances"). Two computations that do the same operations
# in the same order give the same bits on any CPU: those are compared exactly. Where the
# arithmetic differs (a formula against the code, a loop against a vectorised sum, another batch
# composition or kernel), the tolerance follows from the unit roundoff u: one correctly rounded
# +, -, *, /, sqrt errs by at most u relative (exp, log, pow by at most 2 u: count them twice).
U32 = 2.0 ** -24
U_BF16 = 2.0 ** -8
# The deepest path of weight layers in the GAF detector, tiny or full size: backbone 21 (three
# stem convolutions and 9 Inception blocks of at most 2 in a row), attention 3 (reduction,
# convolution, linear), neck 6 (level 0 and the 5 chained levels), head 7 (tower 2, proposal
# branch 4, output 1): 37, rounded up.
GAF_DEPTH = 40
# Safety factor of the probabilistic model of rounding (Higham and Mary, SIAM J. Sci. Comput.
# 41(5), 2019): a sum of n terms whose n roundings err independently, with mean 0, errs by
# more than lambda sqrt(n) u times its largest partial sum with probability below
# 2 exp(-lambda^2 / 2) = 3e-8. (Terms of mixed signs, as a layer's, keep the partial sums of
# the output's size.)
LAMBDA = 6.0


def ops_rtol(operations: int, u: float = U32) -> float:
    """Relative bound on a value made by ``operations`` rounded operations against its exact
    value (first order: the relative errors add)."""
    return operations * u


def sum_rtol(terms: int, operations: int = 1, u: float = U32) -> float:
    """Relative bound between two computations of a sum of ``terms`` terms of one sign, each
    made by at most ``operations`` rounded operations, summed in any order.

    Each computation is within (terms - 1 + operations) u of the exact sum (Higham, Accuracy
    and Stability of Numerical Algorithms, 2nd ed., section 4.2: |fl(sum) - sum| <=
    gamma_(n-1) sum |x_i|, which is the sum itself when the terms share a sign), so two of
    them are within twice that of each other.
    """
    return 2 * (terms - 1 + operations) * u


def fan_in(model: torch.nn.Module) -> int:
    """The longest dot product of ``model``'s convolutions and linear layers (terms)."""
    sizes = [m.weight[0].numel() for m in model.modules()
             if isinstance(m, (torch.nn.Conv1d, torch.nn.Conv2d, torch.nn.Conv3d,
                               torch.nn.Linear))]
    sizes += [m.weight[:, 0].numel() for m in model.modules()
              if isinstance(m, (torch.nn.ConvTranspose1d, torch.nn.ConvTranspose2d,
                                torch.nn.ConvTranspose3d))]
    return max(sizes)


def network_rtol(model: torch.nn.Module, depth: int = GAF_DEPTH, u: float = U32) -> float:
    """Bound, relative to an output's scale, between two computations of ``model``'s outputs
    that arrange the same arithmetic differently (batch composition, thread count, kernels,
    another CPU).

    Each layer's dot products of at most ``fan_in(model)`` terms err by at most LAMBDA sqrt(n)
    u of the layer's scale (the probabilistic model above; normalisation keeps each layer's
    scale that of its output); the errors of ``depth`` layers add up, and two computations
    differ by at most the sum of their errors. For the tiny test model (n = 5184): 2.1e-3,
    where the outputs of two batch compositions differ by about 1e-6 and a batch that couples
    windows changes them by about 8 % (tests/models/test_detector.py).
    """
    return 2 * depth * LAMBDA * math.sqrt(fan_in(model)) * u


def autocast_rtol(depth: int = GAF_DEPTH, u: float = U_BF16) -> float:
    """Estimate, relative to an output's scale, of how far a bf16 autocast forward lands from
    the fp32 one.

    Autocast rounds each layer's inputs and weights to bf16 and accumulates in fp32, so a
    product errs by up to 2 u, independently of its neighbours: a dot product's error is a
    random walk of about sqrt(2) u of its output's scale, whatever its length, and the
    ``depth`` layers' errors add up as a random walk again: LAMBDA sqrt(2 depth) u (0.21 for
    the GAF model). (The worst case, every error aligned, is no useful bound at 2^-8.)
    """
    return LAMBDA * math.sqrt(2 * depth) * u


def network_atol(model: torch.nn.Module, reference: torch.Tensor, **kwargs) -> float:
    """:func:`network_rtol` in the units of ``reference`` (an output of the model: its largest
    magnitude is its scale)."""
    return network_rtol(model, **kwargs) * reference.detach().abs().max().item()


def published_keys(name: str) -> dict[str, list[int]]:
    """Key -> shape listing of a published state dict (docs/published_code.md Appendix A.5)."""
    rows = (TEST_DATA / f'published_{name}_keys.tsv').read_text().splitlines()
    return {key: [int(d) for d in shape.strip('[]').split(',') if d.strip()]
            for key, shape in (r.split('\t') for r in rows if r[:1] != '#')}


class TouchOnUnpickle:
    """Unpickling it creates ``target``: what a malicious checkpoint could do, harmlessly."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self):
        return (Path.touch, (self.target,))


def checkpoint_bytes(content: dict) -> bytes:
    """``content`` as the bytes of a torch checkpoint file (``torch.save``)."""
    buffer = io.BytesIO()
    torch.save(content, buffer)
    return buffer.getvalue()
