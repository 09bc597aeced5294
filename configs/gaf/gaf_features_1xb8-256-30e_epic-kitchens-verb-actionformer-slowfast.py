# GAF on ActionFormer's EPIC-Kitchens-100 SlowFast release (verbs), as downloaded
# (docs/datasets.md). No backbone runs: the attention, CVAE, neck and heads work on [B, C, T]
# features (a 1 x 1 spatial map). A new setting, not part of the published code: learning rate,
# epochs and soft-NMS sigma are our choices.
_base_ = [
    '../_base_/models/gaf_i3d.py', '../_base_/datasets/actionformer_epic_kitchens_slowfast_verb.py',
    '../_base_/schedules/gaf_two_pass.py', '../_base_/default_runtime.py'
]

model = dict(
    clip_length={{_base_.clip_length}},
    crop_size=None,
    data_preprocessor=dict(type='ClipDataPreprocessor', normalize=False, test_pad_value=None),
    backbone=dict(_delete_=True, type='PrecomputedFeatures',
                  in_channels={{_base_.feature_channels}}),
    attention=dict(loss_recon=dict(warmup_epochs=30)),
    head=dict(num_classes={{_base_.num_classes}}))

optim_wrapper = dict(detector=dict(optimizer=dict(lr=1e-4)))
train_cfg = dict(max_epochs=30, val_interval=5)
randomness = dict(seed=2020)
