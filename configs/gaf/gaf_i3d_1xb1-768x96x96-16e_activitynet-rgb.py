# GAF on ActivityNet-1.3, RGB, by analogy with THUMOS14 (the published ActivityNet GAF code does
# not run, docs/published_code.md §11 Q18). Differences from THUMOS14, as published for ActivityNet:
# one 768-frame window per video (re-encoded to <= 768 frames), Mixed_5c only (96 steps),
# class-agnostic detection (2 classes; labels come from a video-level classifier at test time),
# background loss x700, padding 0 after normalisation, batch 1, Adam lr 1e-4 (backbone x0.1),
# weight decay 1e-4, 16 epochs. Not reproduced: the per-level regression ranges and stride
# scaling of the published ActivityNet AFSD head; our THUMOS14 head and loss are used instead.
_base_ = [
    '../_base_/models/gaf_i3d.py', '../_base_/datasets/activitynet_rgb.py',
    '../_base_/schedules/gaf_two_pass.py', '../_base_/default_runtime.py'
]

model = dict(
    clip_length=768,
    data_preprocessor=dict(train_pad_value=0.0, test_pad_value=0.0),
    backbone=dict(out_endpoints=('Mixed_5c', ), pretrained='data/i3d_models/rgb_imagenet.pt'),
    attention=dict(in_channels=(1024, ), temporal_strides=(8, ), spatial_sizes=(3, ),
                   loss_recon=dict(warmup_epochs=16)),
    neck=dict(in_channels=(1024, ), spatial_sizes=(3, )),
    head=dict(num_classes=2, loss_background=dict(loss_weight=700.0)),
    # The published ActivityNet test keeps detections scoring above 1e-9.
    test_cfg=dict(score_threshold=1e-9))

optim_wrapper = dict(
    detector=dict(
        optimizer=dict(type='Adam', lr=1e-4, betas=(0.9, 0.999), weight_decay=1e-4),
        paramwise_cfg=dict(custom_keys=dict(backbone=dict(lr_mult=0.1)))))
train_cfg = dict(max_epochs=16, val_interval=2)
auto_scale_lr = dict(base_batch_size=1)
randomness = dict(seed=2020)
