# Runtime defaults (MMAction2 1.1.0's `mmaction::` bases cannot be inherited
# from its wheel, so they are kept here).
default_scope = 'mmaction'
custom_imports = dict(imports=['gaf_mmaction'], allow_failed_imports=False)

default_hooks = dict(
    runtime_info=dict(type='RuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=20, ignore_last=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # Written to a temporary name and renamed: a kill while saving leaves no half file. Kept:
    # the newest (what --resume needs; the older one goes once the new one is whole) and the
    # best. The THUMOS14 RGB model's checkpoint with both Adam states is 1.83 GB
    # (tools/analysis/get_flops.py prints it and what a run keeps: docs/training.md).
    checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=1,
                    save_best='detection/mAP_avg', rule='greater',
                    backend_args=dict(backend='atomic_local')),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    sync_buffers=dict(type='SyncBuffersHook'),
    # A NaN or infinite loss stops training ('skip': warn and go on; 'ignore'). It also reads
    # each step's logged values in one go: one wait for the device per step.
    non_finite_loss=dict(type='NonFiniteLossHook', policy='stop'),
    # The checks that guard a run, here so that MMAction2's own tools/train.py and test.py run
    # them too; each stops the run with a message naming the file or key to change, before the
    # failure it prevents. Inputs that do not exist (the pretrained weights, before they load):
    input_files=dict(type='InputFilesHook'),
    # A load_from / resume checkpoint that does not fit the model, before it is loaded
    # (allow_partial=True, tools/train.py --allow-partial-load: load what fits, logging the rest):
    start_checkpoint=dict(type='StartCheckpointHook', allow_partial=False),
    # Clips of another channel count than the model takes, before the first step:
    input_channels=dict(type='InputChannelsHook'),
    # randomness.deterministic=True with modules CUDA cannot run deterministically:
    deterministic=dict(type='DeterministicCheckHook'),
    # A head of another class count than the data's is refused, naming both, before any step.
    class_count=dict(type='ClassCountHook'),
    # On SIGTERM or SIGUSR1 (Slurm's --signal warning, a preemption), or before a time budget
    # or the Slurm job's end runs out: a checkpoint after the current step, then exit status 75
    # for a requeue (docs/training.md, "Preemption and time limits").
    preemption=dict(type='PreemptionHook', signals=('SIGTERM', 'SIGUSR1'), time_budget=None,
                    margin=300),
    # Off unless test.py --show-dir switches it on: one timeline PNG per test video.
    visualization=dict(type='TimelineVisualizationHook', enable=False))

env_cfg = dict(
    # Every clip of a config has the same shape, so cuDNN's autotuning is paid once and then
    # picks the fastest 3-D convolutions (randomness.deterministic=True turns it off again).
    cudnn_benchmark=True,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    # Collectives wait this long (seconds) before failing: the other ranks wait for rank 0 to
    # merge and score the whole test set at every validation, at worst about a minute
    # (docs/performance.md), well inside it; NCCL's default is 600.
    dist_cfg=dict(backend='nccl', timeout=1800))

# Lines name their pass (cvae / detector) and carry only that pass's losses.
log_processor = dict(type='TwoPassLogProcessor', window_size=20, by_epoch=True)
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='ActionVisualizer', vis_backends=vis_backends)
log_level = 'INFO'
load_from = None
resume = False
