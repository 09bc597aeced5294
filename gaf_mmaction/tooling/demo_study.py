"""How much the demo's result depends on rounding: the demo for data seeds x weight perturbations.

Each run is ``run_demo`` in a fresh process (so no state carries from one run to the next),
in ``<work_dir>/s<seed>_p<perturbation>`` with its output in ``run.log`` there; a perturbation
is :class:`~gaf_mmaction.engine.WeightPerturbationHook`'s seed (1e-6 of each weight tensor's
scale, standing for another CPU's rounding), ``None`` the weights as initialised.
"""
import json
import multiprocessing
import os
import resource
import statistics
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

from ..apis.demo import DEMO_CONFIG, run_demo

TABLE_HEADER = ('| seed | perturbation | mAP@0.5 | mAP_avg | seconds | CPU seconds |\n'
                '|---|---|---|---|---|---|')


@dataclass
class StudyRun:
    """One demo run of the study: what ran and what it gave: ``mAP`` fractions, and the wall
    seconds and CPU seconds (user + system, all threads) of data generation, training, test
    and pictures. On a shared machine the wall time grows with the other load; the CPU time
    much less, and on one otherwise idle core the wall time would be about the CPU time."""
    seed: int
    perturbation: int | None
    work_dir: str
    map_05: float | None = None
    map_avg: float | None = None
    seconds: float | None = None
    cpu_seconds: float | None = None
    error: str | None = None


def run_name(seed: int, perturbation: int | None) -> str:
    """The run's folder name: ``s<seed>_p<perturbation>`` (``p-`` unperturbed)."""
    return f's{seed}_p{"-" if perturbation is None else perturbation}'


def cpu_seconds() -> float:
    """User + system CPU seconds of this process so far, all its threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def exit_with_parent(parent: int, interval: float = 1.0) -> threading.Thread:
    """End this process within ``interval`` seconds of ``parent`` ceasing to be its parent.

    A study stopped by a signal (Ctrl-C, ``kill``, a cluster's time limit) ends in its main
    process, and the pool's workers are re-parented and would train on; the check runs in
    a daemon thread.
    """
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(1)

    thread = threading.Thread(target=watch, name='exit-with-parent', daemon=True)
    thread.start()
    return thread


def run_one(work_dir: str, seed: int, perturbation: int | None, threads: int,
            config: str, cfg_options: dict | None) -> StudyRun:
    """One demo run in this process, its output written to ``work_dir/run.log``; the process
    ends if the study's process does (:func:`exit_with_parent`)."""
    exit_with_parent(os.getppid())
    Path(work_dir).mkdir(parents=True, exist_ok=True)
    log = os.open(Path(work_dir) / 'run.log', os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(log, 1)
    os.dup2(log, 2)
    torch.set_num_threads(threads)
    run = StudyRun(seed, perturbation, work_dir)
    start, cpu_start = time.perf_counter(), cpu_seconds()
    try:
        metrics = run_demo(work_dir, seed, config, cfg_options, weight_perturbation=perturbation)
    except Exception as err:  # noqa: BLE001 - one failed run is a row of the table
        run.error = f'{type(err).__name__}: {err}'
        return run
    run.seconds, run.cpu_seconds = time.perf_counter() - start, cpu_seconds() - cpu_start
    run.map_05, run.map_avg = metrics['mAP@0.5'], metrics['mAP_avg']
    return run


def run_study(work_dir: str | Path, seeds: Sequence[int], perturbations: Sequence[int | None],
              jobs: int = 1, threads: int | None = None, config: str | Path = DEMO_CONFIG,
              cfg_options: dict | None = None) -> list[StudyRun]:
    """Run the demo for every (seed, perturbation), ``jobs`` at a time.

    Each run is a fresh process of ``threads`` torch threads (default: the
    CPUs over ``jobs``). A row is printed as each run ends, and
    ``work_dir/study.json`` holds the runs so far, so an interrupted study
    keeps what it measured.

    Returns:
        The runs in (seed, perturbation) order.
    """
    work_dir = Path(work_dir).resolve()
    work_dir.mkdir(parents=True, exist_ok=True)
    threads = threads or max(1, (os.cpu_count() or 1) // jobs)
    settings = dict(config=str(config), cfg_options=cfg_options, jobs=jobs, threads=threads)
    order = [(seed, p) for seed in seeds for p in perturbations]
    runs = {}
    print(f'{len(order)} demo runs, {jobs} at a time, {threads} thread(s) each, in {work_dir}')
    print(TABLE_HEADER)
    context = multiprocessing.get_context('spawn')
    with ProcessPoolExecutor(jobs, mp_context=context, max_tasks_per_child=1) as pool:
        futures = [pool.submit(run_one, str(work_dir / run_name(seed, p)), seed, p, threads,
                               str(config), cfg_options) for seed, p in order]
        for future in as_completed(futures):
            run = future.result()
            runs[run.seed, run.perturbation] = run
            print(table_row(run), flush=True)
            (work_dir / 'study.json').write_text(json.dumps(
                dict(settings, runs=[asdict(r) for r in runs.values()]), indent=2))
    done = [runs[key] for key in order]
    print(f'\nIn (seed, perturbation) order:\n{study_table(done)}')
    return done



def table_row(run: StudyRun) -> str:
    """A Markdown row: seed, perturbation ('none' unperturbed), mAP (%), wall and CPU
    seconds."""
    perturbation = 'none' if run.perturbation is None else run.perturbation
    if run.error is not None:
        return (f'| {run.seed} | {perturbation} | failed: {run.error} (see '
                f'{run.work_dir}/run.log) | | | |')
    return (f'| {run.seed} | {perturbation} | {100 * run.map_05:.2f} | {100 * run.map_avg:.2f} '
            f'| {run.seconds:.0f} | {run.cpu_seconds:.0f} |')


def study_table(runs: Sequence[StudyRun]) -> str:
    """The runs' rows and, over the runs that finished, min / median / max of each figure."""
    lines = [TABLE_HEADER, *(table_row(run) for run in runs)]
    done = [run for run in runs if run.error is None]
    for name, form, values in (('mAP@0.5', '{:.2f} %', [100 * r.map_05 for r in done]),
                               ('mAP_avg', '{:.2f} %', [100 * r.map_avg for r in done]),
                               ('seconds', '{:.0f} s', [r.seconds for r in done]),
                               ('CPU seconds', '{:.0f} s', [r.cpu_seconds for r in done])):
        if values:
            low, middle, high = (form.format(v) for v in (min(values),
                                                           statistics.median(values),
                                                           max(values)))
            lines.append(f'{name}: min {low}, median {middle}, max {high}')
    lines.append(f'{len(done)} of {len(runs)} runs finished')
    return '\n'.join(lines)
