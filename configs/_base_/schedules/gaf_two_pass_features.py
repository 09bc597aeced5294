# The recipe of GAF on features (not published; learning rate and epochs are our choices):
# GAF's two-pass schedule (./gaf_two_pass.py) with the detector's Adam at lr 1e-4, 30 epochs,
# validation every 5 as there, seed 2020.
_base_ = ['./gaf_two_pass.py']

optim_wrapper = dict(detector=dict(optimizer=dict(lr=1e-4)))
train_cfg = dict(max_epochs=30)
randomness = dict(seed=2020)
