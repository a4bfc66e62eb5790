"""Command line: ``extract run``, ``extract schemas``, ``extract validate``.

Exit codes: 0 success; 1 some input files failed (the others were processed and the
dataset written); 2 usage error; 3 the dataset does not validate; 4 the output folder
cannot take the dataset (a file, read-only, disk full); 5 another run is writing to the
output folder; 130 interrupted (Ctrl-C or SIGTERM; the previous dataset is unchanged).
"""
from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

import click

from . import __version__
from .schema import all_schemas

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, EXIT_INVALID, EXIT_OUTPUT, EXIT_LOCKED = 0, 1, 2, 3, 4, 5
EXIT_INTERRUPTED = 130
PROJECT_ROOT = Path(__file__).resolve().parent.parent


@click.group(help=__doc__)
@click.version_option(__version__, prog_name="extract")
def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s", stream=sys.stderr)


def read_input_list(inputs: tuple[Path, ...], from_stdin: bool) -> list[Path]:
    """Inputs named on the command line (globs expanded) and, with --stdin, one per line."""
    paths: list[Path] = []
    for item in inputs:
        text = str(item)
        if any(c in text for c in "*?[") and not item.exists():
            paths.extend(expand_glob(text))
        else:
            paths.append(item)
    if from_stdin:
        paths.extend(Path(line.strip()) for line in sys.stdin if line.strip())
    return paths


def expand_glob(pattern: str) -> list[Path]:
    """The paths matching ``pattern`` (relative or absolute; ``**`` spans folders), sorted;
    a pattern that matches nothing is a usage error, not an empty (or default) input."""
    import glob

    from .ingest import display_path

    matches = sorted(glob.glob(pattern, recursive=True))
    if not matches:
        raise click.UsageError(f"no file matches {display_path(pattern)!r}")
    return [Path(m) for m in matches]


def checked_model(model: Path | None) -> Path | None:
    """The pipeline folder to use: ``--model none`` is the rules alone, no --model the
    shipped one; a --model folder that holds no loadable pipeline is a usage error (a
    typo must not quietly give a run with the rules alone)."""
    from .nlp import DEFAULT_MODEL

    if model is None:
        return DEFAULT_MODEL
    if str(model) == "none":
        return None
    config = model / "config.cfg"
    if not config.is_file():
        raise click.BadParameter(f"{model} is not a spaCy pipeline folder (no config.cfg); "
                                 "use --model none for the rules alone", param_hint="--model")
    try:
        import spacy

        spacy.util.load_config(config)
    except Exception as exc:  # spaCy raises several kinds for a broken config
        raise click.BadParameter(f"{model}/config.cfg does not load: {type(exc).__name__}: {exc}",
                                 param_hint="--model") from None
    return model


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled as Ctrl-C: the run stops, its temporary files are removed."""


def terminate_like_interrupt(signum, frame) -> None:
    raise Terminated()


def show_progress(quiet: bool) -> bool:
    """A live progress bar: on a terminal, unless quiet or under CI."""
    return not quiet and sys.stderr.isatty() and not os.environ.get("CI")


def format_duration(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}m" if hours else f"{rest // 60}m{rest % 60:02d}s"


def progress_clock() -> float:
    """The progress clock (a function of its own so that tests can replace it)."""
    return time.monotonic()


class ProgressStatus:
    """Done/total, documents per second, time left and failures so far of a running
    pipeline, from the running result that :func:`extract.pipeline.run` passes on."""

    def __init__(self, clock=None):
        self.clock = clock or progress_clock
        self.started = self.clock()

    def fields(self, result) -> dict[str, str]:
        elapsed = max(1e-9, self.clock() - self.started)
        rate = result.inputs / elapsed
        left = max(0, result.total - result.inputs)
        eta = format_duration(left / rate) if rate > 0 else "?"
        return {"rate": f"{rate:.1f}", "eta": eta, "failed": str(len(result.failures))}

    def line(self, result) -> str:
        f = self.fields(result)
        share = f" ({100 * result.inputs / result.total:.0f}%)" if result.total else ""
        return (f"extract: {result.inputs}/{result.total} documents{share}, {f['rate']} docs/s, "
                f"ETA {f['eta']}, {f['failed']} failed")


def progress_lines(every: float, echo=None, clock=None):
    """A progress callback for a run without a terminal (a log file, CI): one status line
    on stderr every ``every`` seconds, and one when the last document is done."""
    status = ProgressStatus(clock)
    clock = status.clock
    last = [clock()]
    echo = echo or (lambda text: click.echo(text, err=True))

    def tick(result) -> None:
        now = clock()
        finished = result.total and result.inputs == result.total
        if now - last[0] >= every or (finished and now - status.started >= every):
            last[0] = now
            echo(status.line(result))

    return tick


def every_call_lines(echo=None):
    """A progress callback that prints a status line each time it is called: for the Ray
    engine, which calls it when the inputs are counted and when they are processed."""
    status = ProgressStatus()
    echo = echo or (lambda text: click.echo(text, err=True))
    return lambda result: echo(status.line(result))


def run_with_bar(run_pipeline, **kwargs):
    """Run the pipeline with a live bar on the terminal: done/total, documents per
    second, time left and failures so far."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rate]} docs/s"), TextColumn("ETA {task.fields[eta]}"),
               TextColumn("{task.fields[failed]} failed"), TimeElapsedColumn()]
    status = ProgressStatus()
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("extract", total=None, rate="0.0", eta="?", failed="0")

        def tick(result) -> None:
            bar.update(task, total=result.total, completed=result.inputs, **status.fields(result))

        return run_pipeline(**kwargs, progress=tick)


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", default="outputs", show_default=True, type=click.Path(path_type=Path),
              help="Output folder.")
