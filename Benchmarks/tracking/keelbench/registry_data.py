"""Deterministic model-registry contents, the timed queries and their answers.

Both servers get exactly the same registered models (``bench-model-0000`` …)
with the same tags and the same number of versions, so every registry search
must return the same answer on both — and the answer can be computed here,
without any server. Server-assigned values (run ids, timestamps) are replaced
by stable roles before comparing.

Each model ``i`` has tags ``team`` (one of five, by ``i % 5``) and ``tier``,
and 1–3 versions (string-seeded ``random.Random``, stable across processes).
Versions 1 and 2 point at the "main" source run, version 3 at a "side" run,
so ``run_id = '<main>'`` really filters and still spans more than one page.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

TEAMS = ("risk", "growth", "search", "ads", "infra")
TIERS = ("gold", "silver")
NAME_PREFIX = "bench-model-"
MAX_VERSIONS = 3
SIDE_RUN_VERSION = 3  # versions with this number use the side run

# The client (mlflow 3.x search_registered_models) appends this clause to hide prompts.
PROMPT_CLAUSE = "tag.`mlflow.prompt.is_prompt` != 'true'"
LIKE_SUFFIX = "01%"  # name LIKE '<prefix>01%': models 0100-0199
TAG_TEAM = "risk"
MODELS_PAGE = 100
VERSIONS_PAGE = 1000
VERSION_MODEL_INDEX = 42  # the model searched by name (clamped to the registry size)
VERSIONS_ORDER_BY = ["name ASC", "version_number DESC"]  # explicit: the default order is by timestamp


@dataclass(frozen=True)
class ModelSpec:
    index: int
    name: str
    tags: dict[str, str]
    versions: int

    def run_role(self, version: int) -> str:
        return "side" if version == SIDE_RUN_VERSION else "main"


def model_name(index: int, prefix: str = NAME_PREFIX) -> str:
    return f"{prefix}{index:04d}"


def namespaced_prefix(namespace: str) -> str:
    """``bench-model-`` on a fresh server; ``bench-<ns>-model-`` when reusing one (no name clashes)."""
    return f"bench-{namespace}-model-" if namespace else NAME_PREFIX


def make_model(index: int, prefix: str = NAME_PREFIX) -> ModelSpec:
    rng = random.Random(f"registry-{index}")
    versions = 1 + rng.randrange(MAX_VERSIONS)
    tags = {"team": TEAMS[index % len(TEAMS)], "tier": TIERS[rng.randrange(len(TIERS))]}
    return ModelSpec(index, model_name(index, prefix), tags, versions)


def make_models(count: int, prefix: str = NAME_PREFIX) -> list[ModelSpec]:
    return [make_model(i, prefix) for i in range(count)]


def create_model_payload(spec: ModelSpec) -> dict:
    return {"name": spec.name, "tags": [{"key": k, "value": v} for k, v in spec.tags.items()]}


def create_version_payload(spec: ModelSpec, version: int, run_ids: dict[str, str]) -> dict:
    run_id = run_ids[spec.run_role(version)]
    return {"name": spec.name, "source": f"runs:/{run_id}/model", "run_id": run_id}


# --- the timed queries (query-string fields, as the client sends them) ---------------------------

def models_by_name_query(prefix: str = NAME_PREFIX) -> dict:
    return {"filter": f"name LIKE '{prefix}{LIKE_SUFFIX}' AND {PROMPT_CLAUSE}", "max_results": MODELS_PAGE,
            "order_by": ["name ASC"]}


def models_by_tag_query(prefix: str = NAME_PREFIX) -> dict:
    """The tag filter alone; on a reused server also restricted to this run's names."""
    extra = "" if prefix == NAME_PREFIX else f" AND name LIKE '{prefix}%'"
    return {"filter": f"tags.team = '{TAG_TEAM}'{extra}", "max_results": MODELS_PAGE}


def version_model_index(count: int) -> int:
    return min(VERSION_MODEL_INDEX, count - 1)


def versions_by_name_query(count: int, prefix: str = NAME_PREFIX) -> dict:
    return {"filter": f"name = '{model_name(version_model_index(count), prefix)}'"}


def versions_by_run_query(main_run_id: str) -> dict:
    return {"filter": f"run_id = '{main_run_id}'", "max_results": VERSIONS_PAGE, "order_by": VERSIONS_ORDER_BY}


# --- normalised answers --------------------------------------------------------------------------

def normalize_models(answer: dict) -> dict:
    """Names (in order), tags and latest version numbers; timestamps dropped."""
    models = [[m["name"], sorted([t["key"], t["value"]] for t in m.get("tags", [])),
               sorted(int(v["version"]) for v in m.get("latest_versions", []))]
              for m in answer.get("registered_models", [])]
    return {"models": models, "more": bool(answer.get("next_page_token"))}


def normalize_versions(versions: list[dict], run_ids: dict[str, str]) -> list[list]:
    """(name, version, run role, source role) in order; ids replaced by their role."""
    roles = {run_id: role for role, run_id in run_ids.items()}
    out = []
    for v in versions:
        run_role = roles.get(v.get("run_id", ""), "?")
        source_ok = v.get("source") == f"runs:/{v.get('run_id', '')}/model"
        out.append([v["name"], int(v["version"]), run_role, "runs:/<run>/model" if source_ok else v.get("source")])
    return out


def _model_row(spec: ModelSpec) -> list:
    return [spec.name, sorted([k, v] for k, v in spec.tags.items()), [spec.versions]]


def _version_row(spec: ModelSpec, version: int) -> list:
    return [spec.name, version, spec.run_role(version), "runs:/<run>/model"]


def expected_models(specs: list[ModelSpec], keep) -> dict:
    """First page (name ASC) of the models ``keep`` selects, and whether more follow."""
    matching = sorted((s for s in specs if keep(s)), key=lambda s: s.name)
    return {"models": [_model_row(s) for s in matching[:MODELS_PAGE]], "more": len(matching) > MODELS_PAGE}


def expected_answers(specs: list[ModelSpec], prefix: str = NAME_PREFIX) -> dict:
    """What each of the four timed searches must return, computed locally."""
    like = prefix + LIKE_SUFFIX.rstrip("%")
    target = specs[version_model_index(len(specs))]
    by_run = [_version_row(s, v) for s in sorted(specs, key=lambda s: s.name)
              for v in range(s.versions, 0, -1) if s.run_role(v) == "main"]
    return {
        "models_by_name": expected_models(specs, lambda s: s.name.startswith(like)),
        "models_by_tag": expected_models(specs, lambda s: s.tags["team"] == TAG_TEAM),
        "versions_by_name": [_version_row(target, v) for v in range(target.versions, 0, -1)],
        "versions_by_run": by_run,
    }


def version_count(specs: list[ModelSpec]) -> int:
    return sum(s.versions for s in specs)
