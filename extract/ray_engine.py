"""The Ray engine of ``extract run --engine ray``: the same stages as a Ray Data job.

The per-document stages (ingest, clean, split, nlp, match, link, normalise) run in an
actor pool, one :class:`extract.pipeline.Processor` per actor, so each actor loads the
model once. The cross-document steps are Ray operations on the cluster, not loops on the
driver: documents that repeat an id are refused in a group-by, people are merged by name
with a group-by, organisations that share a name or an alias are merged by connected
components (min-label propagation, one shuffle a round), and roles get their organisation
ids from a join. All tables are sorted as one dataset, their records validated and
serialised on the cluster; the driver only streams the sorted items into the output files
batch by batch.
Records are built by the same functions as the local engine (:mod:`extract.write`), and
the output is the same, byte for byte.

The cluster is the one ``RAY_ADDRESS`` names, else a local one with ``workers`` CPUs.
Input paths are resolved in the driver's working directory, which every node must see
(a shared file system), and every node needs this package and the model installed.
"""
from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path
from typing import Callable

import pyarrow as pa
from ray.data.expressions import col

from . import __version__
from .ingest import iter_sources
from .schema import RUN_RECORD, TABLES
from .write import (
    TableSink, document_records, organisation_record, person_record, role_records, serialised, write_table,
)

log = logging.getLogger(__name__)

BATCH_SIZE = 4  # documents per actor call: small, so that actors share the work evenly
STREAM_BATCH = 1024  # rows per batch when the driver writes a table
OUTCOME_COLUMNS = ["order", "doc_id", "source", "reason", "cached", "result", "timings"]


class DocumentActor:
    """Ray Data actor: the per-document stages for a batch of (order, path) rows."""

    def __init__(self, model, cache_dir, cwd: str):
        from .pipeline import Processor
        if os.path.isdir(cwd):
            os.chdir(cwd)  # relative input paths mean what they mean on the driver
        self.processor = Processor(model, cache_dir)

    def __call__(self, batch: dict) -> dict:
        out = {column: [] for column in OUTCOME_COLUMNS}
        for order, path in zip(batch["order"], batch["path"]):
            outcome = self.processor(Path(str(path)))
            timings = self.processor.take_timings()
            failure = outcome.get("failure", {})
            result = outcome.get("result")
            out["order"].append(int(order))
            out["doc_id"].append(result["document"]["id"] if result else "")
            out["source"].append(result["document"]["source"] if result else failure["source"])
            out["reason"].append(failure.get("reason", ""))
            out["cached"].append(bool(outcome.get("cached", False)))
            out["result"].append(json.dumps(result, ensure_ascii=False) if result else "")
            out["timings"].append(json.dumps(timings))
        return out


