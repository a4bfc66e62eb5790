"""Command line: ``extract run``, ``extract schemas``, ``extract validate``.

Exit codes: 0 success; 1 some input files failed (the others were processed and the
dataset written); 2 usage error; 3 the dataset does not validate.
"""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from . import __version__
from .schema import all_schemas

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, EXIT_INVALID = 0, 1, 2, 3
PROJECT_ROOT = Path(__file__).resolve().parent.parent


@click.group(help=__doc__)
@click.version_option(__version__, prog_name="extract")
def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s", stream=sys.stderr)


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", default="outputs", show_default=True, type=click.Path(path_type=Path),
              help="Output folder.")
@click.option("--model", default=None, type=click.Path(path_type=Path),
              help="spaCy pipeline folder (default: the shipped models/zh_extract; 'none' for rules only).")
def run(inputs: tuple[Path, ...], out_dir: Path, model: Path | None) -> None:
    """Process INPUT files or folders (default: seeds/) into the dataset in --out.

    Exit code 1 when some files failed: each is named with the reason on stderr and
    in run.json; the other files are processed and the dataset is written.
    """
    from .nlp import DEFAULT_MODEL
    from .pipeline import run as run_pipeline

    chosen = None if model is not None and str(model) == "none" else (model or DEFAULT_MODEL)
    result = run_pipeline(list(inputs) or [Path("seeds")], out_dir, chosen)
    for failure in result.failures:
        click.echo(f"error: {failure['source']}: {failure['reason']}", err=True)
    click.echo(f"{len(result.results)} documents written to {out_dir}, {len(result.failures)} failed", err=True)
    sys.exit(EXIT_SOME_FAILED if result.failures else EXIT_OK)


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
    """Validate an existing dataset folder; names file, record and field of each violation."""
    from .write import validate_dir

    problems = validate_dir(dataset)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        sys.exit(EXIT_INVALID)
    click.echo(f"{dataset}: valid", err=True)


if __name__ == "__main__":
    main()
