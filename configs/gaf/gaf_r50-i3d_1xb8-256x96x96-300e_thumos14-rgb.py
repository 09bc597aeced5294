# GAF on MMAction2's own I3D ResNet-50 (ResNet3d, the backbone OpenTAD's end-to-end AFSD uses),
# THUMOS14 RGB. Its res4 and res5 stages feed the pyramid in place of Mixed_4f and Mixed_5c:
# strides chosen to match (time /4 and /8, space /16 and /32). The attention heads, CVAEs and neck
# average over space (spatial_sizes=None), so any crop fits. ImageNet ResNet-50 weights are
# inflated by MMAction2 (`pretrained2d`); offline, set model.backbone.pretrained=None.
_base_ = [
    '../_base_/models/gaf_i3d.py', '../_base_/datasets/thumos14_rgb.py',
    '../_base_/schedules/gaf_two_pass.py', '../_base_/default_runtime.py'
]

feat_channels = (1024, 2048)
model = dict(
    clip_length={{_base_.clip_length}}, crop_size={{_base_.crop_size}},
    backbone=dict(
        _delete_=True,
        type='ResNet3d',
        depth=50,
        pretrained='torchvision://resnet50',
        pretrained2d=True,
        conv1_kernel=(5, 7, 7),
        conv1_stride_t=2,
        pool1_stride_t=2,
        with_pool2=False,
        temporal_strides=(1, 1, 1, 2),
        inflate=((1, 1, 1), (1, 0, 1, 0), (1, 0, 1, 0, 1, 0), (0, 1, 0)),
        out_indices=(2, 3),
        norm_eval=True),
    # ResNet3d does not describe its maps: their channels and strides are stated here.
    attention=dict(in_channels=feat_channels, temporal_strides=(4, 8), spatial_sizes=None),
    neck=dict(in_channels=feat_channels, spatial_sizes=None))

train_dataloader = dict(batch_size=8)
train_cfg = dict(max_epochs=300)
randomness = dict(seed=2020)
