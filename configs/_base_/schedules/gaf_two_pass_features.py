# GAF's two passes on pre-extracted features (docs/datasets.md): the learning rate and epochs of
# configs/gaf/gaf_i3d-features_1xb8-256-30e_thumos14.py, a new setting of ours, not published.
_base_ = ['./gaf_two_pass.py']

optim_wrapper = dict(detector=dict(optimizer=dict(lr=1e-4)))
train_cfg = dict(max_epochs=30, val_interval=5)
randomness = dict(seed=2020)
