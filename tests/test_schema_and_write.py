from __future__ import annotations

import json

import pytest

from extract.schema import all_schemas
from extract.write import ValidationFailure, validate_dir, write_atomic, write_table
from conftest import ROOT


def test_committed_schemas_are_up_to_date():
    for name, schema in all_schemas().items():
        path = ROOT / "schemas" / f"{name}.schema.json"
        assert path.exists(), f"{path} missing: run `extract schemas`"
        assert json.loads(path.read_text(encoding="utf-8")) == schema, f"{path} is stale: run `extract schemas`"


def test_schemas_declare_dialect_and_id():
    for name, schema in all_schemas().items():
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"].endswith(f"/{name}.schema.json")


def test_invalid_records_are_refused_naming_file_record_and_field(tmp_path):
    bad = [{"id": "d-date-0001", "doc_id": "d", "text": "某天", "value": "not-a-date", "start": 0, "end": 2}]
    with pytest.raises(ValidationFailure) as info:
        write_table(tmp_path, "dates", bad)
    message = str(info.value)
    assert "dates.json" in message and "record 0" in message and "field value" in message
    assert not (tmp_path / "dates.json").exists()


def test_validate_dir_reports_missing_and_broken_files(tmp_path):
    (tmp_path / "people.json").write_text('[{"id": 1}]', encoding="utf-8")
    problems = validate_dir(tmp_path)
    assert any(p.startswith("documents.json: missing") for p in problems)
    assert any(p.startswith("people.json: record 0") for p in problems)


def test_atomic_write_leaves_no_temporary_files(tmp_path):
    write_atomic(tmp_path / "x.json", "[]\n")
    write_atomic(tmp_path / "x.json", "[1]\n")
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]
    assert (tmp_path / "x.json").read_text() == "[1]\n"
