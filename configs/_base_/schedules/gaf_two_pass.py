# GAF's schedule (docs/published_code.md §6): per epoch a CVAE pass, then a detector pass,
# each with its optimizer; constant learning rates, no scheduler.
# Validation (the test split, as the published code and the literature evaluate) every
# val_interval epochs and after the last one; --no-validate turns it off.
train_cfg = dict(type='TwoPassTrainLoop', max_epochs=300, val_interval=5, interleave=False)
val_cfg = dict(type='ValLoop')

# SkipNonFiniteOptimWrapper is OptimWrapper that drops a step with NaN/inf gradients
# (with default_hooks.non_finite_loss.policy='skip'; the default 'stop' ends training first).
optim_wrapper = dict(
    constructor='GAFOptimWrapperConstructor',
    detector=dict(
        type='SkipNonFiniteOptimWrapper',
        # Adam's weight_decay is the coupled L2 of the published optimizer. fused: one kernel
        # for the whole update instead of a few per parameter group (the same Adam).
        optimizer=dict(type='Adam', lr=1e-5, betas=(0.9, 0.999), weight_decay=1e-3,
                       fused=True)),
    cvae=dict(
        type='SkipNonFiniteOptimWrapper',
        optimizer=dict(type='Adam', lr=1e-3, betas=(0.8, 0.999), weight_decay=0, fused=True)))

param_scheduler = []

# Under DDP each pass all-reduces the gradients of what it trains, and nothing else.
model_wrapper_cfg = dict(type='TwoPassDistributedDataParallel')

# The published learning rates are for one GPU with this batch; --auto-scale-lr multiplies both
# optimizers' rates by (GPUs x batch per GPU) / base_batch_size.
auto_scale_lr = dict(enable=False, base_batch_size=8)
