"""The prompt registry through the official client: `mlflow.genai.register_prompt`,
`load_prompt` by version and alias, aliases and search. The client keeps prompts as registered
models marked by tags, so this exercises the registry API the way MLflow 3.17.2 uses it."""

from __future__ import annotations

import mlflow
import pytest

from support.rest import unique_name


def test_register_load_alias_and_search(client):
    name = unique_name("qa_prompt").replace("-", "_")
    first = mlflow.genai.register_prompt(name=name, template="Answer {{question}} briefly.", commit_message="first", tags={"team": "support"})
    second = mlflow.genai.register_prompt(name=name, template="Answer {{question}} in one sentence.", commit_message="shorter")
    assert (first.version, second.version) == (1, 2)

    assert mlflow.genai.load_prompt(f"prompts:/{name}/1").template == "Answer {{question}} briefly."
    mlflow.genai.set_prompt_alias(name, alias="production", version=1)
    loaded = mlflow.genai.load_prompt(f"prompts:/{name}@production")
    assert loaded.version == 1 and loaded.format(question="why?") == "Answer why? briefly."
    assert mlflow.genai.load_prompt(f"prompts:/{name}@latest").version == 2

    found = mlflow.genai.search_prompts(filter_string=f"name = '{name}'")
    assert [prompt.name for prompt in found] == [name]
    # Prompts are not ordinary models: the registry's model search leaves them out.
    assert name not in [model.name for model in client.search_registered_models()]

    with pytest.raises(Exception):
        mlflow.genai.load_prompt(f"prompts:/{name}/9")
