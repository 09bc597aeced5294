"""The files and folders a run reads, and the one-line message that names a missing one.

The same check runs wherever the input is first needed: this project's tools check the whole
config before anything is built; the datasets, the metric and the start-check hooks check their
own inputs when MMAction2's tools build them. Each names the path, the config key and the docs
section that makes it, in the same words.
"""
import os.path as osp
from collections.abc import Iterable
from dataclasses import dataclass

from .cli import lost_spaces_hint
from .errors import MissingInputError


@dataclass(frozen=True)
class InputPath:
    """A file or folder a run reads.

    Attributes:
        path: Where it is looked for (as the component resolves it, under its
            ``data_root``).
        key: The config key (or tool argument) that gives it.
        what: What it is, for the message ("frame folder of the training data").
        fix: What makes it, naming a docs section ("prepare the data as
            docs/data_preparation.md#thumos14 says").
        folder: A folder, not a file.
    """

    path: str
    key: str
    what: str
    fix: str
    folder: bool = False

    def exists(self) -> bool:
        return osp.isdir(self.path) if self.folder else osp.isfile(self.path)

    def message(self) -> str:
        """``<path> does not exist: the <what> (<key>)<hint>; <fix>``, one line."""
        return (f'{self.path} does not exist: the {self.what} ({self.key})'
                f'{lost_spaces_hint(self.path)}; {self.fix}')


def resolve(root: str | None, path: str | None) -> str | None:
    """``path`` under ``root`` unless absolute (or no root); None stays None. As MMEngine's
    ``BaseDataset`` joins ``data_root`` to ``ann_file`` and ``data_prefix``."""
    if path is None or not root or osp.isabs(path):
        return path
    return osp.join(root, path)


def missing_inputs(inputs: Iterable[InputPath]) -> list[InputPath]:
    """Those of ``inputs`` that do not exist, each path once, in order."""
    seen, missing = set(), []
    for item in inputs:
        if item.path and item.path not in seen and not item.exists():
            missing.append(item)
        seen.add(item.path)
    return missing


def require_inputs(inputs: Iterable[InputPath]) -> None:
    """Refuse to go on while an input is missing.

    Raises:
        MissingInputError: One line: the first missing input's message, and
            the count and paths of the others.
    """
    missing = missing_inputs(inputs)
    if not missing:
        return
    others = [item.path for item in missing[1:]]
    also = f' (also missing: {", ".join(others)})' if others else ''
    raise MissingInputError(missing[0].message() + also)
