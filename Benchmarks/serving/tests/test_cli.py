"""Option parsing that decides what runs: the target list and the presets."""

import argparse

import pytest

from servebench import config
from servebench.cli import target_list


def test_targets_are_validated_and_put_in_canonical_order():
    assert target_list("keel-deploy, mlflow") == ["mlflow", "keel-deploy"]
    with pytest.raises(argparse.ArgumentTypeError, match="unknown"):
        target_list("mlflow,triton")
    with pytest.raises(argparse.ArgumentTypeError):
        target_list(" , ")


def test_quick_preset_and_overrides():
    quick = config.build(True, duration_seconds=None, throughput_clients=128)
    assert quick.duration_seconds == 3.0 and quick.throughput_clients == 128
    assert config.build(False).levels() == [("latency", 8), ("throughput", 64)]
