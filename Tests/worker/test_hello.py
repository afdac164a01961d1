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


def test_registry_alias_uri(spawn, tmp_path):
    """`models:/name@alias` resolves through MLFLOW_TRACKING_URI from the environment."""
    import mlflow
    from sklearn.linear_model import LogisticRegression

    from support.gateway import worker_env
    from support.models import iris_frame

    tracking_uri = f"sqlite:///{tmp_path}/mlflow.db"
    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(tracking_uri)
    try:
        client = mlflow.MlflowClient()
        experiment = client.create_experiment("keel-worker", artifact_location=(tmp_path / "art").as_uri())
        X, y = iris_frame()
        with mlflow.start_run(experiment_id=experiment):
            info = mlflow.sklearn.log_model(
                LogisticRegression(max_iter=1000).fit(X, y), name="model",
                input_example=X.head(2), registered_model_name="keel-iris",
            )
        client.set_registered_model_alias("keel-iris", "champion", info.registered_model_version)
    finally:
        mlflow.set_tracking_uri(previous)
    worker = spawn("models:/keel-iris@champion", env=worker_env(MLFLOW_TRACKING_URI=tracking_uri))
    hello = worker.first
    assert hello["type"] == "hello", hello
    assert hello["model_uri"] == "models:/keel-iris@champion"
    assert hello["model_info"]["model_id"] == info.model_id
    assert hello["model_info"]["run_id"] == info.run_id
    (reply,) = worker.invocations([("application/json", b'{"inputs": {"sepal length (cm)": [5.1], '
                                    b'"sepal width (cm)": [3.5], "petal length (cm)": [1.4], '
                                    b'"petal width (cm)": [0.2]}}')])
    assert reply.json() == {"predictions": [0]}
    missing = spawn("models:/keel-iris@nobody", env=worker_env(MLFLOW_TRACKING_URI=tracking_uri))
    assert missing.first["type"] == "fatal"
    assert "nobody" in missing.first["message"]
