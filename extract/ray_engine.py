"""The Ray engine of ``extract run --engine ray``: the same stages as a Ray Data job.

The per-document stages (ingest, clean, split, nlp, match, link, normalise) run in an
actor pool, one :class:`extract.pipeline.Processor` per actor, so each actor loads the
model once. Each actor also builds its documents' own records (documents, metrics,
dates, roles without organisation ids), validated and serialised, and the small lists
the cross-document steps need (people, organisations), so the steps after it never
parse a whole result again. The cross-document steps are Ray operations on the
cluster, not loops on the driver: documents that repeat an id are found in a group-by,
people are merged by name with a group-by, organisations that share a name or an alias
are merged by connected components (min-label propagation, one shuffle a round), and
roles, carried through the rounds with their organisation's name, take its id in the
component's group step. The tables are sorted on the cluster, organisations and roles
in a thread of their own while the others are written; the driver only streams the
sorted items into the output files batch by batch.
Records are built by the same functions as the local engine (:mod:`extract.write`), and
the output is the same, byte for byte.

The cluster is the one ``RAY_ADDRESS`` names, else a local one with ``workers`` CPUs.
Input paths are resolved in the driver's working directory, which every node must see
(a shared file system), and every node needs this package and the model installed.
"""
from __future__ import annotations

import importlib
import json
import logging
import os
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
from ray.data.expressions import col

from . import __version__
from .ingest import iter_sources
from .schema import RUN_RECORD, TABLES
from .write import (
    TableSink, document_records, organisation_record, person_record, role_records, serialised, write_table,
)

log = logging.getLogger(__name__)

# documents per actor call, at most: few, so that the actors share the work evenly, but
# each call leaves a block, and the repartition after the actors costs by the block
BATCH_SIZE = 8
STREAM_BATCH = 1024  # rows per batch when the driver writes a table
SUMMARY_COLUMNS = ["order", "doc_id", "source", "reason", "cached", "timings"]
# JSON lists built from a document's result (see document_columns), "[]" if it failed
DERIVED_COLUMNS = ["items", "people", "organisations", "roles"]


class DocumentActor:
    """Ray Data actor: the per-document stages for a batch of (order, path) rows, and
    what the cross-document steps need of each result (:func:`document_columns`)."""

    def __init__(self, model, cache_dir, cwd: str, fmt: str):
        from .pipeline import Processor
        if os.path.isdir(cwd):
            os.chdir(cwd)  # relative input paths mean what they mean on the driver
        self.processor, self.fmt = Processor(model, cache_dir), fmt

    def __call__(self, batch: dict) -> dict:
        out = {column: [] for column in SUMMARY_COLUMNS + DERIVED_COLUMNS}
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
            out["timings"].append(json.dumps(timings))
            for column, value in document_columns(int(order), result, self.fmt).items():
                out[column].append(value)
        return out


def document_columns(order: int, result: dict | None, fmt: str) -> dict[str, str]:
    """What the steps after the actor need of one result, as JSON lists:
    ``items``, its rows of the documents, metrics and dates tables as (table, sort key,
    item), keyed by input order (JSON Lines) or by ids (JSON), validated and serialised;
    ``people`` (name, start, end) and ``organisations`` (name, surface, start, end), its
    mentions for the dedupe; ``roles`` (organisation name, sort key, record), its role
    records with the organisation id still to be filled in."""
    if result is None:
        return {column: "[]" for column in DERIVED_COLUMNS}
    doc_id = result["document"]["id"]
    items = []
    for table, records in document_records(result).items():
        for i, (record, item) in enumerate(zip(records, serialised(table, fmt, records))):
            items.append([table, sort_key(order, i) if fmt == "jsonl" else sort_key(doc_id, record["id"]), item])
    roles = enumerate(zip(result["roles"], role_records(doc_id, result["roles"], {})))
    return {
        "items": json.dumps(items, ensure_ascii=False),
        "people": json.dumps([[p["name"], p["start"], p["end"]] for p in result["people"]], ensure_ascii=False),
        "organisations": json.dumps([[o["name"], o["surface"], o["start"], o["end"]] for o in result["organisations"]],
                                    ensure_ascii=False),
        "roles": json.dumps([[role["organisation"] or "", sort_key(doc_id, i), record] for i, (role, record) in roles],
                            ensure_ascii=False),
    }


