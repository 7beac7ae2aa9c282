"""The markdown of eval/bench_speed.py's results: the issues' targets (13, 23), one row each.

Usage: python eval/speed_report.py RESULTS.json  (the file of ``bench_speed.py --json``),
so a table can be remade from a run without running it again."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_index import markdown as index_tables  # noqa: E402


def _ok(value, limit) -> str:
    if value is None:
        return "not measured"
    return "**met**" if value <= limit else "**not met**"


def _cmd(c: dict) -> str:
    runs = " / ".join(f"{w:.2f}" for w in c["runs_s"])
    return f"{c['median_s']:.2f} s (runs {runs}; CPU {c['cpu_s']:.2f} s; exit {c['rc']})"


def _search_rows(res: dict) -> list[str]:
    s = res["search"]
    lc = {r["chunks"]: r for r in s["langchain"]}
    sizes = [{"chunks": s["sample"]["query"]["chunks"], **s["sample"]["query"],
              "bm25_engines": s["sample"]["bm25_engines"], "label": "sample"}]
    sizes += [{**r, "label": f"{r['chunks']:,}"} for r in s["sizes"]]
    rows = []
    for r in sizes:
        peer = lc.get(r["chunks"])
        bm = r.get("bm25_engines")
        big = r["chunks"] >= 1_000_000
        target = "p95 ≤ 60 ms" if big else "p50 ≤ 15 ms, p95 ≤ 30 ms"
        met = _ok(r["p95_ms"], 60) if big else (
            "**met**" if r["p50_ms"] <= 15 and r["p95_ms"] <= 30 else "**not met**")
        text = f"ours (hybrid, query embedded) {r['p50_ms']} / {r['p95_ms']} ms"
        text += (f"; LangChain {peer['p50_ms']} / {peer['p95_ms']} ms" if peer
                 else "; LangChain not run")
        if bm:
            text += (f"; BM25 only: ours {bm['ours_p50_ms']} / {bm['ours_p95_ms']}, bm25s "
                     f"{bm['bm25s_p50_ms']} / {bm['bm25s_p95_ms']} ms")
        kind = r.get("dense_index", "flat")  # the sample's row has no dense_index: exact
        rows.append(f"| search {r['label']} ({kind}): {target} | {text} | {met} "
                    f"| {r.get('load', '')} |")
    return rows


def markdown(res: dict) -> str:
    m, b, e, c = res["machine"], res["build"], res["embed"], res["commands"]
    fs, sv = res["first_serve"], res["serve"]
    no_model = ["index list", "index remove", "parse", "--help", "error: no such report",
                "error: no index"]
    worst = max(c[k]["median_s"] for k in no_model)
    lines = [
        f"Run {m['date']} at commit {m['commit']}, {m['cores']} cores ({m['cpu']}), Python "
        f"{m['python']}; {res['total_min']} min in all; 1-minute load average "
        f"{res['load_start']} at the start, {res['load_end']} at the end.", "",
        "```bash", res["command"], "```", "",
        "| target (issue 13) | measured | | load |", "|---|---|---|---|",
        f"| `ask` from a cold process ≤ 3 s (median of 3) | {_cmd(c['ask'])} "
        f"| {_ok(c['ask']['median_s'], 3)} | {c['ask']['load']} |"]
    for k in no_model:
        lines.append(f"| `{k}` ≤ 1 s | {_cmd(c[k])} | {_ok(c[k]['median_s'], 1)} "
                     f"| {c[k]['load']} |")
    lines += _search_rows(res)
    lines += [
        f"| embedding ≥ 30 chunks/s on 2 cores | {e['chunks_per_s']} chunks/s "
        f"({e['cpu_s_per_chunk']} CPU-s per chunk, {e['chunks']} sample chunks) "
        f"| {_ok(-e['chunks_per_s'], -30)} | {e['load']} |",
        f"| sample corpus built from scratch ≤ 15 s | {b['wall_s']} s, {b['chunks']} chunks "
        f"({b['embedded']} embedded, CPU {b['cpu_s']} s, peak RSS {b['peak_rss_mb']} MB); "
        f"again with the vector cache warm: {b['warm_wall_s']} s ({b['warm_embedded']} "
        f"embedded) | {_ok(b['wall_s'], 15)} | {b['load']} |",
        f"| first `serve` (no index, empty vector cache) answering ≤ 30 s | "
        f"{fs['answered_s']} s (model conversion into an empty cache, not included: "
        f"{res['conversion']['wall_s']} s) | {_ok(fs['answered_s'], 30)} | {fs['load']} |",
        f"| `serve` resident memory ≤ 900 MB (sample index, after 21 answers) | "
        f"{sv['rss_mb']} MB (this start answered after {sv['answered_s']} s); "
        f"first serve after building: {fs['rss_mb']} MB | {_ok(sv['rss_mb'], 900)} "
        f"| {sv['load']} |",
        "", f"Worst no-model command: {worst:.2f} s.", "", *issue23(res),
        "Search latency in detail (eval/bench_index.py, run by the command above):", "",
        index_tables(res["search"])]
    return "\n".join(lines) + "\n"


def _embed(e: dict) -> str:
    passes = " / ".join(map(str, e["passes_chunks_per_s"]))
    return (f"`{e['embedder']}` {e['chunks_per_s']} chunks/s (passes {passes}; "
            f"{e['cpu_s_per_chunk']} CPU-s per chunk)")


def _build(b: dict) -> str:
    how = "parsing ahead" if b["parse_ahead"] else "sequential"
    return f"`{b['embedder']}`, {how}: {b['wall_s']} s (CPU {b['cpu_s']} s, load {b['load']})"


def issue23(res: dict) -> list[str]:
    """The table of issue 23 (a run before that issue has none of its steps)."""
    if "builds" not in res:
        return []
    new, old = res["embed_compared"]
    builds, fresh, o = res["builds"], res["fresh_machine_serve"], res["ocr"]
    ocr_row = (f"| scanned letter OCR'd ≥ 1.6× faster | {o['pages']} pages, median of 3: "
               f"now {o['new_wall_s']} s (CPU {o['new_cpu_s']} s, the whole parse), the "
               f"former render + tesseract {o['old_wall_s']} s (CPU {o['old_cpu_s']} s): "
               f"**{o['speedup_wall']}×** wall, {o['speedup_cpu']}× CPU "
               f"| {_ok(-o['speedup_wall'], -1.6)} | {o['load']} |"
               if "pages" in o else f"| scanned letter OCR | {o['skipped']} | | |")
    return [
        "| target (issue 23) | measured | | load |", "|---|---|---|---|",
        f"| embedding ≥ 35 chunks/s on 2 cores | {_embed(new)}; before: {_embed(old)} "
        f"| {_ok(-new['chunks_per_s'], -35)} | {new['load']} |",
        "| sample corpus built from scratch (vector cache off) ≤ 12 s | "
        + "; ".join(_build(b) for b in builds) + f" | {_ok(builds[0]['wall_s'], 12)} "
        f"| {builds[0]['load']} |",
        f"| first `serve` on a fresh machine (empty model and vector caches) answering ≤ 20 s "
        f"| {fresh['answered_s']} s (model already converted: "
        f"{res['first_serve']['answered_s']} s; conversion and load alone: "
        f"{res['conversion']['wall_s']} s) | {_ok(fresh['answered_s'], 20)} "
        f"| {fresh['load']} |",
        ocr_row, *_realdocs(res.get("realdocs_builds")), ""]


def _realdocs(builds: list[dict] | None) -> list[str]:
    if not builds or "skipped" in builds[0]:
        return []
    n = builds[0]["chunks"]
    return [f"| (no target) samples + realdocs PDF/DOCX, OCR cache empty, {n} chunks | "
            + "; ".join(_build(b) for b in builds) + " | | |"]


if __name__ == "__main__":
    print(markdown(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))), end="")
