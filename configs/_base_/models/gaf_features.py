# GAF on precomputed features: ./gaf_i3d.py with PrecomputedFeatures in place of the backbone,
# so no backbone runs and the attention, CVAE, neck and heads work on [B, C, T] features (a
# 1 x 1 spatial map, nothing to crop). An experiment config hands the dataset config's
# clip_length, feature_channels and num_classes to model.clip_length,
# model.backbone.in_channels and model.head.num_classes.
_base_ = ['./gaf_i3d.py']

model = dict(
    crop_size=None,
    # Features pass as they are: no scaling to [-1, 1], and short test windows keep the
    # loader's padding (./gaf_i3d.py pads pixels with 0 after normalisation).
    data_preprocessor=dict(type='ClipDataPreprocessor', normalize=False, test_pad_value=None),
    backbone=dict(_delete_=True, type='PrecomputedFeatures'),
    # The reconstruction weight warms up over the feature recipe's 30 epochs
    # (../schedules/gaf_two_pass_features.py).
    attention=dict(loss_recon=dict(warmup_epochs=30)))