@click.option("--model", default=None, type=click.Path(path_type=Path),
              help="spaCy pipeline folder (default: the shipped models/zh_extract; 'none' for rules only).")
@click.option("--workers", default=os.cpu_count() or 1, show_default="all cores", type=click.IntRange(1),
              help="Worker processes (each loads the model once).")
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl"]), default="json", show_default=True,
              help="JSON arrays, or JSON Lines (one record per line; memory stays flat).")
@click.option("--cache", "cache_dir", type=click.Path(path_type=Path), default=None,
              help="Per-document results for resumable runs (default: .OUT.cache beside --out).")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="local worker processes, or a Ray Data job on the cluster of RAY_ADDRESS "
                   "(a local Ray instance with --workers CPUs if unset).")
@click.option("--stdin", "from_stdin", is_flag=True, help="Also read input paths from standard input, one per line.")
@click.option("--quiet", "-q", is_flag=True, help="No progress and no summary.")
@click.option("--progress-every", default=10.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds between progress lines when stderr is not a terminal (a log file, CI).")
@click.option("--verbose", "-v", is_flag=True, help="Log stage timings.")
def run(inputs, out_dir, model, workers, fmt, engine, cache_dir, from_stdin, quiet, progress_every, verbose) -> None:
    """Process INPUT files, folders or globs (default: seeds/) into the dataset in --out.

    Inside a folder every file whose content is HTML or text is a page (other files are
    listed under "skipped" in run.json); its document id is its path relative to the
    folder without extension (news/2024/index). A file named directly has its name.

    \b
    Exit codes:
      0  every file was processed
      1  some files failed: each is named with its reason on stderr and in run.json;
         the other files were processed and the dataset was written
      2  usage error (a glob that matches nothing, a --model that does not load)
      4  --out cannot take the dataset (a file, read-only, disk full)
      5  another run is writing to --out
      130  interrupted by Ctrl-C or SIGTERM: --out is as it was
    """
    import signal

    from .write import OutputError, OutputLocked

    if verbose:
        logging.getLogger("extract").setLevel(logging.INFO)
    chosen = checked_model(model)
    paths = read_input_list(inputs, from_stdin) or [Path("seeds")]
    started = time.perf_counter()
    previous = signal.signal(signal.SIGTERM, terminate_like_interrupt)
    try:
        result = execute(paths, out_dir, chosen, workers, fmt, engine, cache_dir, quiet, progress_every)
    except OutputLocked as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_LOCKED)
    except OutputError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_OUTPUT)
    except KeyboardInterrupt as exc:
        why = "terminated (SIGTERM)" if isinstance(exc, Terminated) else "interrupted"
        click.echo(f"{why}: no dataset written; {out_dir} is as it was before the run", err=True)
        sys.stderr.flush()
        # os._exit, not sys.exit: the staging folder and the lock are already cleaned up, and
        # the process pool's exit hook would write to a pipe the interrupted workers may have
        # closed, printing a traceback after the message
        os._exit(EXIT_INTERRUPTED)
    except OSError as exc:  # a full disk while writing, say: one line, not a traceback
        from .ingest import display_path

        where = f" ({display_path(exc.filename)})" if exc.filename else ""
        click.echo(f"error: writing the dataset failed: {exc.strerror or exc}{where}; "
                   f"{out_dir} is as it was before the run", err=True)
        sys.exit(EXIT_OUTPUT)
    finally:
        signal.signal(signal.SIGTERM, previous)
    for failure in result.failures:
        click.echo(f"error: {failure['source']}: {failure['reason']}", err=True)
    if verbose:
        for stage, seconds in sorted(result.timings.items(), key=lambda kv: -kv[1]):
            logging.getLogger("extract").info("stage %-24s %8.3f s", stage, seconds)
    if not quiet:
        skipped = f", {len(result.skipped)} files skipped (see run.json)" if result.skipped else ""
        click.echo(
            f"{result.documents} documents written to {out_dir} ({result.cached} from cache), "
            f"{len(result.failures)} failed{skipped}, {time.perf_counter() - started:.1f} s",
            err=True,
        )
    sys.exit(EXIT_SOME_FAILED if result.failures else EXIT_OK)


