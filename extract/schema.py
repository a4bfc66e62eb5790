"""The output records: pydantic models are the single source of truth.

Each output file is a JSON array of one record type. ``extract schemas`` writes the
JSON Schema of each file to ``schemas/<name>.schema.json`` from these models, and
every file is validated against that schema before it is written.
"""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_BASE_ID = "https://extract.invalid/schemas/"

# An ISO 8601 calendar date, optionally with a local time (pages rarely give a zone).
ISO_DATE_OR_DATETIME = r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$"
# The subset of EDTF the pipeline writes: day, month, year, decade/century with X, a
# month or day whose year cannot be known (XXXX-05-12), intervals.
EDTF_VALUE = (
    r"^(\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}:\d{2})?)?)?|XXXX-\d{2}(-\d{2})?|\d{3}X|\d{2}XX)"
    r"(/(\d{4}(-\d{2}(-\d{2})?)?|XXXX-\d{2}(-\d{2})?|\d{3}X|\d{2}XX))?$"
)

NonNegInt = Annotated[int, Field(ge=0)]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CharSpan(Record):
    start: NonNegInt
    end: NonNegInt


class Mention(Record):
    doc_id: str
    start: NonNegInt
    end: NonNegInt


class Author(Record):
    name: str
    role: str = Field(description="the credit as the byline gives it: 记者, 通讯员, 作者, 编辑, 责任编辑, 摄影")


class Document(Record):
    id: str = Field(description="path of the source file relative to the input folder it was found in, without "
                               "extension, /-separated (a file named directly: its name without extension)")
    source: str = Field(description="path of the source file as given")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="sha256 of the raw bytes")
    encoding: str = Field(description="detected encoding of the raw bytes")
    format: Literal["text", "html"]
    title: str | None
    published: str | None = Field(pattern=ISO_DATE_OR_DATETIME, description="ISO 8601 date or local date-time")
    outlet: str | None
    authors: list[Author] = Field(default_factory=list, description="the byline: each credited name and its role")
    url: str | None = Field(default=None, description="the page's canonical address when the page states one")
    text: str = Field(description="clean article text after boilerplate removal and gloss stripping")
    sentences: list[CharSpan]


class Person(Record):
    id: str
    name: str
    aliases: list[str]
    mentions: list[Mention]


class Organisation(Record):
    id: str
    name: str = Field(description="canonical, fullest surface form")
    aliases: list[str] = Field(description="other surface forms of the same organisation")
    mentions: list[Mention]


class Role(Record):
    id: str
    doc_id: str
    person: str = Field(description="id of a person")
    title: str
    organisation: str | None = Field(description="id of an organisation, or null")
    start: NonNegInt
    end: NonNegInt


class Metric(Record):
    id: str
    doc_id: str
    text: str
    value: float | int
    unit: str
    qualifier: Literal["eq", "gt", "lt", "approx"]
    start: NonNegInt
    end: NonNegInt


class Date(Record):
    id: str
    doc_id: str
    text: str
    value: str = Field(pattern=EDTF_VALUE, description="EDTF value")
    start: NonNegInt
    end: NonNegInt


class Failure(Record):
    source: str
    reason: str


class Skipped(Record):
    source: str = Field(description="path of a file found in an input folder")
    reason: str = Field(description="why it is not an input: not HTML or text (binary, a script, data), hidden, empty")


class Repair(Record):
    source: str
    note: str = Field(description="what was repaired, e.g. bytes not valid in the encoding replaced")


class Run(Record):
    """The run record: what was read, what failed and why, what was written. Written
    last: a dataset without it is incomplete."""

    pipeline_version: str
    model: str = Field(description="name and version of the spaCy pipeline used")
    inputs: NonNegInt
    documents: NonNegInt
    failures: list[Failure]
    skipped: list[Skipped] = Field(default=[], description="files in input folders that were not read, and why")
    counts: dict[str, NonNegInt]
    tables: dict[str, str] = Field(default_factory=dict, description="table name -> its file in this folder")
    repairs: list[Repair] = Field(default_factory=list, description="documents kept after a repair of their input")


def table(model: type[Record]) -> type[RootModel]:
    """A root model for a JSON array of ``model`` records (one output file)."""
    return RootModel[list[model]]  # type: ignore[valid-type]


# File name (without .json) -> record model. Order is the order files are written.
TABLES: dict[str, type[Record]] = {
    "documents": Document,
    "people": Person,
    "organisations": Organisation,
    "roles": Role,
    "metrics": Metric,
    "dates": Date,
}
RUN_RECORD = "run"


def json_schema(name: str) -> dict:
    """The JSON Schema (2020-12) of output file ``name``."""
    if name == RUN_RECORD:
        schema = Run.model_json_schema()
    else:
        schema = table(TABLES[name]).model_json_schema()
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": f"{SCHEMA_BASE_ID}{name}.schema.json",
        **schema,
        "title": f"{name}.json",
    }


def all_schemas() -> dict[str, dict]:
    return {name: json_schema(name) for name in [*TABLES, RUN_RECORD]}
