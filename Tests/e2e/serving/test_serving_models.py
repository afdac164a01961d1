"""The models the serving tests deploy load and predict as the tests assume.

Why: every serving test compares Keel's answers with what these models
predict. If a fixture model were broken (a pyfunc that cannot be unpickled, a
signature that rejects the payloads), serving tests would fail for the wrong
reason; this module says so first. It runs on both targets (no Keel serving
endpoint involved), so KEEL_E2E_TARGET=mlflow validates the fixtures too.
"""

import mlflow
import numpy as np
import pytest

from support import serving


def test_iris_version_predicts_like_the_estimator(client, iris_model):
    rows = serving.sample_rows()
    loaded = mlflow.pyfunc.load_model(iris_model.uri("@champion"))
    assert [int(v) for v in loaded.predict(rows)] == serving.expected_predictions(rows)
    assert len(set(serving.expected_predictions(rows))) == 3, "sample rows should cover all three classes"
    assert client.get_model_version_by_alias(iris_model.name, "champion").version == iris_model.versions["iris"]


def test_multi_version_model_versions_are_distinguishable(client, multi_version_model):
    rows = serving.sample_rows()
    versions = multi_version_model.versions
    assert versions == {"iris": "1", "constant": "2", "failing": "3"}

    iris = mlflow.pyfunc.load_model(multi_version_model.uri(versions["iris"]))
    assert [int(v) for v in iris.predict(rows)] == serving.expected_predictions(rows)

    constant = mlflow.pyfunc.load_model(multi_version_model.uri(versions["constant"]))
    np.testing.assert_array_equal(np.asarray(constant.predict(rows)), serving.constant_predictions(rows))
    assert serving.CONSTANT_PREDICTION not in serving.expected_predictions(serving.iris_frame()[0])

    failing = mlflow.pyfunc.load_model(multi_version_model.uri(versions["failing"]))
    with pytest.raises(Exception, match="always fails"):
        failing.predict(rows)