def partition_count(ds, workers: int) -> int:
    """Blocks for the cross-document steps: one per CPU, more if blocks would outgrow
    Ray's target block size. Ray's sort-based shuffle costs grow with blocks squared, and
    the actor stage leaves one block per batch, so its output is repartitioned to this
    before the first shuffle (a 20 MB corpus: 4 s, against 226 s without)."""
    from ray.data import DataContext

    target = DataContext.get_current().target_max_block_size or 128 * 2**20
    return max(1, workers, -(-(ds.size_bytes() or 0) // target))


def refuse_repeated_ids(outcomes, partitions: int):
    """The outcomes, grouped by document id, with every document that repeats an earlier
    document's id refused (its reason set): one group-by, whose shuffle also leaves the
    outcomes in ``partitions`` blocks for the steps after it."""
    blocks = outcomes.repartition(partitions)  # see partition_count
    return blocks.groupby("doc_id", num_partitions=partitions).map_groups(
        later_of_each_id, batch_format="pyarrow").materialize()


def later_of_each_id(group: pa.Table) -> pa.Table:
    """Group-by step (one document id): the first document in input order is kept, as in
    the local engine; the others get the reason they are refused. The documents that
    failed before they had an id share the empty id and pass unchanged."""
    doc_id = group["doc_id"][0].as_py()
    if group.num_rows == 1 or not doc_id:
        return group
    orders = group["order"].to_pylist()
    first = orders.index(min(orders))
    also = group["source"][first].as_py()
    reasons = [reason if i == first else f"duplicate document id {doc_id!r} (also {also})"
               for i, reason in enumerate(group["reason"].to_pylist())]
    return group.set_column(group.schema.get_field_index("reason"), "reason", pa.array(reasons, pa.string()))


def sort_key(*parts) -> str:
    """One string that sorts as the tuple ``parts`` does: numbers zero-padded, two NULs
    between the parts, below any character, so that a part that is a prefix of another
    sorts first, as in a tuple (a NUL inside a part is written NUL U+0001 to stay above)."""
    return "\0\0".join(part.replace("\0", "\0\1") if isinstance(part, str) else f"{int(part):012d}"
                         for part in parts)


def document_table_rows(row: dict, *, fmt: str) -> list[dict]:
    """flat_map step: the rows of one document in the documents, metrics and dates tables
    as (table, key, item), keyed by input order (JSON Lines) or by ids (JSON)."""
    rows = []
    for table, records in document_records(json.loads(row["result"])).items():
        for i, (record, item) in enumerate(zip(records, serialised(table, fmt, records))):
            key = sort_key(row["order"], i) if fmt == "jsonl" else sort_key(row["doc_id"], record["id"])
            rows.append({"table": table, "key": key, "item": item})
    return rows


def table_rows(batch: pa.Table, *, table: str, keys: list[str], fmt: str) -> pa.Table:
    """map_batches step: a table's records (JSON in column ``row``) as (table, key, item):
    the key sorts as the columns ``keys`` do, so that all tables are sorted as one
    dataset, and the item is the record validated and serialised for its file, here on
    the cluster rather than on the driver."""
    key = [sort_key(*parts) for parts in zip(*(batch[name].to_pylist() for name in keys))]
    items = serialised(table, fmt, [json.loads(text) for text in batch["row"].to_pylist()])
    return pa.table({"table": pa.array([table] * batch.num_rows, pa.string()), "key": pa.array(key, pa.string()),
                     "item": pa.array(items, pa.string())})


def person_mentions(row: dict) -> list[dict]:
    result = json.loads(row["result"])
    return [{"name": p["name"], "doc_id": row["doc_id"], "start": p["start"], "end": p["end"]}
            for p in result["people"]]


def person_group(group: dict) -> dict:
    mentions = [{"doc_id": str(d), "start": int(s), "end": int(e)}
                for d, s, e in zip(group["doc_id"], group["start"], group["end"])]
    name = str(group["name"][0])
    return {"name": [name], "row": [json.dumps(person_record(name, mentions), ensure_ascii=False)]}


def org_mentions(row: dict) -> list[dict]:
    result = json.loads(row["result"])
    return [{"name": o["name"], "surface": o["surface"], "doc_id": row["doc_id"], "start": o["start"],
             "end": o["end"]} for o in result["organisations"]]


def org_edges(row: dict) -> list[dict]:
    """Both directions of a name-alias link, and a self link for each, so that a node's new
    label is the minimum over itself and its neighbours."""
    a, b = row["name"], row["surface"]
    return [{"a": x, "b": y} for x, y in {(a, b), (b, a), (a, a), (b, b)}]


def adjacency(group: dict) -> dict:
    """Group-by step (one node): its neighbours, itself included, and its first label,
    the smallest of them."""
    neighbours = sorted({str(b) for b in group["b"]})
    return {"node": [group["a"][0]], "neighbours": [json.dumps(neighbours, ensure_ascii=False)],
            "label": [neighbours[0]], "changed": [True]}


def offer_label(row: dict) -> list[dict]:
    """flat_map step of a propagation round: the node's label offered to each neighbour
    (itself included, which carries its neighbour list on to the next round)."""
    return [{"node": n, "label": row["label"], "neighbours": row["neighbours"] if n == row["node"] else ""}
            for n in json.loads(row["neighbours"])]


def tagged(ds, key: str, side: int):
    """The rows of one side of :func:`join_on` as (key, side, row as JSON): both sides in
    one schema, so that they can be unioned."""
    def tag(batch: pa.Table) -> pa.Table:
        rows = [json.dumps(row, ensure_ascii=False) for row in batch.to_pylist()]
        return pa.table({"key": batch[key], "side": pa.array([side] * batch.num_rows, pa.int8()),
                         "row": pa.array(rows, pa.string())})

    return ds.map_batches(tag, batch_format="pyarrow")


def pair_up(columns: list[str], fill: dict | None) -> Callable[[dict], dict]:
    """Group-by step of :func:`join_on`: each left row with each right row of its key
    (merged, right wins), or with ``fill`` when it has none and ``fill`` is given."""

    def pairs(group: dict) -> dict:
        rows = [(int(side), json.loads(row)) for side, row in zip(group["side"], group["row"])]
        left = [row for side, row in rows if side == 0]
        right = [row for side, row in rows if side == 1] or ([fill] if fill is not None else [])
        merged = [{**l, **r} for l in left for r in right]
        return {column: [m[column] for m in merged] for column in columns}

    return pairs


def join_on(left, right, *, on: str, right_on: str, columns: list[str], partitions: int, fill: dict | None = None):
    """Join two datasets on a key by grouping their union on it. Ray's own
    ``Dataset.join`` runs a hash shuffle in aggregator actors, which costs tens of seconds
    per join on a small machine; a group-by runs as a sort-based shuffle in tasks."""
    both = tagged(left, on, 0).union(tagged(right, right_on, 1))
    return both.groupby("key", num_partitions=partitions).map_groups(pair_up(columns, fill))


def relabel(group: dict) -> dict:
    """Group-by step (one node): the smallest label on offer, and whether it is new. The
    node's own label and neighbour list come through its self link."""
    own = next(i for i, neighbours in enumerate(group["neighbours"]) if neighbours)
    new = min(str(label) for label in group["label"])
    return {"node": [group["node"][0]], "neighbours": [group["neighbours"][own]], "label": [new],
            "changed": [new != group["label"][own]]}


def connected_labels(edges, partitions: int):
    """(node, label) with label the smallest node of its connected component, by min-label
    propagation: each round, every node offers its label to its neighbours and takes the
    smallest on offer, until no label changes (as many rounds as the widest component is
    long). Each node carries its neighbour list, so a round is one shuffle."""
    state = edges.groupby("a", num_partitions=partitions).map_groups(adjacency).materialize()
    while state.filter(expr=col("changed") == True).count():  # noqa: E712 (an expression)
        state = state.flat_map(offer_label).groupby("node", num_partitions=partitions).map_groups(relabel).materialize()
    return state.select_columns(["node", "label"])


def organisation_group(group: dict) -> dict:
    """Group-by step (one connected component): the organisation record and its names."""
    names = {str(n) for n in group["node"]}
    mentions = [{"doc_id": str(d), "start": int(s), "end": int(e)}
                for d, s, e, is_mention in zip(group["doc_id"], group["start"], group["end"], group["mention"])
                if is_mention]
    record = organisation_record(names, mentions)
    return {"name": [record["name"]], "id": [record["id"]], "names": [json.dumps(sorted(names), ensure_ascii=False)],
            "row": [json.dumps(record, ensure_ascii=False)]}


def component_rows(batch, *, node: str, mention: bool):
    """map_batches step: the input of :func:`organisation_group`, from (label, node) rows
    (a name of the component) or from mentions located in their component."""
    n = batch.num_rows
    zeros = pa.array([0] * n, pa.int64())
    return pa.table({"label": batch["label"], "node": batch[node], "mention": pa.array([mention] * n),
                     "doc_id": batch["doc_id"] if mention else pa.array([""] * n, pa.string()),
                     "start": batch["start"] if mention else zeros, "end": batch["end"] if mention else zeros})


def organisations(accepted, partitions: int):
    """Organisation records (columns name, id, names, row), or None if there are none."""
    mentions = accepted.flat_map(org_mentions).materialize()
    if mentions.count() == 0:
        return None
    labels = connected_labels(mentions.flat_map(org_edges), partitions)
    nodes = labels.map_batches(component_rows, fn_kwargs={"node": "node", "mention": False}, batch_format="pyarrow")
    # a mention belongs to the component of its name (not of its surface), as locally
    located = join_on(mentions, labels, on="name", right_on="node",
                      columns=["label", "name", "doc_id", "start", "end"], partitions=partitions)
    located = located.map_batches(component_rows, fn_kwargs={"node": "name", "mention": True}, batch_format="pyarrow")
    return nodes.union(located).groupby("label", num_partitions=partitions).map_groups(organisation_group).materialize()


def role_rows(row: dict) -> list[dict]:
    """flat_map step: a document's roles, organisation ids still to be filled in."""
    roles = json.loads(row["result"])["roles"]
    records = role_records(row["doc_id"], roles, {})
    return [{"doc_id": row["doc_id"], "idx": i, "org_name": role["organisation"] or "",
             "row": json.dumps(record, ensure_ascii=False)} for i, (role, record) in enumerate(zip(roles, records))]


def with_org_ids(batch):
    """map_batches step: role rows with the organisation id of the join in the record."""
    rows = []
    for text, org_id in zip(batch["row"].to_pylist(), batch["org_id"].to_pylist()):
        record = json.loads(text)
        record["organisation"] = org_id or None
        rows.append(json.dumps(record, ensure_ascii=False))
    return pa.table({"doc_id": batch["doc_id"], "idx": batch["idx"], "row": pa.array(rows, pa.string())})


def roles(accepted, orgs, partitions: int):
    rows = accepted.flat_map(role_rows).materialize()
    if orgs is None:
        return rows.select_columns(["doc_id", "idx", "row"])
    names = orgs.flat_map(lambda r: [{"org_name": n, "org_id": r["id"]} for n in json.loads(r["names"])])
    columns = ["doc_id", "idx", "row", "org_id"]
    # roles without an organisation stay out of the join (they would all share one key)
    linked = join_on(rows.filter(expr=col("org_name") != ""), names, on="org_name", right_on="org_name",
                     columns=columns, partitions=partitions, fill={"org_id": ""})
    unlinked = rows.filter(expr=col("org_name") == "").select_columns(["doc_id", "idx", "row"])
    return linked.map_batches(with_org_ids, batch_format="pyarrow").union(unlinked)


def write_sorted(ds, out_dir: Path, names: list[str], fmt: str) -> dict[str, int]:
    """Sort ``ds`` (rows of :func:`table_rows`) on the cluster and stream its items into
    the files of tables ``names``; {name: rows written}."""
    sinks = {name: TableSink(out_dir, name, fmt, streamed=True) for name in names}
    try:
        if ds is not None:
            for batch in ds.sort(["table", "key"]).iter_batches(batch_size=STREAM_BATCH, batch_format="pyarrow"):
                items, tables = batch.column("item").to_pylist(), batch.column("table").to_pylist()
                for name, sink in sinks.items():
                    sink.add_serialised([item for item, table in zip(items, tables) if table == name])
        for sink in sinks.values():
            sink.finish()
    except BaseException:
        for sink in sinks.values():
            sink.abort()
        raise
    return {name: sink.count for name, sink in sinks.items()}


def connect(workers: int, quiet: bool) -> bool:
    """Join the cluster of ``RAY_ADDRESS`` or start a local one; True if we started it."""
    import ray

    if ray.is_initialized():
        return False
    settings = {"include_dashboard": False, "log_to_driver": not quiet, "logging_level": logging.WARNING}
    if os.environ.get("RAY_ADDRESS"):
        ray.init(**settings)
    else:
        ray.init(num_cpus=workers, **settings)
    return True


def configure_data(quiet: bool, partitions: int) -> None:
    from ray.data import DataContext
    from ray.data.context import ShuffleStrategy

    context = DataContext.get_current()
    context.execution_options.preserve_order = True  # tables stream out in sorted order
    # Ray's default shuffle runs in aggregator actors sized for terabytes (200
    # partitions); our cross-document tables are small, and a sort-based shuffle in tasks
    # with one partition per CPU is an order of magnitude faster on them.
    context.shuffle_strategy = ShuffleStrategy.SORT_SHUFFLE_PULL_BASED
    context.min_parallelism = partitions
    context.enable_progress_bars = not quiet and not os.environ.get("CI")


def run(
    inputs: list[Path],
    out_dir: Path,
    model: Path | str | None,
    *,
    workers: int = 1,
    fmt: str = "json",
    cache_dir: Path | None = None,
    quiet: bool = False,
):
    """Like :func:`extract.pipeline.run`, on Ray; returns its :class:`RunResult`."""
    import ray
    import ray.data

    # imported here, not at the top: Ray's task workers import this module, and the
    # pipeline (spaCy and the rules) is needed only in the actors
    from .pipeline import RunResult, default_cache_dir

    cache_dir = cache_dir if cache_dir is not None else default_cache_dir(out_dir)
    clock = time.perf_counter()
    started = connect(workers, quiet)
    log.info("ray: connected in %.1f s", time.perf_counter() - clock)
    configure_data(quiet, max(1, workers))
    try:
        paths = [{"order": i, "path": str(p)} for i, p in enumerate(iter_sources(inputs))]
        result = RunResult(inputs=len(paths))
        if not paths:
            return write_empty(out_dir, fmt, model, result)
        source = ray.data.from_items(paths, override_num_blocks=max(1, -(-len(paths) // BATCH_SIZE)))
        outcomes = source.map_batches(
            DocumentActor, fn_constructor_kwargs={"model": model, "cache_dir": cache_dir, "cwd": os.getcwd()},
            batch_size=BATCH_SIZE, compute=ray.data.ActorPoolStrategy(size=workers), num_cpus=1,
        ).materialize()
        log.info("ray: documents processed at %.1f s", time.perf_counter() - clock)
        partitions = partition_count(outcomes, workers)
        outcomes = refuse_repeated_ids(outcomes, partitions)
        summary = outcomes.select_columns(["source", "reason", "cached", "timings"])
        for row in summary.iter_rows():  # streamed; the counts do not depend on the order
            result.timings.update(json.loads(row["timings"]))
            if row["reason"]:
                result.failures.append({"source": row["source"], "reason": row["reason"]})
            else:
                result.documents += 1
                result.cached += int(row["cached"])
        accepted = outcomes.filter(expr=col("reason") == "")
        log.info("ray: duplicates dropped at %.1f s", time.perf_counter() - clock)
        counts = write_tables(accepted if result.documents else None, out_dir, fmt, partitions)
        log.info("ray: tables written at %.1f s", time.perf_counter() - clock)
        write_table(out_dir, RUN_RECORD, run_record(model, result, counts))
        return result
    finally:
        if started:
            ray.shutdown()


def write_tables(accepted, out_dir: Path, fmt: str, partitions: int) -> dict[str, int]:
    """All tables sorted on the cluster as one dataset and streamed to their files;
    {table: rows}."""
    if accepted is None:
        return write_sorted(None, out_dir, list(TABLES), fmt)
    people = accepted.flat_map(person_mentions).groupby("name", num_partitions=partitions).map_groups(person_group)
    orgs = organisations(accepted, partitions)
    tables = [("people", people, ["name"]), ("roles", roles(accepted, orgs, partitions), ["doc_id", "idx"])]
    if orgs is not None:
        tables.append(("organisations", orgs, ["name", "id"]))
    parts = [accepted.flat_map(document_table_rows, fn_kwargs={"fmt": fmt})] + [
        ds.map_batches(table_rows, fn_kwargs={"table": table, "keys": keys, "fmt": fmt}, batch_format="pyarrow")
        for table, ds, keys in tables]
    return write_sorted(parts[0].union(*parts[1:]), out_dir, list(TABLES), fmt)


def run_record(model, result, counts: dict[str, int]) -> dict:
    from .pipeline import model_label

    return {
        "pipeline_version": __version__,
        "model": model_label(model),
        "inputs": result.inputs,
        "documents": result.documents,
        "failures": sorted(result.failures, key=lambda f: f["source"]),
        "counts": counts,
    }


def write_empty(out_dir: Path, fmt: str, model, result):
    counts = write_sorted(None, out_dir, list(TABLES), fmt)
    write_table(out_dir, RUN_RECORD, run_record(model, result, counts))
    return result
