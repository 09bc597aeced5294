# MMAction2's I3D ResNet-50 recognizer (as its recognition/i3d configs build it), kept here
# because `mmaction::` bases cannot be inherited from MMAction2 1.1.0's wheel.
model = dict(
    type='Recognizer3D',
    backbone=dict(
        type='ResNet3d',
        depth=50,
        pretrained='torchvision://resnet50',
        pretrained2d=True,
        conv1_kernel=(5, 7, 7),
        conv1_stride_t=2,
        pool1_stride_t=2,
        conv_cfg=dict(type='Conv3d'),
        norm_eval=False,
        inflate=((1, 1, 1), (1, 0, 1, 0), (1, 0, 1, 0, 1, 0), (0, 1, 0)),
        zero_init_residual=False),
    cls_head=dict(
        type='I3DHead',
        num_classes=400,
        in_channels=2048,
        spatial_type='avg',
        dropout_ratio=0.5,
        init_std=0.01,
        average_clips='prob'),
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        format_shape='NCTHW'))
