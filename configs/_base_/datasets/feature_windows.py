# Windows of precomputed features, read and batched as every feature dataset reads them: the
# feature releases' files (./actionformer_*.py, ./opentad_*.py), ./thumos14_i3d_features.py and
# ./own_videos_features.py inherit this and add their dataset (its subsets and window strides),
# their protocol's tIoUs and soft-NMS sigma, and sets val_dataloader and val_evaluator to its
# test ones again: the aliases here are copies of this skeleton, into which MMEngine merges those.
train_pipeline = [
    dict(type='LoadFeatureWindow'),
    dict(type='BoundarySplice'),
    dict(type='PackDetectionInputs'),
]
test_pipeline = [
    dict(type='LoadFeatureWindow'),
    dict(type='PackDetectionInputs'),
]
train_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    pin_memory=True,
    drop_last=True,
    # DefaultSampler that can continue a pass where a stopped run left it (PreemptionHook).
    sampler=dict(type='ResumableSampler', shuffle=True),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(pipeline=train_pipeline))
test_dataloader = dict(
    batch_size=16,
    num_workers=4,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(test_mode=True, pipeline=test_pipeline))
# A video's detections, merged over its windows by soft-NMS, against the annotation file's own
# ground truth (gt_file=None).
test_evaluator = dict(
    type='TemporalDetectionMetric',
    gt_file=None,
    post_processor=dict(type='VideoPostProcessor', top_k=5000))
test_cfg = dict(type='TestLoop')
val_dataloader = test_dataloader
val_evaluator = test_evaluator
