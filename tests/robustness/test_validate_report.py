"""`extract validate` checks the dataset, not only each file; `extract report` refuses an
invalid dataset and escapes every value it writes into HTML."""
from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from extract.cli import EXIT_INVALID, main
from extract.pipeline import run
from extract.report import render_report
from extract.write import validate_dir

from .helpers import write_pages

MAX_MESSAGES = 50  # extract.write.MAX_MESSAGES


@pytest.fixture()
def dataset(tmp_path):
    folder = tmp_path / "in"
    write_pages(folder, 3)
    out = tmp_path / "out"
    run([folder], out, None, cache_dir=None)
    assert validate_dir(out) == []
    return out


def edit(out, name, change):
    path = out / f"{name}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def only_problem(out):
    problems = validate_dir(out)
    assert len(problems) == 1, problems
    return problems[0]


def test_a_role_whose_person_is_not_in_people(dataset):
    edit(dataset, "roles", lambda roles: roles[0].update(person="person-000000000000"))
    assert "field person: 'person-000000000000' is not an id in people.json" in only_problem(dataset)


def test_a_role_whose_organisation_is_not_in_organisations(dataset):
    edit(dataset, "roles", lambda roles: roles[0].update(organisation="org-000000000000"))
    assert "is not an id in organisations.json" in only_problem(dataset)


def test_a_mention_of_a_document_that_is_not_there(dataset):
    edit(dataset, "people", lambda people: people[0]["mentions"][0].update(doc_id="nowhere"))
    assert "field doc_id: 'nowhere' is not an id in documents.json" in only_problem(dataset)


def test_a_repeated_id(dataset):
    edit(dataset, "metrics", lambda metrics: metrics.append(dict(metrics[0])))
    problems = validate_dir(dataset)
    assert any("id repeated" in p for p in problems), problems
    assert any("counts.metrics" in p for p in problems), problems  # run.json no longer agrees


def test_offsets_outside_the_text_and_text_not_at_the_offsets(dataset):
    edit(dataset, "metrics", lambda metrics: metrics[0].update(start=metrics[0]["start"] + 1))
    assert "is not the document's text at" in only_problem(dataset)
    edit(dataset, "metrics", lambda metrics: metrics[0].update(start=10**6, end=10**6 + 2))
    assert "outside its document's text" in only_problem(dataset)


def test_run_json_counts_must_match_the_tables(dataset):
    edit(dataset, "run", lambda record: record["counts"].update(people=999))
    assert "run.json: counts.people is 999" in only_problem(dataset)


def test_messages_are_capped(dataset):
    edit(dataset, "metrics", lambda metrics: metrics.extend(dict(metrics[0], id=f"x{i}", doc_id="nowhere")
                                                            for i in range(2 * MAX_MESSAGES)))
    problems = validate_dir(dataset)
    assert len(problems) == MAX_MESSAGES + 1 and problems[-1].startswith("... and ")


def test_deeply_nested_json_is_a_clear_problem_not_a_recursion_error(dataset):
    (dataset / "dates.json").write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(dataset)])
    assert result.exit_code == EXIT_INVALID
    assert "dates.json: not readable JSON: nested too deeply" in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, RecursionError)


def test_report_on_an_invalid_dataset_says_so(dataset):
    edit(dataset, "roles", lambda roles: [r.pop("person") for r in roles])
    result = CliRunner().invoke(main, ["report", str(dataset), "--out", str(dataset.parent / "r.html")])
    assert result.exit_code == EXIT_INVALID
    assert "is not a valid dataset" in result.output and not isinstance(result.exception, KeyError)
    assert not (dataset.parent / "r.html").exists()


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs, self.ids = [], [], set()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(name for name, _ in attrs)
        self.ids.update(value for name, value in attrs if name == "id")


def test_the_report_escapes_a_file_name_that_carries_markup(tmp_path):
    folder = tmp_path / "in"
    name = "<b onmouseover='x()'>\"a\" & b"
    write_pages(folder, 1, prefix=name)
    out = tmp_path / "out"
    run([folder], out, None, cache_dir=None)
    assert validate_dir(out) == []
    documents = json.loads((out / "documents.json").read_text(encoding="utf-8"))
    assert documents[0]["id"].startswith("<b onmouseover")  # the id keeps the name
    parser = Tags()
    parser.feed(render_report(out))
    # the page has <b> elements of its own, so the check is on attributes: the name's
    # markup would bring an onmouseover attribute
    assert "onmouseover" not in parser.attrs
    # no value broke out of its attribute: only the page's own attributes, and each
    # record's id read back whole
    assert set(parser.attrs) <= {"lang", "charset", "name", "content", "id", "class", "style", "href", "open"}, set(parser.attrs)
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics and {m["id"] for m in metrics} <= parser.ids
