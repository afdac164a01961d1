"""The hello frame: everything the gateway needs before routing traffic."""

from support.models import IRIS_COLUMNS


def test_hello_describes_sklearn_model(sklearn_worker, sklearn_model):
    hello = sklearn_worker.first
    assert hello["type"] == "hello"
    assert hello["protocol"] == 1
    assert hello["worker_id"] == 7
    assert hello["pid"] == sklearn_worker.proc.pid
    assert hello["model_uri"] == sklearn_model
    assert hello["flavors"] == ["python_function", "sklearn"]
    assert hello["model_info"]["loader_module"] == "mlflow.sklearn"
    assert hello["limits"] == {"max_json_bytes": 64 * 2**20, "max_binary_bytes": 256 * 2**20}
    assert hello["versions"]["mlflow"] == "3.17.2"


def test_hello_signature_is_parsed_json_schema(sklearn_worker):
    signature = sklearn_worker.first["signature"]
    assert signature["inputs"] == [
        {"type": "double", "name": name, "required": True} for name in IRIS_COLUMNS
    ]
    assert signature["outputs"] == [
        {"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}
    ]
    assert signature["params"] is None


def test_hello_oip_metadata_follows_mlserver(sklearn_worker):
    oip = sklearn_worker.first["oip"]
    assert oip["inputs"] == [
        {"name": name, "datatype": "FP64", "shape": [-1, 1]} for name in IRIS_COLUMNS
    ]
    assert oip["outputs"] == [{"name": "output-0", "datatype": "INT64", "shape": [-1]}]


def test_hello_for_xgboost_and_pyfunc(xgboost_worker, counting_worker):
    assert xgboost_worker.first["flavors"] == ["python_function", "xgboost"]
    assert xgboost_worker.first["oip"]["outputs"] == [
        {"name": "output-0", "datatype": "FP32", "shape": [-1]}
    ]
    hello = counting_worker.first
    assert hello["flavors"] == ["python_function"]
    assert hello["signature"]["params"] == [
        {"name": "scale", "type": "double", "default": 1.0, "shape": None}
    ]
    assert hello["oip"]["outputs"] == [{"name": "total", "datatype": "FP64", "shape": [-1, 1]}]
