# GAF on your own videos (docs/your_own_data.md): the THUMOS14 RGB recipe (Inception-I3D from
# Kinetics, 256-frame windows of 96x96 crops) on the generic JSON of OwnVideosDataset. Set the
# head's classes (yours + 1 for the background) and, for few videos, fewer epochs:
#   python tools/train.py configs/gaf/gaf_i3d_1xb8-256x96x96-300e_own-videos-rgb.py \
#       --cfg-options model.head.num_classes=6 train_cfg.max_epochs=50
_base_ = [
    '../_base_/models/gaf_i3d.py', '../_base_/datasets/own_videos_rgb.py',
    '../_base_/schedules/gaf_two_pass.py', '../_base_/default_runtime.py'
]

model = dict(clip_length={{_base_.clip_length}}, crop_size={{_base_.crop_size}},
             backbone=dict(in_channels=3, pretrained='data/i3d_models/rgb_imagenet.pt'),
             head=dict(num_classes={{_base_.num_classes}}))

train_cfg = dict(max_epochs=300)
randomness = dict(seed=2020)
