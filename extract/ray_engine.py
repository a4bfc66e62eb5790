"""The Ray engine of ``extract run --engine ray``: the same stages as a Ray Data job.

The per-document stages (ingest, clean, split, nlp, match, link, normalise) run in an
actor pool, one :class:`extract.pipeline.Processor` per actor, so each actor loads the
model once. Each actor also builds its documents' own records (documents, metrics,
dates, roles without organisation ids), validated and serialised, and the small lists
the cross-document steps need (people, organisations), so the steps after it never
parse a whole result again. The cross-document steps are Ray operations on the
cluster, not loops on the driver: documents that repeat an id are found by a count by
id, people of one name are split into identities (:mod:`extract.identity`: merged
across documents only with evidence) in a group-by on the name, a role takes its
person's identity in a group-by on (document, person name) of the roles and the people
step's rows for the pairs that are not their name's first identity (a join),
organisations that share a name or an alias are merged by connected components
(min-label propagation, one shuffle a round), and roles, carried through the rounds
with their organisation's name, take its id in the component's group step. Steps that
turn documents into rows work on whole blocks, and the group-by steps cut a sorted
block into its groups in one pass (:func:`grouped`).
The tables are sorted on the cluster, organisations and roles in a thread of their own
while the others are written; the driver only streams the sorted items into the output
files batch by batch.
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

from .ingest import SourceFile, collect_inputs
from .schema import RUN_RECORD, TABLES
from .identity import evidence, name_identities
from .write import (
    TableSink, document_records, organisation_record, person_id, person_record, role_records, serialised,
    write_table,
)

log = logging.getLogger(__name__)

# documents per actor call, at most: few, so that the actors share the work evenly, but
# each call leaves a block, and the repartition after the actors costs by the block
BATCH_SIZE = 8
STREAM_BATCH = 1024  # rows per batch when the driver writes a table
SUMMARY_COLUMNS = ["order", "doc_id", "source", "reason", "cached", "timings", "repairs"]
# JSON lists built from a document's result (see document_columns), "[]" if it failed
DERIVED_COLUMNS = ["items", "people", "facts", "organisations", "roles"]


class DocumentActor:
    """Ray Data actor: the per-document stages for a batch of (order, path, doc_id) rows, and
    what the cross-document steps need of each result (:func:`document_columns`)."""

    def __init__(self, model, cache_dir, cwd: str, fmt: str):
        from .pipeline import Processor
        if os.path.isdir(cwd):
            os.chdir(cwd)  # relative input paths mean what they mean on the driver
        self.processor, self.fmt = Processor(model, cache_dir), fmt

    def __call__(self, batch: dict) -> dict:
        out = {column: [] for column in SUMMARY_COLUMNS + DERIVED_COLUMNS}
        for order, path, doc_id in zip(batch["order"], batch["path"], batch["doc_id"]):
            outcome = self.processor(SourceFile(Path(str(path)), str(doc_id)))
            timings = self.processor.take_timings()
            failure = outcome.get("failure", {})
            result = outcome.get("result")
            out["order"].append(int(order))
            out["doc_id"].append(result["document"]["id"] if result else "")
            out["source"].append(result["document"]["source"] if result else failure["source"])
            out["reason"].append(failure.get("reason", ""))
            out["cached"].append(bool(outcome.get("cached", False)))
            out["timings"].append(json.dumps(timings))
            out["repairs"].append(json.dumps(result.get("repairs", []) if result else [], ensure_ascii=False))
            for column, value in document_columns(int(order), result, self.fmt).items():
                out[column].append(value)
        return out


def document_columns(order: int, result: dict | None, fmt: str) -> dict[str, str]:
    """What the steps after the actor need of one result, as JSON lists:
    ``items``, its rows of the documents, metrics and dates tables as (table, sort key,
    item), keyed by input order (JSON Lines) or by ids (JSON), validated and serialised;
    ``people`` (name, start, end) and ``organisations`` (name, surface, start, end), its
    mentions for the dedupe; ``facts``, {name: its evidence of identity (kind, value)};
    ``roles`` (organisation name, sort key, record, person name), its role records with
    the organisation id still to be filled in, and the person id that of the name's first
    identity (:func:`role_identity` corrects it)."""
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
        "facts": json.dumps({name: sorted(facts) for name, facts in evidence(result).items()}, ensure_ascii=False),
        "roles": json.dumps([[role["organisation"] or "", sort_key(doc_id, i), record, role["person"]]
                             for i, (role, record) in roles], ensure_ascii=False),
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


def repeated_ids(outcomes) -> dict[str, int]:
    """{document id: input order of the first document with it}, for the ids that more
    than one document has (a crawl's copies of a page): a count by id on the cluster,
    of which only the repeated ids come back. The documents that failed before they had
    an id share the empty id and are left out."""
    from ray.data.aggregate import Count, Min

    ids = outcomes.select_columns(["doc_id", "order"]).filter(expr=col("doc_id") != "")
    counts = ids.groupby("doc_id").aggregate(Count(alias_name="documents"), Min("order", alias_name="first"))
    return {row["doc_id"]: row["first"] for row in counts.filter(expr=col("documents") > 1).iter_rows()}


def grouped(ds, key: str, fn, **fn_kwargs):
    """``ds.groupby(key).map_groups(fn, fn_kwargs=...)`` with the groups cut in one pass
    over each sorted block: ``fn`` takes a group as {column: list} and returns its rows
    as {column: list}. Ray's map_groups makes a block of each group, about half a
    millisecond apiece, which a run of a million documents would spend per document,
    name and organisation. A sort puts all rows of a key in one block, as map_groups
    relies on too."""
    return ds.sort(key).map_batches(apply_to_groups, batch_size=None, batch_format="pyarrow",
                                    fn_kwargs={"key": key, "fn": fn, "fn_kwargs": fn_kwargs})


def apply_to_groups(block: pa.Table, *, key: str, fn, fn_kwargs: dict):
    """map_batches step of :func:`grouped`: ``fn`` over each run of equal keys of a
    sorted block, its rows gathered into one table (none for an empty block)."""
    columns = block.to_pydict()
    keys, out, start = columns[key], {}, 0
    for end in range(1, len(keys) + 1):
        if end == len(keys) or keys[end] != keys[start]:
            rows = fn({name: values[start:end] for name, values in columns.items()}, **fn_kwargs)
            for name, values in rows.items():
                out.setdefault(name, []).extend(values)
            start = end
    if out:
        yield pa.table(out)


def sort_key(*parts) -> str:
    """One string that sorts as the tuple ``parts`` does: numbers zero-padded, two NULs
    between the parts, below any character, so that a part that is a prefix of another
    sorts first, as in a tuple (a NUL inside a part is written NUL U+0001 to stay above)."""
    return "\0\0".join(part.replace("\0", "\0\1") if isinstance(part, str) else f"{int(part):012d}"
                         for part in parts)


def per_block(ds, fn, **fn_kwargs):
    """``fn`` over each block of ``ds`` as a pyarrow table: a step that gathers a block's
    rows by name, or builds its output as columns, where a flat_map would build a dict
    per output row (a 20 MB corpus: 141,000 rows of the organisations' graph)."""
    return ds.map_batches(fn, batch_size=None, batch_format="pyarrow", fn_kwargs=fn_kwargs)


ITEMS = pa.schema([("table", pa.string()), ("key", pa.string()), ("item", pa.string())])


def rows_table(rows: list[tuple], schema: pa.Schema) -> pa.Table:
    """A table of ``schema`` from row tuples in its column order (typed even when empty)."""
    return pa.table([[row[i] for row in rows] for i in range(len(schema))], schema=schema)


def document_items(block: pa.Table) -> pa.Table:
    """Per-block step: the documents' rows of the documents, metrics and dates tables."""
    rows = [row for text in block.column("items").to_pylist() for row in json.loads(text)]
    return rows_table(rows, ITEMS)


def table_items(table: str, fmt: str, keyed: list[tuple[str, dict]]) -> dict[str, list]:
    """Rows (table, key, item) of ``keyed`` (sort key, record) pairs of one table, in the
    columns a group-by step returns: the key sorts as the local engine's tuple does, so
    that all tables sort as one dataset, and the item is the record validated and
    serialised for its file, here on the cluster rather than on the driver."""
    items = serialised(table, fmt, [record for _, record in keyed])
    return {"table": [table] * len(keyed), "key": [key for key, _ in keyed], "item": items}


def by_name(pairs) -> dict[str, str]:
    """{name: JSON list of its values} of (name, value) pairs, in first-seen order."""
    lists: dict[str, list] = {}
    for name, value in pairs:
        lists.setdefault(name, []).append(value)
    return {name: json.dumps(values, ensure_ascii=False) for name, values in lists.items()}


NAMED_MENTIONS = pa.schema([("name", pa.string()), ("mentions", pa.string()), ("facts", pa.string())])


def person_mentions(block: pa.Table) -> pa.Table:
    """Per-block step: the block's people as (name, mentions, facts) rows, one per name,
    its mentions a JSON list of (doc_id, start, end), its facts one of (doc_id, evidence)
    for each document that names it."""
    mentions, facts = [], []
    columns = (block.column(name).to_pylist() for name in ("doc_id", "people", "facts"))
    for doc_id, people, doc_facts in zip(*columns):
        evidence_of, found = json.loads(doc_facts), json.loads(people)
        mentions += [(name, [doc_id, start, end]) for name, start, end in found]
        facts += [(name, [doc_id, evidence_of.get(name, [])]) for name in dict.fromkeys(p[0] for p in found)]
    facts_of = by_name(facts)
    return rows_table([(name, values, facts_of[name]) for name, values in by_name(mentions).items()], NAMED_MENTIONS)


IDENTITY_TABLE = "identity"  # rows of the people step that are not a table: (doc_id, name) -> number


def person_group(group: dict, *, fmt: str) -> dict:
    """Group-by step (one name): its identities (:func:`extract.identity.name_identities`,
    over its documents in id order), one row of the people table each, and a row of
    :data:`IDENTITY_TABLE` (key: sort key of document and name, item: the number) for each
    document whose person is not the name's first identity."""
    name = group["name"][0]
    docs = sorted((doc_id, {tuple(fact) for fact in facts})
                  for text in group["facts"] for doc_id, facts in json.loads(text))
    numbers = name_identities(docs)
    mentions: dict[int, list[dict]] = {}
    for text in group["mentions"]:
        for doc_id, start, end in json.loads(text):
            mentions.setdefault(numbers[doc_id], []).append({"doc_id": doc_id, "start": start, "end": end})
    rows = table_items("people", fmt, [(sort_key(name, number), person_record(name, found, number))
                                       for number, found in sorted(mentions.items())])
    others = sorted((doc_id, number) for doc_id, number in numbers.items() if number > 1)
    rows["table"] += [IDENTITY_TABLE] * len(others)
    rows["key"] += [sort_key(doc_id, name) for doc_id, _ in others]
    rows["item"] += [str(number) for _, number in others]
    return rows


ROLE_TABLE = "role"  # a role before its person's identity: key (doc_id, name), item [org, key, record, name]


def role_rows(block: pa.Table) -> pa.Table:
    """Per-block step: the block's roles as (table, key, item) rows keyed by their
    document and person name, to meet the people step's :data:`IDENTITY_TABLE` rows."""
    rows = [(ROLE_TABLE, sort_key(doc_id, role[3]), json.dumps(role, ensure_ascii=False))
            for doc_id, text in zip(block.column("doc_id").to_pylist(), block.column("roles").to_pylist())
            for role in json.loads(text)]
    return rows_table(rows, ITEMS)


ROLES = pa.schema([("organisation", pa.string()), ("key", pa.string()), ("record", pa.string())])


def role_identity(group: dict) -> dict:
    """Group-by step (one document and person name): its roles as (organisation name,
    sort key, record) rows, the person's id that of its identity when an
    :data:`IDENTITY_TABLE` row in the group says it is not the name's first."""
    numbers = [int(item) for table, item in zip(group["table"], group["item"]) if table == IDENTITY_TABLE]
    out = {"organisation": [], "key": [], "record": []}
    for table, item in zip(group["table"], group["item"]):
        if table == ROLE_TABLE:
            org_name, key, record, person = json.loads(item)
            if numbers:
                record["person"] = person_id(person, numbers[0])
            out["organisation"].append(org_name)
            out["key"].append(key)
            out["record"].append(json.dumps(record, ensure_ascii=False))
    return out


def roles_with_identities(accepted, people):
    """The roles of the ``accepted`` documents as rows of :data:`ROLES`, each person's id
    that of its identity: a join of the roles and the people step's identity rows, as a
    group-by on (document, person name)."""
    identities = people.filter(expr=col("table") == IDENTITY_TABLE)
    return grouped(per_block(accepted, role_rows).union(identities), "key", role_identity)


GRAPH = pa.schema([("a", pa.string()), ("b", pa.string()), ("mentions", pa.string()), ("roles", pa.string())])


def org_links(block: pa.Table) -> pa.Table:
    """Per-block step: the block's organisations as rows (a, b, mentions, roles) of the
    graph of names: both directions of each name-alias link and a self link of each name
    and alias, once per block, so that a node's new label is the minimum over itself and
    its neighbours. A name's mentions (JSON list of (doc_id, start, end)) ride on its
    self link: a mention belongs to the component of the name it was found under (not of
    its surface), as in the local engine. These rows have no roles (:func:`role_links`)."""
    links, mentions = {}, []
    for doc_id, organisations in zip(block.column("doc_id").to_pylist(), block.column("organisations").to_pylist()):
        for name, surface, start, end in json.loads(organisations):
            links.update(dict.fromkeys([(name, name), (name, surface), (surface, name), (surface, surface)]))
            mentions.append((name, [doc_id, start, end]))
    mention_lists = by_name(mentions)
    return rows_table([(a, b, mention_lists.get(a, "[]") if a == b else "[]", "[]") for a, b in links], GRAPH)


def role_columns(block: pa.Table):
    """(organisation name, sort key, record) rows of a block of :data:`ROLES` (a block
    of the group step that had no role is empty, perhaps without columns)."""
    if block.num_rows == 0:
        return []
    return zip(*(block.column(name).to_pylist() for name in ROLES.names))


def role_links(block: pa.Table) -> pa.Table:
    """Per-block step over :func:`roles_with_identities`: the roles that name an
    organisation, as graph rows of its name (a self link) whose roles (JSON list of
    (sort key, record)) take the id of the name's component; only these rows have roles."""
    roles = [(org_name, [key, json.loads(record)]) for org_name, key, record in role_columns(block) if org_name]
    return rows_table([(name, name, "[]", role_list) for name, role_list in by_name(roles).items()], GRAPH)


def adjacency(group: dict) -> dict:
    """Group-by step (one node): its neighbours, itself included, its first label (the
    smallest of them), its mentions and roles (JSON lists) and whether it is the name of
    an organisation (not only the organisation name a role gives)."""
    neighbours = sorted(set(group["b"]))
    mentions = [mention for text in group["mentions"] for mention in json.loads(text)]
    roles = [role for text in group["roles"] for role in json.loads(text)]
    return {"node": [group["a"][0]], "neighbours": [json.dumps(neighbours, ensure_ascii=False)],
            "label": [neighbours[0]], "changed": [True], "mentions": [json.dumps(mentions, ensure_ascii=False)],
            "roles": [json.dumps(roles, ensure_ascii=False)], "organisation": ["[]" in group["roles"]]}


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
    new = min(group["label"])
    return {"node": [group["node"][0]], "label": [new], "changed": [new != group["label"][own]],
            **{c: [group[c][own]] for c in NODE_CARGO}}


def connected_labels(graph):
    """(node, label, cargo) with label the smallest node of its connected component, by
    min-label propagation over the rows of :func:`org_links`: each round, every node
    offers its label to its neighbours and takes the smallest on offer, until no label
    changes (as many rounds as the widest component is long). Each node carries its
    neighbours, mentions and roles, so a round is one shuffle."""
    state = grouped(graph, "a", adjacency).materialize()
    while state.filter(expr=col("changed") == True).count():  # noqa: E712 (an expression)
        state = grouped(state.flat_map(offer_label), "node", relabel).materialize()
    return state.select_columns(["node", "label", *NODE_CARGO])


def organisation_group(group: dict, *, fmt: str) -> dict:
    """Group-by step (one connected component): its rows of the organisations and roles
    tables. A component with no organisation name is one name that only roles gave:
    those roles have no organisation, as in the local engine."""
    names = {n for n, is_name in zip(group["node"], group["organisation"]) if is_name}
    roles = [(key, record) for text in group["roles"] for key, record in json.loads(text)]
    org_id, rows = None, {"table": [], "key": [], "item": []}
    if names:
        mentions = [{"doc_id": doc_id, "start": start, "end": end}
                    for text in group["mentions"] for doc_id, start, end in json.loads(text)]
        record = organisation_record(names, mentions)
        org_id = record["id"]
        rows = table_items("organisations", fmt, [(sort_key(record["name"], org_id), record)])
    for _, record in roles:
        record["organisation"] = org_id
    return {column: rows[column] + values for column, values in table_items("roles", fmt, roles).items()}


def unlinked_roles(block: pa.Table, *, fmt: str) -> pa.Table:
    """Per-block step over :func:`roles_with_identities`: the roles that name no
    organisation, as table rows."""
    keyed = [(key, json.loads(record)) for org_name, key, record in role_columns(block) if not org_name]
    return pa.table(table_items("roles", fmt, keyed), schema=ITEMS)


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
    progress=None,
):
    """Like :func:`extract.pipeline.run`, on Ray; returns its :class:`RunResult`.
    ``progress`` is called with the result once the inputs are counted and once they are
    all processed (Ray Data shows its own progress bars on a terminal)."""
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
        found = collect_inputs(inputs)
        paths = [{"order": i, "path": str(s.path), "doc_id": s.doc_id} for i, s in enumerate(found.sources)]
        result = RunResult(total=len(paths), skipped=found.skipped)
        if progress is not None:
            progress(result)
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
        refused = tally(outcomes, result)
        result.inputs = len(paths)
        if progress is not None:
            progress(result)
        # as long as the list of failures the run record keeps anyway
        accepted = outcomes.filter(expr=col("order").not_in(refused)) if refused else outcomes
        log.info("ray: duplicates dropped at %.1f s", time.perf_counter() - clock)
        counts = write_tables(accepted if result.documents else None, out_dir, fmt)
        log.info("ray: tables written at %.1f s", time.perf_counter() - clock)
        write_table(out_dir, RUN_RECORD, run_record(model, result, counts, fmt))
        return result
    finally:
        if started:
            ray.shutdown()


def tally(outcomes, result) -> list[int]:
    """Count the outcomes into the run's ``result`` (documents, cached, failures,
    timings) from their summary columns, streamed to the driver; returns the input orders
    of the documents refused because an earlier document has their id (their records are
    still in the outcomes)."""
    from .pipeline import duplicate_reason

    firsts = repeated_ids(outcomes)
    refused, first_sources = {}, {}
    for row in outcomes.select_columns(SUMMARY_COLUMNS).iter_rows():  # counts do not depend on order
        result.timings.update(json.loads(row["timings"]))
        first = firsts.get(row["doc_id"])
        if first is not None and row["order"] != first:
            refused[row["order"]] = (row["source"], row["doc_id"])
        elif row["reason"]:
            result.failures.append({"source": row["source"], "reason": row["reason"]})
        else:
            if first is not None:
                first_sources[row["doc_id"]] = row["source"]
            result.documents += 1
            result.cached += int(row["cached"])
            result.repairs.extend(json.loads(row["repairs"]))
    result.failures += [{"source": source, "reason": duplicate_reason(doc_id, first_sources)}
                        for source, doc_id in refused.values()]
    return list(refused)


def write_tables(accepted, out_dir: Path, fmt: str) -> dict[str, int]:
    """All tables sorted on the cluster and streamed to their files; {table: rows}.
    Organisations and roles (which need the organisations' ids) are built and sorted in a
    thread of their own while the other tables are sorted and written: each step is a
    chain of small Ray executions, mostly waiting, and the two chains' waits overlap."""
    if accepted is None:
        return write_sorted([], out_dir, fmt)
    # the people step gives the people table's rows and the identity rows the roles need
    people = grouped(per_block(accepted, person_mentions), "name", person_group, fmt=fmt).materialize()
    direct = per_block(accepted, document_items).union(people.filter(expr=col("table") != IDENTITY_TABLE))
    with ThreadPoolExecutor(max_workers=1) as thread:
        linked = thread.submit(linked_tables, accepted, people, fmt)
        return write_sorted([direct.sort(["table", "key"]), linked], out_dir, fmt)


def linked_tables(accepted, people, fmt: str):
    """The organisations and roles tables as one dataset of (table, key, item) rows,
    sorted and materialised; ``people`` is the people step's output (its identity rows
    give the roles' person ids)."""
    roles = roles_with_identities(accepted, people).materialize()
    components = connected_labels(per_block(accepted, org_links).union(per_block(roles, role_links)))
    rows = per_block(roles, unlinked_roles, fmt=fmt)
    if components.count():
        rows = rows.union(grouped(components, "label", organisation_group, fmt=fmt))
    return rows.sort(["table", "key"]).materialize()


def run_record(model, result, counts: dict[str, int], fmt: str) -> dict:
    from .pipeline import run_summary

    return {
        **run_summary(model, result, counts),
        "tables": {name: f"{name}.{'jsonl' if fmt == 'jsonl' else 'json'}" for name in counts},
    }


def write_empty(out_dir: Path, fmt: str, model, result):
    counts = write_sorted([], out_dir, fmt)
    write_table(out_dir, RUN_RECORD, run_record(model, result, counts, fmt))
    return result
