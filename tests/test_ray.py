"""The Ray engine: a local Ray instance with 2 CPUs gives the local engine's output, byte for byte."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from hypothesis import given, strategies as st
from click.testing import CliRunner

from extract.cli import main
from extract.nlp import DEFAULT_MODEL
from extract.pipeline import run as run_local
from extract.schema import RUN_RECORD, TABLES
from conftest import SEEDS

ray = pytest.importorskip("ray")
from extract.ray_engine import sort_key  # noqa: E402 (needs Ray)


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The inputs of a run: a folder of the seeds and two bad files, and a copy of one seed
    from elsewhere named directly (the same document id: its name without extension), so
    that the cross-document steps and the failure path are both exercised."""
    folder = tmp_path_factory.mktemp("ray_corpus")
    seeds = sorted(SEEDS.iterdir())
    for path in seeds:
        shutil.copy(path, folder / path.name)
    again = tmp_path_factory.mktemp("ray_again") / seeds[0].name
    shutil.copy(seeds[0], again)
    (folder / "empty.html").write_bytes(b"")
    (folder / "binary.html").write_bytes(bytes(range(256)) * 64)
    (folder / "photo").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))  # skipped: run.json lists it
    return [folder, again]


def assert_same_files(ray_out, local_out, suffix):
    for name in [*TABLES, RUN_RECORD]:
        filename = f"{name}.json" if name == RUN_RECORD else f"{name}{suffix}"
        assert (ray_out / filename).read_bytes() == (local_out / filename).read_bytes(), f"{filename} differs"


def test_ray_engine_equals_local_engine_json(local_ray, corpus, tmp_path):
    local_out, ray_out = tmp_path / "local", tmp_path / "ray"
    run_local(corpus, local_out, workers=2)
    result = CliRunner().invoke(main, ["run", *map(str, corpus), "--out", str(ray_out), "--engine", "ray",
                                       "--workers", "2", "--quiet"])
    assert result.exit_code == 1, result.output  # the bad files and the duplicate fail, the rest is written
    assert_same_files(ray_out, local_out, ".json")
    record = json.loads((ray_out / "run.json").read_text(encoding="utf-8"))
    assert record["documents"] == len(list(SEEDS.iterdir()))
    assert len(record["failures"]) == 3
    assert any("duplicate document id" in f["reason"] for f in record["failures"])
    assert [s["reason"] for s in record["skipped"]] == ["binary: PNG image"]
    roles = json.loads((ray_out / "roles.json").read_text(encoding="utf-8"))
    assert any(role["organisation"] for role in roles)  # the organisation join did link


def test_ray_engine_equals_local_engine_jsonl(local_ray, corpus, tmp_path):
    from extract.ray_engine import run as run_on_ray

    local_out, ray_out = tmp_path / "local", tmp_path / "ray"
    run_local(corpus, local_out, workers=2, fmt="jsonl")
    seen = []
    result = run_on_ray(corpus, ray_out, DEFAULT_MODEL, workers=2, fmt="jsonl", quiet=True,
                        progress=lambda r: seen.append((r.inputs, r.total, len(r.failures))))
    assert result.documents == len(list(SEEDS.iterdir()))
    inputs = len(list(SEEDS.iterdir())) + 3  # and the two bad files and the copy named directly
    assert seen == [(0, inputs, 0), (inputs, inputs, 3)]  # counted, then processed
    assert_same_files(ray_out, local_out, ".jsonl")


@pytest.mark.parametrize("fmt, suffix", [("json", ".json"), ("jsonl", ".jsonl")])
def test_ray_engine_splits_people_into_identities_as_the_local_engine(local_ray, tmp_path, fmt, suffix):
    """Three made-up pages naming one name: two of them at the same company are one
    person, the third another; the Ray engine's people and roles are the local engine's."""
    from extract.ray_engine import run as run_on_ray
    from test_names import check_identity_dataset, load_tables, write_identity_pages

    pages = write_identity_pages(tmp_path / "pages")
    local_out, ray_out = tmp_path / "local", tmp_path / "ray"
    run_local([pages], local_out, workers=2, fmt=fmt, cache_dir=tmp_path / "cache")
    run_on_ray([pages], ray_out, DEFAULT_MODEL, workers=2, fmt=fmt, quiet=True, cache_dir=tmp_path / "cache")
    assert_same_files(ray_out, local_out, suffix)
    check_identity_dataset(load_tables(ray_out, suffix))


