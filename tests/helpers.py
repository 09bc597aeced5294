"""Helpers shared by the tests: config paths, model building, tools, published key listings."""
import io
import subprocess
import sys
from pathlib import Path

import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.registry import init_default_scope

import gaf_mmaction  # noqa: F401  (registers the components)

REPO = Path(__file__).resolve().parents[1]
CONFIGS = REPO / 'configs'
TEST_DATA = Path(__file__).resolve().parent / 'data'


def build_from_config(name: str, **overrides) -> torch.nn.Module:
    """Build the model of ``configs/<name>`` with seed 0, in eval mode."""
    init_default_scope('mmaction')
    cfg = Config.fromfile(CONFIGS / name)
    cfg.merge_from_dict({f'model.{k}': v for k, v in overrides.items()})
    torch.manual_seed(0)
    return MODELS.build(cfg.model).eval()


def run_tool(script: str, *args: object) -> subprocess.CompletedProcess:
    """``python tools/<script> ARGS`` from the repository root, as a user runs it."""
    return subprocess.run([sys.executable, str(REPO / 'tools' / script), *map(str, args)],
                          cwd=REPO, capture_output=True, text=True, timeout=300, check=False)


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