def partition_count(ds, workers: int) -> int:
    """Blocks for the cross-document steps: one per CPU, more if blocks would outgrow
    Ray's target block size. Ray's sort-based shuffle costs grow with blocks squared, and
    the actor stage leaves one block per batch, so its output is repartitioned to this
    before the first shuffle (a 20 MB corpus: a group-by took 4 s after it, 190 to 226 s
    without)."""
    from ray.data import DataContext

    target = DataContext.get_current().target_max_block_size or 128 * 2**20
    return max(1, workers, -(-(ds.size_bytes() or 0) // target))


def repeated_ids(outcomes, partitions: int):
    """The summary columns of the outcomes, grouped by document id, with every document
    that repeats an earlier document's id refused (its reason set). Only these narrow
    columns are shuffled; the records stay where the actors left them."""
    return outcomes.select_columns(SUMMARY_COLUMNS).groupby("doc_id", num_partitions=partitions).map_groups(
        later_of_each_id, batch_format="pyarrow")


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


def document_items(row: dict) -> list[dict]:
    """flat_map step: a document's rows of the documents, metrics and dates tables."""
    return [{"table": table, "key": key, "item": item} for table, key, item in json.loads(row["items"])]


def table_items(table: str, fmt: str, keyed: list[tuple[str, dict]]) -> dict[str, list]:
    """Rows (table, key, item) of ``keyed`` (sort key, record) pairs of one table, in the
    columns a group-by step returns: the key sorts as the local engine's tuple does, so
    that all tables sort as one dataset, and the item is the record validated and
    serialised for its file, here on the cluster rather than on the driver."""
    items = serialised(table, fmt, [record for _, record in keyed])
    return {"table": [table] * len(keyed), "key": [key for key, _ in keyed], "item": items}


def person_mentions(row: dict) -> list[dict]:
    """flat_map step: a document's people as (name, doc_id, start, end) rows."""
    return [{"name": name, "doc_id": row["doc_id"], "start": start, "end": end}
            for name, start, end in json.loads(row["people"])]


def person_group(group: dict, *, fmt: str) -> dict:
    """Group-by step (one name): the person's row of the people table."""
    mentions = [{"doc_id": str(d), "start": int(s), "end": int(e)}
                for d, s, e in zip(group["doc_id"], group["start"], group["end"])]
    name = str(group["name"][0])
    return table_items("people", fmt, [(sort_key(name), person_record(name, mentions))])


def org_links(row: dict) -> list[dict]:
    """flat_map step: a document's organisations and roles as rows (a, b, mention, role)
    of the graph of names: both directions of each name-alias link and a self link for
    each name, so that a node's new label is the minimum over itself and its neighbours.
    Mentions and roles ride on a self link of the name they were found under: a mention
    belongs to the component of its name (not of its surface), as in the local engine,
    and a role to the component of its organisation's name, whose id it takes."""
    doc_id, rows = row["doc_id"], []
    for name, surface, start, end in json.loads(row["organisations"]):
        links = {(name, surface), (surface, name), (surface, surface)}
        rows += [{"a": a, "b": b, "mention": "", "role": ""} for a, b in links]
        rows.append({"a": name, "b": name, "mention": json.dumps([doc_id, start, end], ensure_ascii=False), "role": ""})
    for org_name, key, record in json.loads(row["roles"]):
        if org_name:
            role = json.dumps([key, record], ensure_ascii=False)
            rows.append({"a": org_name, "b": org_name, "mention": "", "role": role})
    return rows


def adjacency(group: dict) -> dict:
    """Group-by step (one node): its neighbours, itself included, its first label (the
    smallest of them), its mentions and roles (JSON lists) and whether it is the name of
    an organisation (not only the organisation name a role gives)."""
    neighbours = sorted({str(b) for b in group["b"]})
    mentions = [json.loads(str(m)) for m in group["mention"] if m]
    roles = [json.loads(str(r)) for r in group["role"] if r]
    return {"node": [group["a"][0]], "neighbours": [json.dumps(neighbours, ensure_ascii=False)],
            "label": [neighbours[0]], "changed": [True], "mentions": [json.dumps(mentions, ensure_ascii=False)],
            "roles": [json.dumps(roles, ensure_ascii=False)], "organisation": [not all(group["role"])]}


# what a node carries from round to round, and the empty cargo of the label it offers others
EMPTY_CARGO = {"neighbours": "", "mentions": "", "roles": "", "organisation": False}
NODE_CARGO = list(EMPTY_CARGO)


def offer_label(row: dict) -> list[dict]:
    """flat_map step of a propagation round: the node's label offered to each neighbour
    (itself included, which carries the node's cargo on to the next round)."""
    own = row["node"]
    return [{"node": n, "label": row["label"], **{c: row[c] if n == own else EMPTY_CARGO[c] for c in NODE_CARGO}}
            for n in json.loads(row["neighbours"])]


def relabel(group: dict) -> dict:
    """Group-by step (one node): the smallest label on offer, and whether it is new. The
    node's own label and cargo come through its self link."""
    own = next(i for i, neighbours in enumerate(group["neighbours"]) if neighbours)
    new = min(str(label) for label in group["label"])
    return {"node": [group["node"][0]], "label": [new], "changed": [new != group["label"][own]],
            **{c: [group[c][own]] for c in NODE_CARGO}}


def connected_labels(graph, partitions: int):
    """(node, label, cargo) with label the smallest node of its connected component, by
    min-label propagation over the rows of :func:`org_links`: each round, every node
    offers its label to its neighbours and takes the smallest on offer, until no label
    changes (as many rounds as the widest component is long). Each node carries its
    neighbours, mentions and roles, so a round is one shuffle."""
    state = graph.groupby("a", num_partitions=partitions).map_groups(adjacency).materialize()
    while state.filter(expr=col("changed") == True).count():  # noqa: E712 (an expression)
        state = state.flat_map(offer_label).groupby("node", num_partitions=partitions).map_groups(relabel).materialize()
    return state.select_columns(["node", "label", *NODE_CARGO])


def organisation_group(group: dict, *, fmt: str) -> dict:
    """Group-by step (one connected component): its rows of the organisations and roles
    tables. A component with no organisation name is one name that only roles gave:
    those roles have no organisation, as in the local engine."""
    names = {str(n) for n, is_name in zip(group["node"], group["organisation"]) if is_name}
    roles = [(key, record) for text in group["roles"] for key, record in json.loads(str(text))]
    org_id, rows = None, {"table": [], "key": [], "item": []}
    if names:
        mentions = [{"doc_id": doc_id, "start": start, "end": end}
                    for text in group["mentions"] for doc_id, start, end in json.loads(str(text))]
        record = organisation_record(names, mentions)
        org_id = record["id"]
        rows = table_items("organisations", fmt, [(sort_key(record["name"], org_id), record)])
    for _, record in roles:
        record["organisation"] = org_id
    return {column: rows[column] + values for column, values in table_items("roles", fmt, roles).items()}


def unlinked_roles(row: dict, *, fmt: str) -> list[dict]:
    """flat_map step: a document's roles that name no organisation, as table rows."""
    keyed = [(key, record) for org_name, key, record in json.loads(row["roles"]) if not org_name]
    items = table_items("roles", fmt, keyed)
    return [dict(zip(items, values)) for values in zip(*items.values())]


def write_sorted(parts: list, out_dir: Path, fmt: str) -> dict[str, int]:
    """Stream the items of ``parts`` (datasets of (table, key, item) rows sorted on
    (table, key), or futures of them; a table's rows all in one part) into the table
    files, part by part; {table: rows written}."""
    sinks = {name: TableSink(out_dir, name, fmt, streamed=True) for name in TABLES}
    try:
        for part in parts:
            ds = part.result() if isinstance(part, Future) else part
            for batch in ds.iter_batches(batch_size=STREAM_BATCH, batch_format="pyarrow"):
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
    settings = {"include_dashboard": False, "log_to_driver": not quiet,
                "logging_level": logging.ERROR if quiet else logging.WARNING}
    if os.environ.get("RAY_ADDRESS"):
        ray.init(**settings)
    else:
        # Ray kills idle workers beyond one per CPU, and the actors count: without a higher
        # limit the task workers warmed below would be gone by the time the actors finish
        ray.init(num_cpus=workers, _system_config={"num_workers_soft_limit": 2 * workers}, **settings)
    for _ in range(workers):
        ray.remote(num_cpus=0)(warm_task_worker).remote()
    return True


def warm_task_worker() -> None:
    """Ray task: a task worker process started and Ray Data imported in it while the
    driver lists the inputs and the actors load the model, rather than when the first
    step after the actors needs it (2 to 4 s on 2 CPUs)."""
    importlib.import_module("ray.data")
    time.sleep(0.5)  # the warm-up tasks overlap, so each lands in a worker process of its own


def configure_data(quiet: bool, partitions: int) -> None:
    from ray.data import DataContext
    from ray.data.context import ShuffleStrategy
    from ray.util.debug import log_once

    context = DataContext.get_current()
    context.execution_options.preserve_order = True  # tables stream out in sorted order
    # Ray's default shuffle runs in aggregator actors sized for terabytes (200
    # partitions); our cross-document tables are small, and a sort-based shuffle in tasks
    # with one partition per CPU is an order of magnitude faster on them.
    context.shuffle_strategy = ShuffleStrategy.SORT_SHUFFLE_PULL_BASED
    context.min_parallelism = partitions
    context.enable_progress_bars = not quiet and not os.environ.get("CI")
    if quiet:  # Ray Data logs every execution's plan and end, and notices, on stderr
        logging.getLogger("ray.data").setLevel(logging.ERROR)
    # The organisations' chain starts its executions while the other tables' tasks hold
    # every CPU; Ray Data's warning that the job "will hang" is false there (the CPUs
    # come free), so its one showing is spent here.
    log_once("cpu_warning")


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
        batch = min(BATCH_SIZE, -(-len(paths) // workers))  # a small corpus still reaches every actor
        source = ray.data.from_items(paths, override_num_blocks=-(-len(paths) // batch))
        outcomes = source.map_batches(
            DocumentActor, fn_constructor_kwargs={"model": model, "cache_dir": cache_dir, "cwd": os.getcwd(), "fmt": fmt},
            batch_size=batch, compute=ray.data.ActorPoolStrategy(size=workers), num_cpus=1,
        ).materialize()
        log.info("ray: documents processed at %.1f s", time.perf_counter() - clock)
        partitions = partition_count(outcomes, workers)
        outcomes = outcomes.repartition(partitions).materialize()  # see partition_count
        log.info("ray: outcomes in %d blocks at %.1f s", partitions, time.perf_counter() - clock)
        refused = []
        for row in repeated_ids(outcomes, partitions).iter_rows():  # streamed; counts do not depend on order
            result.timings.update(json.loads(row["timings"]))
            if row["reason"]:
                result.failures.append({"source": row["source"], "reason": row["reason"]})
                if row["doc_id"]:  # a repeated id: its records are in the outcomes
                    refused.append(row["order"])
            else:
                result.documents += 1
                result.cached += int(row["cached"])
        # as long as the list of failures the run record keeps anyway
        accepted = outcomes.filter(expr=col("order").not_in(refused)) if refused else outcomes
        log.info("ray: duplicates dropped at %.1f s", time.perf_counter() - clock)
        counts = write_tables(accepted if result.documents else None, out_dir, fmt, partitions)
        log.info("ray: tables written at %.1f s", time.perf_counter() - clock)
        write_table(out_dir, RUN_RECORD, run_record(model, result, counts))
        return result
    finally:
        if started:
            ray.shutdown()


def write_tables(accepted, out_dir: Path, fmt: str, partitions: int) -> dict[str, int]:
    """All tables sorted on the cluster and streamed to their files; {table: rows}.
    Organisations and roles (which need the organisations' ids) are built and sorted in a
    thread of their own while the other tables are sorted and written: each step is a
    chain of small Ray executions, mostly waiting, and the two chains' waits overlap."""
    if accepted is None:
        return write_sorted([], out_dir, fmt)
    people = accepted.flat_map(person_mentions).groupby("name", num_partitions=partitions).map_groups(
        person_group, fn_kwargs={"fmt": fmt})
    direct = accepted.flat_map(document_items).union(people)
    with ThreadPoolExecutor(max_workers=1) as thread:
        linked = thread.submit(linked_tables, accepted, fmt, partitions)
        return write_sorted([direct.sort(["table", "key"]), linked], out_dir, fmt)


def linked_tables(accepted, fmt: str, partitions: int):
    """The organisations and roles tables as one dataset of (table, key, item) rows,
    sorted and materialised."""
    components = connected_labels(accepted.flat_map(org_links), partitions)
    rows = accepted.flat_map(unlinked_roles, fn_kwargs={"fmt": fmt})
    if components.count():
        rows = rows.union(components.groupby("label", num_partitions=partitions).map_groups(
            organisation_group, fn_kwargs={"fmt": fmt}))
    return rows.sort(["table", "key"]).materialize()


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
    counts = write_sorted([], out_dir, fmt)
    write_table(out_dir, RUN_RECORD, run_record(model, result, counts))
    return result