def execute(paths, out_dir, chosen, workers, fmt, engine, cache_dir, quiet, progress_every):
    """The run on the chosen engine, with a progress bar on a terminal or progress lines
    without one; its RunResult."""
    from .pipeline import run as run_pipeline

    if engine == "ray":
        from .pipeline import default_cache_dir
        from .ray_engine import run as run_on_ray
        from .write import staged_dataset

        with staged_dataset(out_dir) as staging:
            return run_on_ray(paths, staging, chosen, workers=workers, fmt=fmt,
                              cache_dir=cache_dir if cache_dir is not None else default_cache_dir(out_dir),
                              quiet=not show_progress(quiet), progress=None if quiet else every_call_lines())
    if show_progress(quiet):
        return run_with_bar(run_pipeline, inputs=paths, out_dir=out_dir, model=chosen, workers=workers, fmt=fmt,
                            cache_dir=cache_dir)
    return run_pipeline(paths, out_dir, chosen, workers=workers, fmt=fmt, cache_dir=cache_dir,
                        progress=None if quiet else progress_lines(progress_every))


@main.command()
@click.option("--out", "out_dir", default=str(PROJECT_ROOT / "schemas"), show_default=True,
              type=click.Path(path_type=Path))
def schemas(out_dir: Path) -> None:
    """Write the JSON Schemas of the output files, generated from the pydantic models."""
    from .write import dumps, write_atomic

    for name, schema in all_schemas().items():
        write_atomic(out_dir / f"{name}.schema.json", dumps(schema))
    click.echo(f"{len(all_schemas())} schemas written to {out_dir}", err=True)


@main.command()
@click.argument("dataset", type=click.Path(path_type=Path, exists=True, file_okay=False))
def validate(dataset: Path) -> None:
    """Validate an existing dataset folder: each file against its schema, and across files
    that referenced ids exist, ids are unique, offsets fall on their document's text and
    run.json's counts match; names file, record and field of each problem (at most 50)."""
    from .write import validate_dir

    problems = validate_dir(dataset)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        sys.exit(EXIT_INVALID)
    click.echo(f"{dataset}: valid", err=True)


@main.command()
@click.argument("dataset", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--out", "out_file", type=click.Path(path_type=Path), default=None,
              help="HTML file to write (default: DATASET/../report.html).")
def report(dataset: Path, out_file: Path | None) -> None:
    """Write an HTML review of DATASET: a document index, People and Organisations panels
    (aliases, the documents they appear in), each text with its records highlighted.
    Beyond 300 documents, one page per document in a folder beside the report."""
    from .report import write_report
    from .write import validate_dir

    problems = validate_dir(dataset, limit=3)
    if problems:
        click.echo(f"error: {dataset} is not a valid dataset, no report written; "
                   f"`extract validate {dataset}` lists the problems. First: {problems[0]}", err=True)
        sys.exit(EXIT_INVALID)
    target = out_file or dataset.parent / "report.html"
    written = write_report(dataset, target)
    extra = f" (and {len(written) - 1} pages in {written[1].parent})" if len(written) > 1 else ""
    click.echo(f"report written to {target}{extra}", err=True)


@main.command("eval")
@click.argument("dataset", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.argument("gold", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--sources", type=click.Path(path_type=Path), multiple=True,
              help="Folder(s) of the source files, for the body score (default: seeds/ and each source's folder).")
@click.option("--show-errors", is_flag=True, help="List missed and spurious records per document.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def eval_command(dataset: Path, gold: Path, sources, show_errors: bool, as_json: bool) -> None:
    """Score DATASET against the gold files in GOLD (P/R/F per field).

    Exit code 2 when there is nothing to score: GOLD holds no gold files, or DATASET
    none of their documents."""
    import json

    from .evaluate import GoldError, evaluate, format_summary

    try:
        evaluation = evaluate(dataset, gold, list(sources))
    except GoldError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    summary = evaluation.summary()
    if as_json:
        click.echo(json.dumps({**summary, **({"errors": evaluation.errors} if show_errors else {})}, ensure_ascii=False, indent=1))
        return
    click.echo(format_summary(summary))
    if show_errors:
        for doc_id, errors in evaluation.errors.items():
            click.echo(f"\n== {doc_id}")
            for kind, found in errors.items():
                if isinstance(found, dict) and ("missed" in found or "spurious" in found):
                    click.echo(f"  {kind:14s} missed:   {', '.join(map(str, found.get('missed', []))) or '-'}")
                    click.echo(f"  {'':14s} spurious: {', '.join(map(str, found.get('spurious', []))) or '-'}")
                else:
                    click.echo(f"  {kind}: {found}")


if __name__ == "__main__":
    main()