def test_connected_labels_follow_a_chain_to_its_smallest_name(local_ray):
    """Names linked in a chain (each only to the next) need several propagation rounds;
    every name of a component ends with the component's smallest name as its label, each
    mention stays with the name it was found under (not its surface), and a role with the
    name of its organisation, which is a node of its own when no organisation has it."""
    from extract.ray_engine import configure_data, connected_labels, org_links, per_block, role_links

    configure_data(quiet=True, partitions=2)
    links = [("e", "d"), ("d", "c"), ("c", "b"), ("b", "a"), ("y", "x"), ("z", "z")]
    documents = [{"doc_id": f"doc{i}", "organisations": json.dumps([[name, surface, i, i + 1]]), "roles": "[]"}
                 for i, (name, surface) in enumerate(links)]
    roles = [{"organisation": org, "key": key, "record": json.dumps(record)}
             for org, key, record in [("c", "k1", {"title": "t1"}), ("q", "k2", {"title": "t2"}), ("", "k3", {})]]
    graph = per_block(ray.data.from_items(documents), org_links).union(
        per_block(ray.data.from_items(roles), role_links))
    rows = {row["node"]: row for row in connected_labels(graph).iter_rows()}
    assert {node: row["label"] for node, row in rows.items()} == {
        "a": "a", "b": "a", "c": "a", "d": "a", "e": "a", "x": "x", "y": "x", "z": "z", "q": "q"}
    assert json.loads(rows["e"]["mentions"]) == [["doc0", 0, 1]]
    assert json.loads(rows["a"]["mentions"]) == []  # only ever a surface
    assert json.loads(rows["c"]["roles"]) == [["k1", {"title": "t1"}]]
    assert rows["c"]["organisation"] and not rows["q"]["organisation"]


@given(st.lists(st.tuples(st.sampled_from("abc中"), st.integers(0, 9))))
def test_apply_to_groups_calls_the_step_once_per_run_of_a_key(rows):
    """The group-by steps' own loop over a sorted block gives what a group-by of the rows gives."""
    import pyarrow as pa
    from extract.ray_engine import apply_to_groups

    rows = sorted(rows)
    block = pa.table({"key": [k for k, _ in rows], "value": [v for _, v in rows]}, schema=pa.schema(
        [("key", pa.string()), ("value", pa.int64())]))

    def summed(group):
        assert len(set(group["key"])) == 1
        return {"key": group["key"][:1], "total": [sum(group["value"])], "rows": [len(group["value"])]}

    out = [table.to_pylist() for table in apply_to_groups(block, key="key", fn=summed, fn_kwargs={})]
    expected = {}
    for key, value in rows:
        total, n = expected.get(key, (0, 0))
        expected[key] = (total + value, n + 1)
    assert out == ([[{"key": k, "total": t, "rows": n} for k, (t, n) in expected.items()]] if rows else [])


def test_repeated_ids_name_the_first_document_of_each_repeated_id(local_ray):
    from extract.ray_engine import repeated_ids

    outcomes = ray.data.from_items([{"order": order, "doc_id": doc_id} for order, doc_id in enumerate(
        ["b", "a", "", "b", "c", "", "b", "a"])], override_num_blocks=3)
    assert repeated_ids(outcomes) == {"a": 1, "b": 0}  # "" is the id of the failed documents


@given(st.lists(st.tuples(st.text(alphabet="ab\0中", max_size=4), st.integers(0, 10**6), st.text(max_size=3))))
def test_sort_key_sorts_as_the_tuple(rows):
    # the tables are sorted on one string column; it must order rows as the local
    # engine's tuple sort does, prefixes and NUL characters included
    assert sorted(rows, key=lambda row: sort_key(*row)) == sorted(rows)


def test_quiet_ray_run_keeps_ray_datas_logs_off_stderr(tmp_path):
    """``--quiet`` on the Ray engine: no execution plans, progress notices or the false
    "will hang" warning of the concurrent table chains on stderr (a run of its own, as
    the logging is set up when Ray starts)."""
    folder = tmp_path / "pages"
    folder.mkdir()
    for path in sorted(SEEDS.iterdir())[:2]:
        shutil.copy(path, folder / path.name)
    env = {k: v for k, v in os.environ.items() if k not in ("RAY_ADDRESS", "CI")}
    done = subprocess.run([sys.executable, "-m", "extract", "run", str(folder), "--out", str(tmp_path / "out"),
                           "--engine", "ray", "--workers", "2", "--quiet"],
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "run.json").exists()
    noise = [line for line in done.stderr.splitlines()
             if "streaming_executor" in line or "will hang" in line or "Progress bars" in line]
    assert noise == []
