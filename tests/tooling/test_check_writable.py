"""``check_writable`` (the test tool's ``--out`` / ``--dump`` check) and the ranks that run it
at once."""
import os
import sys

import pytest

from gaf_mmaction.tooling.run_options import check_writable
from gaf_mmaction.utils import OutputPathError

# Paths opened or removed while ``recording`` is on, from the interpreter's audit events (they
# cover open(), os.open(), os.remove() and os.unlink(), whatever the code calls them through).
touched: list[str] = []
recording = False


def audit(event: str, args: tuple) -> None:
    if recording and event in ('open', 'os.remove') and isinstance(args[0], str):
        touched.append(os.path.abspath(args[0]))


sys.addaudithook(audit)


def files_touched_by(path: str) -> list[str]:
    global recording
    touched.clear()
    recording = True
    try:
        check_writable(path)
    finally:
        recording = False
    return list(touched)


def test_a_new_path_is_never_created_or_removed(tmp_path):
    """Every rank of a distributed test checks the same ``--out`` at once: a check that created
    and removed the path itself removed the file another rank had just made, whose own
    removal then failed ('No such file or directory')."""
    folder = str(tmp_path / 'out')
    path = os.path.join(folder, 'results.json')
    seen = files_touched_by(path)
    assert path not in seen
    probes = [p for p in seen if os.path.dirname(p) == folder]  # the folder's own file
    assert probes and set(seen) <= {folder, *probes}
    assert os.listdir(tmp_path / 'out') == []  # the folder made, the probe gone


def test_an_existing_file_is_opened_and_kept(tmp_path):
    path = tmp_path / 'results.json'
    path.write_text('earlier')
    assert files_touched_by(str(path)) == [str(path)]
    assert path.read_text() == 'earlier'


def test_an_unwritable_place_is_named(tmp_path):
    blocker = tmp_path / 'file'
    blocker.write_text('')
    with pytest.raises(OutputPathError, match=f'Cannot write the results to {blocker}/r.json'):
        check_writable(str(blocker / 'r.json'))
    folder = tmp_path / 'folder.json'
    folder.mkdir()
    with pytest.raises(OutputPathError, match=f'Cannot write the results to {folder} '):
        check_writable(str(folder))
