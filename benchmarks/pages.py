"""Page benchmark: extract, GeneralNewsExtractor (gne) and trafilatura side by side on real news pages.

Each tool reads the raw HTML pages of ``benchmarks/pages/html`` and is scored against the
hand-made gold of ``benchmarks/pages/gold`` (one JSON per page: title, published, outlet,
authors, body_text; see ``benchmarks/pages/SOURCES.md``). Columns:

- body F: character-bigram precision/recall/F of the article text, summed over pages (the
  body score of ``/work/shared/tools/score.py``: NFKC, whitespace removed, bigram multisets);
- headline exact: the title equals the gold headline (NFKC, whitespace removed);
- date: the calendar date of ``published`` is right;
- date and time: on the pages whose gold has a time, date and time are right to the precision
  the page shows (a prediction may be more precise, never less);
- outlet: the outlet equals the gold outlet or one of its accepted forms;
- author F: F of the byline names, as sets (roles are not scored: gne and trafilatura give none).

A tool without a field (gne has no outlet) or a document without it scores that field as wrong.
extract runs as ``python -m extract run`` on the page folder (its ``documents.json`` is read;
``--extract-out DIR`` scores an existing run instead); gne and trafilatura run in this process
with their defaults, except trafilatura's comments are left out (``include_comments=False``)
and its metadata are asked for. Writes ``benchmarks/pages.json`` and
``docs/benchmarks-pages.md``. Usage:
  python benchmarks/pages.py [--workers 1] [--extract-out DIR] [--tools extract gne trafilatura]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "benchmarks" / "pages" / "html"
GOLD = ROOT / "benchmarks" / "pages" / "gold"
TOOLS = ("extract", "gne", "trafilatura")
CHINA = timezone(timedelta(hours=8))  # the pages' local time: an explicit UTC offset is converted to it

# Byline strings as gne and trafilatura give them: "责任编辑：刘德宾", "王乐文 方 敏", "a; b".
NAME_SPLIT = re.compile(r"[;；,，、|/]+|\s{2,}")
# A role word before the name (scoring normalisation only, not an extraction rule).
ROLE_PREFIX = re.compile(
    r"^(?:本报)?(?:责任编辑|责编|编辑|作者|记者|通讯员|摄影|来源|选稿|文)\s*[:：丨|]?\s*")
ISO_LIKE = re.compile(r"(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?"
                      r"(?:[T\s]*(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$")
CJK_NAME = re.compile(r"[\u3400-\u9fff·]+")
EDITOR_CODE = re.compile(r"\s*[A-Z]{1,3}\d{2,}$")  # desk codes after an editor's name: 支全明 SF099


# ---------------------------------------------------------------- scoring (no tool needed)

def norm(s: object) -> str | None:
    """NFKC, all whitespace removed: the comparison form of score.py."""
    if s is None:
        return None
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(s)))


def bigrams(text: str | None) -> Counter:
    t = norm(text) or ""
    return Counter(t[i:i + 2] for i in range(len(t) - 1))


def body_counts(pred: str | None, gold: str) -> tuple[int, int, int]:
    """(shared bigrams, predicted bigrams, gold bigrams) of one page."""
    pb, gb = bigrams(pred), bigrams(gold)
    return sum((pb & gb).values()), sum(pb.values()), sum(gb.values())


def canonical_time(value: object) -> str | None:
    """An ISO-like date or date-time as ``YYYY-MM-DD`` or ``YYYY-MM-DDThh:mm[:ss]``, local time.

    Accepts what the tools write: ``2024-05-10 06:58``, ``2024.05.11``, ``2024-05-09T14:30:07.000Z``
    (converted to UTC+8), ``2024-05-10T05:54:20+08:00``. Returns None for anything else.
    """
    if value is None:
        return None
    s = unicodedata.normalize("NFKC", str(value)).strip()
    m = ISO_LIKE.match(s)
    if not m:
        return None
    y, mo, d, hh, mi, ss, tz = m.groups()
    if hh is None:
        return f"{int(y):04d}-{int(mo):02d}-{int(d):02d}"
    try:
        dt = datetime(int(y), int(mo), int(d), int(hh), int(mi), int(ss or 0))
    except ValueError:
        return None
    if tz:
        offset = timezone.utc if tz == "Z" else timezone(
            timedelta(hours=int(tz[1:3]), minutes=int(tz[-2:])) * (1 if tz[0] == "+" else -1))
        dt = dt.replace(tzinfo=offset).astimezone(CHINA).replace(tzinfo=None)
    out = dt.strftime("%Y-%m-%dT%H:%M")
    return out + (f":{dt.second:02d}" if ss is not None else "")


def has_time(gold_published: str | None) -> bool:
    return bool(gold_published) and "T" in gold_published


def date_right(pred: object, gold: str | None) -> bool:
    p = canonical_time(pred)
    return bool(gold) and p is not None and p[:10] == gold[:10]


def date_time_right(pred: object, gold: str) -> bool:
    """Right to the precision of the gold: 06:58 accepts 06:58:13, not 06 or a date alone."""
    p = canonical_time(pred)
    return p is not None and len(p) >= len(gold) and p[:len(gold)] == gold


def outlet_right(pred: object, gold: dict) -> bool:
    accepted = {norm(gold.get("outlet"))} | {norm(x) for x in gold.get("outlet_accept", [])}
    return pred is not None and norm(pred) in accepted - {None}


def author_names(authors: object) -> list[str]:
    """Names of a byline given as [{name, role}], a list of strings or one string."""
    if not authors:
        return []
    if isinstance(authors, str):
        authors = [a for a in NAME_SPLIT.split(authors)]
    names = []
    for a in authors:
        name = a.get("name") if isinstance(a, dict) else a
        name = EDITOR_CODE.sub("", ROLE_PREFIX.sub("", str(name or "").strip()))
        names += [norm(n) for n in split_spaced_names(name) if norm(n)]
    return names


def split_spaced_names(text: str) -> list[str]:
    """Chinese names in one space-separated byline, two-character names often padded with a space.

    "王乐文 方 敏" is 王乐文 and 方敏: runs of single characters are one name. A string that is not
    all Chinese (a Latin name) stays whole.
    """
    tokens = text.split()
    if len(tokens) < 2 or not all(CJK_NAME.fullmatch(t) for t in tokens):
        return [text]
    names: list[str] = []
    in_run = False  # the last name is being built from single characters
    for tok in tokens:
        if len(tok) == 1 and in_run:
            names[-1] += tok
        else:
            names.append(tok)
            in_run = len(tok) == 1
    return names


def author_counts(pred: object, gold: list) -> tuple[int, int, int]:
    """(tp, fp, fn) of byline names, as sets: a name given twice (编辑 and 责任编辑) is one person."""
    p, g = set(author_names(pred)), set(author_names(gold))
    return len(p & g), len(p - g), len(g - p)


def prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f": round(2 * p * r / (p + r), 4) if p + r else 0.0}


def score_page(pred: dict, gold: dict) -> dict:
    """One tool's record of one page (title, published, outlet, authors, text; any may be missing)."""
    inter, n_pred, n_gold = body_counts(pred.get("text"), gold["body_text"])
    gp = gold.get("published")
    return {
        "body": [inter, n_pred, n_gold],
        "headline": norm(pred.get("title")) == norm(gold["title"]),
        "date": date_right(pred.get("published"), gp) if gp else None,
        "date_time": date_time_right(pred.get("published"), gp) if has_time(gp) else None,
        "outlet": outlet_right(pred.get("outlet"), gold),
        "authors": list(author_counts(pred.get("authors"), gold.get("authors", []))),
    }


