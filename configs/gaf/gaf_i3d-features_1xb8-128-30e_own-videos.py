# GAF on backbone features of your own videos (docs/your_own_data.md): the features of
# tools/data/extract_features.py (a feature every 4 frames), windows of 128 steps (51 s), the
# THUMOS14 feature recipe's rates and epochs. Set model.head.num_classes (your classes + 1).
_base_ = [
    '../_base_/models/gaf_i3d.py', '../_base_/datasets/own_videos_features.py',
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
