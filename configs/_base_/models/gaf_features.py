# GAF on pre-extracted snippet features (docs/datasets.md): no backbone runs; the attention,
# CVAE, neck and heads work on [B, C, T] features (a 1 x 1 spatial map, one step per feature).
# An experiment config sets model.clip_length (the window's steps), backbone.in_channels (the
# release's channels) and head.num_classes (its classes + 1) from its dataset config.
_base_ = ['./gaf_i3d.py']

model = dict(
    crop_size=None,
    data_preprocessor=dict(type='ClipDataPreprocessor', normalize=False, test_pad_value=None),
    backbone=dict(_delete_=True, type='PrecomputedFeatures', in_channels=2048),
    attention=dict(loss_recon=dict(warmup_epochs=30)))