def summarise(pages: dict[str, dict]) -> dict:
    """Totals of one tool over the scored pages."""
    def count(key):
        vals = [s[key] for s in pages.values() if s[key] is not None]
        return {"right": sum(vals), "of": len(vals)}
    body = [sum(s["body"][i] for s in pages.values()) for i in range(3)]
    auth = [sum(s["authors"][i] for s in pages.values()) for i in range(3)]
    return {
        "body": prf(body[0], body[1], body[2]),
        "headline": count("headline"), "date": count("date"), "date_time": count("date_time"),
        "outlet": count("outlet"),
        "authors": prf(auth[0], auth[0] + auth[1], auth[0] + auth[2]),
    }


# ---------------------------------------------------------------- the tools

def run_extract(pages: Path, workers: int, out: Path | None) -> dict[str, dict]:
    """extract's documents, by id; runs ``python -m extract run`` unless ``out`` holds a run."""
    if out is None:
        tmp = Path(tempfile.mkdtemp(prefix="pagebench-"))
        out = tmp / "out"
        env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        cmd = [sys.executable, "-m", "extract", "run", str(pages), "--out", str(out), "-q",
               "--workers", str(workers), "--cache", str(tmp / "cache")]
        done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
        if done.returncode not in (0, 1):  # 1: some pages failed, the others were written
            raise SystemExit(f"extract run failed ({done.returncode}):\n{done.stderr[-2000:]}")
    docs_path = out / "documents.json"
    if docs_path.exists():
        docs = json.loads(docs_path.read_text(encoding="utf-8"))
    else:  # --format jsonl
        lines = (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()
        docs = [json.loads(line) for line in lines if line.strip()]
    return {d["id"]: d for d in docs}


def run_gne(html: str) -> dict:
    from gne import GeneralNewsExtractor
    r = GeneralNewsExtractor().extract(html)
    return {"title": r.get("title"), "published": r.get("publish_time"), "outlet": None,
            "authors": r.get("author"), "text": r.get("content")}


def run_trafilatura(html: str) -> dict:
    import trafilatura
    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    r = (doc.as_dict() if hasattr(doc, "as_dict") else doc) or {}
    return {"title": r.get("title"), "published": r.get("date"), "outlet": r.get("sitename"),
            "authors": r.get("author"), "text": r.get("text")}


def run_tool(tool: str, pages: list[Path], workers: int, extract_out: Path | None) -> tuple[dict, float]:
    start = time.perf_counter()
    if tool == "extract":
        records = run_extract(pages[0].parent, workers, extract_out)
    else:
        fn = run_gne if tool == "gne" else run_trafilatura
        records = {}
        for page in pages:
            try:
                records[page.stem] = fn(page.read_text(encoding="utf-8"))
            except Exception as exc:  # a tool that crashes on a page scores it as empty
                records[page.stem] = {"error": f"{type(exc).__name__}: {exc}"}
    return records, time.perf_counter() - start


# ---------------------------------------------------------------- report

COLUMNS = ("body F", "headline exact", "date", "date and time", "outlet", "author F")


def row(summary: dict, tool: str) -> list[str]:
    frac = lambda c: f"{c['right']}/{c['of']}"  # noqa: E731
    return [f"{summary['body']['f']:.3f}", frac(summary["headline"]), frac(summary["date"]),
            frac(summary["date_time"]), "no field" if tool == "gne" else frac(summary["outlet"]),
            f"{summary['authors']['f']:.2f}"]


def markdown(report: dict) -> str:
    n = report["pages"]
    lines = [
        "# Page benchmark: extract, GeneralNewsExtractor and trafilatura",
        "",
        f"Measured by `benchmarks/pages.py` on {n} real Chinese news pages from {report['sites']} sites",
        "(`benchmarks/pages/html`, provenance in `benchmarks/pages/SOURCES.md`), against hand-made gold",
        "(`benchmarks/pages/gold`). Regenerate with",
        "`PYTHONPATH=. python benchmarks/pages.py --workers 1` (offline, about a minute).",
        "",
        f"| {n} pages | " + " | ".join(COLUMNS) + " |",
        "| --- | " + " | ".join("---" for _ in COLUMNS) + " |",
    ]
    label = {"extract": "extract", "gne": "GeneralNewsExtractor (gne)", "trafilatura": "trafilatura"}
    for tool, summary in report["tools"].items():
        lines.append(f"| {label[tool]} | " + " | ".join(row(summary, tool)) + " |")
    lines += [
        "",
        "- **body F**: character-bigram F of the article text, summed over pages (the body score of",
        "  `score.py`: NFKC, whitespace removed). Gold bodies hold the article's paragraphs and its",
        "  byline lines; no menus, related links, captions, comments, disclaimers or editor credits.",
        "- **headline exact**: the title equals the headline as printed (no site suffix).",
        "- **date**: the calendar date of the publication time. **date and time**: on the pages that",
        "  print a time, right to the minute (to the second where the page prints seconds); a time",
        "  with an explicit UTC offset is read in China time (UTC+8).",
        "- **outlet**: the 来源 / publisher the page names (accepted variants in the gold's",
        "  `outlet_accept`). gne has no outlet field.",
        "- **author F**: F of the distinct byline names (记者, 作者, 编辑, 责任编辑 ...); roles are not",
        "  scored.",
        "- A missing field, or a missing document, counts as wrong. trafilatura runs with",
        "  `include_comments=False` and metadata on; gne with its defaults.",
        "",
        "Limits of the set: 32 of the pages come from one extraction benchmark (opendatalab/magic-html,",
        "crawled 2023-2024), so their layouts are recent portal layouts; there is one WeChat article",
        "and one government site. The gold follows the conventions written in `SOURCES.md` (captions,",
        "editor lines and 选稿/审读 credits are not body; editors are authors), which other annotators may",
        "draw differently; outlet variants the page itself writes are accepted.",
        "",
        "Seconds per tool (one process, this machine): "
        + ", ".join(f"{t} {s:.1f}" for t, s in report["seconds"].items()) + ".",
        "",
    ]
    return "\n".join(lines + per_page_table(report))


def page_f(counts: list[int]) -> float:
    inter, n_pred, n_gold = counts
    return prf(inter, n_pred, n_gold)["f"]


def per_page_table(report: dict) -> list[str]:
    """One row a page: where each tool fails (tools in the order of the table above)."""
    tools = list(report["tools"])
    mark = lambda v: "-" if v is None else ("✓" if v else "✗")  # noqa: E731
    lines = ["## Per page", "",
             f"Tools in the order {', '.join(tools)}; ✓ right, ✗ wrong, - not scored (no time on the page).", "",
             "| page | site | body F | headline | date and time | outlet | authors (tp/fp/fn) |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for pid, by_tool in report["per_page"].items():
        cells = [" / ".join(f"{page_f(by_tool[t]['body']):.2f}" for t in tools)]
        for key in ("headline", "date_time", "outlet"):
            cells.append("".join(mark(by_tool[t][key]) for t in tools))
        cells.append(" ".join("/".join(map(str, by_tool[t]["authors"])) for t in tools))
        lines.append(f"| {pid} | {report['site_of'].get(pid, '')} | " + " | ".join(cells) + " |")
    return lines + [""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=Path, default=PAGES)
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--tools", nargs="+", choices=TOOLS, default=list(TOOLS))
    parser.add_argument("--workers", type=int, default=1, help="extract's worker processes")
    parser.add_argument("--extract-out", type=Path, help="score this extract run instead of running extract")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "pages.json")
    parser.add_argument("--markdown", type=Path, default=ROOT / "docs" / "benchmarks-pages.md")
    args = parser.parse_args()

    golds = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(args.gold.glob("*.json"))}
    pages = [args.pages / f"{pid}.html" for pid in golds]
    missing = [p for p in pages if not p.exists()]
    if missing:
        raise SystemExit(f"gold without page: {', '.join(map(str, missing))}")
    report = {"pages": len(golds), "sites": None, "site_of": {}, "tools": {}, "seconds": {}, "per_page": {}}
    sources = args.pages.parent / "SOURCES.md"
    if sources.exists():  # its table of pages: | pNN | site | ...
        rows = re.findall(r"^\|\s*(p\d+)\s*\|\s*([^|]+?)\s*\|", sources.read_text(encoding="utf-8"), re.M)
        report["site_of"] = {pid: site for pid, site in rows if pid in golds}
        report["sites"] = len(set(report["site_of"].values()))
    for tool in args.tools:
        records, seconds = run_tool(tool, pages, args.workers, args.extract_out)
        per_page = {pid: score_page(records.get(pid, {}), gold) for pid, gold in golds.items()}
        report["tools"][tool] = summarise(per_page)
        report["seconds"][tool] = round(seconds, 1)
        for pid, s in per_page.items():
            report["per_page"].setdefault(pid, {})[tool] = {
                **s, "pred": {k: records.get(pid, {}).get(k) for k in ("title", "published", "outlet", "authors")}}
            if "error" in records.get(pid, {}):
                report["per_page"][pid][tool]["error"] = records[pid]["error"]
                print(f"{tool} failed on {pid}: {records[pid]['error']}", file=sys.stderr)

    width = max(len(t) for t in report["tools"]) + 2
    print(f"{len(golds)} pages".ljust(width) + " | ".join(f"{c:>14s}" for c in COLUMNS))
    for tool, summary in report["tools"].items():
        print(tool.ljust(width) + " | ".join(f"{c:>14s}" for c in row(summary, tool)))
    args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    args.markdown.parent.mkdir(parents=True, exist_ok=True)
    args.markdown.write_text(markdown(report), encoding="utf-8")


if __name__ == "__main__":
    main()
