#!/usr/bin/env python3
"""Scores tribunal's findings.json files against the evaluation set's ground truth.

  score.py --out DIR [--cases-dir DIR] [--cases ID,ID...] [--json] [--json-out FILE] [--tolerance N]
           [--include-uncertain] [--include-unverified] [--strict-duplicates]
  score.py --check [--cases-dir DIR]

DIR/<id>/findings.json is tribunal's output for case <id>; the truth is
<cases-dir>/<id>/truth.json (default cases-dir: the "cases" directory next to this script).
Without --cases, every case that has a DIR/<id>/findings.json is scored; with --cases, each
named case must have one.

A predicted finding counts when its status is "confirmed" (also "uncertain" and/or
"unverified" with the flags; "rejected" and "suppressed" never). It matches a truth finding
when the path is the same, the line ranges overlap once the truth range is widened by the
tolerance (default 3 lines) on both sides, and the CWE is the same, in the same family (FAMILIES
below) or in the truth finding's "accept_cwe" list. A truth finding may name other places where
the same flaw may be reported ("also": [{path, start_line, end_line}]). Predictions and truth
findings are paired one to one (a maximum matching): each pair is a true positive, each truth
finding left is a false negative, each counted prediction left is a false positive, except a
prediction that matches an already-paired truth finding: a duplicate, counted apart (as a false
positive with --strict-duplicates).

--check validates the evaluation set instead: every truth.json well-formed, its paths present in
head/ with the lines in range and touching lines the merge request changed.

Exit status: 0 when scored (whatever the scores), 2 on bad input. Python 3 standard library only.
"""

import argparse
import difflib
import json
import os
import posixpath
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CASES = os.path.join(HERE, "cases")
LANGUAGES = ("c", "cpp", "csharp", "go", "java", "javascript", "kotlin", "php", "python", "ruby", "rust",
             "scala", "shell", "swift", "typescript")
COUNTABLE = ("confirmed", "uncertain", "unverified")
STATUSES = ("confirmed", "rejected", "uncertain", "unverified", "suppressed")

# CWEs that name the same flaw for scoring purposes. Membership is not transitive across
# families: two CWEs match only when one family holds both.
FAMILIES = (
    ("sql injection", {89, 564, 943}),
    ("path traversal", {22, 23, 36, 73}),
    ("os command injection", {77, 78, 88}),
    ("cross-site scripting", {79, 80, 83, 87}),
    ("out-of-bounds memory access", {119, 120, 121, 122, 125, 131, 193, 680, 787, 805}),
    ("missing authorization / IDOR", {284, 285, 566, 639, 862, 863}),
    ("missing authentication", {287, 288, 306}),
    ("hard-coded credentials", {259, 321, 798}),
    ("integer overflow", {190, 191, 680}),
    ("open redirect", {601}),
    ("deserialization of untrusted data", {502}),
    ("xml external entities", {611, 776, 827}),
    ("weak cryptography", {326, 327, 328, 759, 760, 916}),
    ("weak randomness", {330, 331, 338}),
    ("race condition / TOCTOU", {362, 363, 367}),
    ("prototype pollution", {915, 1321}),
    ("template and code injection", {94, 95, 917, 1336}),
    ("format string", {134}),
    ("server-side request forgery", {918}),
    ("cross-site request forgery", {352}),
    ("code or header injection in logs and responses", {93, 113, 117}),
)


class BadInput(Exception):
    """The input files do not have the expected shape."""


# ---- rules ---------------------------------------------------------------------------------------

def parse_cwe(value):
    """89, "89", "CWE-89", "cwe-89" -> 89; anything else -> None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(?:CWE-?)?(\d{1,6})\s*", value, re.IGNORECASE)
        if m and int(m.group(1)) > 0:
            return int(m.group(1))
    return None


def same_family(a, b):
    """True when CWE ids a and b are equal or share a family."""
    if a is None or b is None:
        return False
    return a == b or any(a in ids and b in ids for _, ids in FAMILIES)


def cwe_matches(predicted, truth):
    """A predicted CWE (any spelling) against a truth finding (its cwe and accept_cwe)."""
    p = parse_cwe(predicted)
    if p is None:
        return False
    if same_family(p, parse_cwe(truth["cwe"])):
        return True
    return any(same_family(p, parse_cwe(c)) for c in truth.get("accept_cwe", []))


def norm_path(p):
    p = posixpath.normpath(p.replace("\\", "/"))
    while p.startswith("./"):
        p = p[2:]
    return p


def overlaps(ps, pe, ts, te, tolerance):
    """Predicted lines ps..pe against truth lines ts..te widened by tolerance on both sides."""
    return ps <= te + tolerance and pe >= ts - tolerance


def locations(truth):
    yield truth["path"], truth["start_line"], truth["end_line"]
    for alt in truth.get("also", []):
        yield alt["path"], alt["start_line"], alt["end_line"]


def matches(pred, truth, tolerance):
    if not cwe_matches(pred.get("cwe"), truth):
        return False
    path = norm_path(pred["path"])
    return any(norm_path(p) == path and overlaps(pred["start_line"], pred["end_line"], s, e, tolerance)
               for p, s, e in locations(truth))


def max_matching(n_pred, n_truth, edge):
    """Maximum bipartite matching (Kuhn's augmenting paths); returns {pred: truth}."""
    truth_of = {}
    pred_of = {}

    def augment(i, seen):
        for j in range(n_truth):
            if edge(i, j) and j not in seen:
                seen.add(j)
                if j not in pred_of or augment(pred_of[j], seen):
                    truth_of[i] = j
                    pred_of[j] = i
                    return True
        return False

    for i in range(n_pred):
        augment(i, set())
    return truth_of


def ratio(num, den):
    return num / den if den else None


def f1(precision, recall):
    if precision is None or recall is None:
        return None
    if precision + recall == 0:
        return 0.0
    return 2 * precision * recall / (precision + recall)


def metrics(tp, fp, fn):
    p = ratio(tp, tp + fp)
    r = ratio(tp, tp + fn)
    if p is None and r is not None:
        # nothing predicted on a case with flaws: no precision to speak of, and F1 is 0
        return {"precision": None, "recall": r, "f1": 0.0 if tp + fn else None}
    return {"precision": p, "recall": r, "f1": f1(p, r)}


# ---- input ---------------------------------------------------------------------------------------

def _need(cond, where, what):
    if not cond:
        raise BadInput(f"{where}: {what}")


def _int_line(v):
    return isinstance(v, int) and not isinstance(v, bool) and v >= 1


def _check_location(loc, where):
    _need(isinstance(loc, dict), where, "must be an object")
    _need(isinstance(loc.get("path"), str) and loc["path"], where, "path must be a non-empty string")
    _need(_int_line(loc.get("start_line")), where, "start_line must be an integer >= 1")
    _need(_int_line(loc.get("end_line")), where, "end_line must be an integer >= 1")
    _need(loc["end_line"] >= loc["start_line"], where, "end_line is before start_line")


def validate_truth(doc, where, case_id=None):
    """Checks a truth.json document; returns it."""
    _need(isinstance(doc, dict), where, "the truth must be a JSON object")
    for key in ("id", "language", "vulnerable", "findings", "note"):
        _need(key in doc, where, f"missing key {key!r}")
    _need(isinstance(doc["id"], str) and re.fullmatch(r"[a-z0-9][a-z0-9._-]*", doc["id"] or ""), where,
          "id must be lower-case letters, digits, '.', '_' or '-'")
    if case_id is not None:
        _need(doc["id"] == case_id, where, f"id {doc['id']!r} differs from the directory name {case_id!r}")
    _need(doc["language"] in LANGUAGES, where, f"language must be one of {', '.join(LANGUAGES)}")
    _need(isinstance(doc["vulnerable"], bool), where, "vulnerable must be true or false")
    _need(isinstance(doc["note"], str) and doc["note"].strip(), where, "note must say what the flaw or the trap is")
    _need(isinstance(doc["findings"], list), where, "findings must be a list")
    if doc["vulnerable"]:
        _need(doc["findings"], where, "a vulnerable case needs at least one finding")
    else:
        _need(not doc["findings"], where, "a benign case has no findings")
    for k, t in enumerate(doc["findings"]):
        w = f"{where}: findings[{k}]"
        _check_location(t, w)
        _need(parse_cwe(t.get("cwe")) is not None, w, "cwe must look like \"CWE-89\"")
        extra = t.get("accept_cwe", [])
        _need(isinstance(extra, list) and all(parse_cwe(c) is not None for c in extra), w,
              "accept_cwe must be a list of CWE ids")
        also = t.get("also", [])
        _need(isinstance(also, list), w, "also must be a list of locations")
        for m, loc in enumerate(also):
            _check_location(loc, f"{w}.also[{m}]")
    return doc


def validate_findings(doc, where):
    """Checks the parts of a findings.json the scorer reads; returns the document."""
    _need(isinstance(doc, dict), where, "findings.json must hold a JSON object")
    _need(isinstance(doc.get("findings"), list), where, "findings must be a list")
    for k, f in enumerate(doc["findings"]):
        w = f"{where}: findings[{k}]"
        _need(isinstance(f, dict), w, "must be an object")
        _need(f.get("status") in STATUSES, w, f"status must be one of {', '.join(STATUSES)}")
        _check_location(f, w)
    run = doc.get("run", {})
    _need(isinstance(run, dict), where, "run must be an object")
    return doc


def load_json(path):
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BadInput(f"{path}: {e}") from None


# ---- scoring -------------------------------------------------------------------------------------

def _num(v):
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else 0


def run_stats(doc):
    run = doc.get("run") or {}
    tok = run.get("tokens") or {}
    tokens = {k: _num(tok.get(k)) for k in ("input", "output", "cache_read", "cache_write")}
    tokens["total"] = sum(tokens.values())
    cost = run.get("cost_usd")
    cost = cost if isinstance(cost, (int, float)) and not isinstance(cost, bool) else None
    not_reviewed = doc.get("not_reviewed") or []
    return {
        "tokens": tokens,
        "cost_usd": cost,
        "not_reviewed": len(not_reviewed) if isinstance(not_reviewed, list) else 0,
        "agents_ran": run.get("agents_ran"),
    }


def _brief(f):
    return {k: f.get(k) for k in ("id", "path", "start_line", "end_line", "cwe", "status", "source", "title")}


def score_case(truth, doc, statuses=("confirmed",), tolerance=3, strict_duplicates=False):
    """Scores one case: truth (a validated truth.json) against doc (a validated findings.json)."""
    preds = [f for f in doc["findings"] if f.get("status") in statuses]
    want = truth["findings"]
    pairs = max_matching(len(preds), len(want), lambda i, j: matches(preds[i], want[j], tolerance))
    matched_truth = set(pairs.values())
    fps, dups = [], []
    for i, p in enumerate(preds):
        if i in pairs:
            continue
        if any(matches(p, want[j], tolerance) for j in matched_truth):
            dups.append(_brief(p))
        else:
            fps.append(_brief(p))
    tp = len(pairs)
    fp = len(fps) + (len(dups) if strict_duplicates else 0)
    fn = len(want) - tp
    out = {
        "id": truth["id"],
        "language": truth["language"],
        "vulnerable": truth["vulnerable"],
        "tp": tp, "fp": fp, "fn": fn, "duplicates": len(dups),
        "predicted": len(preds),
    }
    out.update(metrics(tp, fp, fn))
    out.update(run_stats(doc))
    out["matches"] = [{"finding": _brief(preds[i]), "truth": want[j]} for i, j in sorted(pairs.items())]
    out["false_positives"] = fps
    out["duplicate_findings"] = dups
    out["missed"] = [t for j, t in enumerate(want) if j not in matched_truth]
    return out


def totals(cases):
    tp = sum(c["tp"] for c in cases)
    fp = sum(c["fp"] for c in cases)
    fn = sum(c["fn"] for c in cases)
    tokens = {k: sum(c["tokens"][k] for c in cases) for k in ("input", "output", "cache_read", "cache_write", "total")}
    costs = [c["cost_usd"] for c in cases]
    vuln = [c for c in cases if c["vulnerable"]]
    benign = [c for c in cases if not c["vulnerable"]]
    out = {
        "cases": len(cases),
        "vulnerable_cases": len(vuln),
        "benign_cases": len(benign),
        "tp": tp, "fp": fp, "fn": fn,
        "duplicates": sum(c["duplicates"] for c in cases),
        "detected": sum(1 for c in vuln if c["tp"] > 0),
        "clean": sum(1 for c in benign if c["fp"] == 0),
        "incomplete_cases": sum(1 for c in cases if c["not_reviewed"] > 0),
        "tokens": tokens,
        "cost_usd": sum(c for c in costs if c is not None),
        "cost_unknown_cases": sum(1 for c in costs if c is None),
    }
    out.update(metrics(tp, fp, fn))
    return out


def score_dir(cases_dir, out_dir, case_ids=None, **opts):
    """Scores every case (or the named ones) that has OUT/<id>/findings.json."""
    if not os.path.isdir(cases_dir):
        raise BadInput(f"{cases_dir}: not a directory")
    if not os.path.isdir(out_dir):
        raise BadInput(f"{out_dir}: not a directory")
    available = sorted(d for d in os.listdir(cases_dir) if os.path.isfile(os.path.join(cases_dir, d, "truth.json")))
    if case_ids is None:
        ids = [d for d in available if os.path.isfile(os.path.join(out_dir, d, "findings.json"))]
        if not ids:
            raise BadInput(f"{out_dir}: no <case>/findings.json for any case of {cases_dir}")
    else:
        ids = case_ids
        for cid in ids:
            if cid not in available:
                raise BadInput(f"{cases_dir}: no case {cid!r}")
    results = []
    for cid in ids:
        tpath = os.path.join(cases_dir, cid, "truth.json")
        fpath = os.path.join(out_dir, cid, "findings.json")
        truth = validate_truth(load_json(tpath), tpath, cid)
        doc = validate_findings(load_json(fpath), fpath)
        results.append(score_case(truth, doc, **opts))
    not_run = [d for d in available if d not in ids] if case_ids is None else []
    return {"cases": results, "totals": totals(results), "not_run": not_run}


# ---- the evaluation set itself -------------------------------------------------------------------

def changed_lines(base_file, head_file):
    """Head-side line numbers added or modified relative to base (all of them for a new file);
    for a pure deletion, the head lines on either side of the gap."""
    with open(head_file, encoding="utf-8") as fh:
        head = fh.read().splitlines()
    base = []
    if os.path.isfile(base_file):
        with open(base_file, encoding="utf-8") as fh:
            base = fh.read().splitlines()
    out = set()
    for tag, _i1, _i2, j1, j2 in difflib.SequenceMatcher(None, base, head, autojunk=False).get_opcodes():
        if tag in ("replace", "insert"):
            out.update(range(j1 + 1, j2 + 1))
        elif tag == "delete":
            out.update({j1, j1 + 1})
    return out


def check_cases(cases_dir, tolerance=3):
    """Validates the evaluation set; returns (summary, problems)."""
    problems = []
    summary = {"cases": 0, "vulnerable": 0, "benign": 0, "languages": {}, "cwes": {}}
    if not os.path.isdir(cases_dir):
        return summary, [f"{cases_dir}: not a directory"]
    for cid in sorted(os.listdir(cases_dir)):
        cdir = os.path.join(cases_dir, cid)
        if not os.path.isdir(cdir):
            continue
        tpath = os.path.join(cdir, "truth.json")
        try:
            truth = validate_truth(load_json(tpath), tpath, cid)
        except BadInput as e:
            problems.append(str(e))
            continue
        head = os.path.join(cdir, "head")
        base = os.path.join(cdir, "base")
        if not os.path.isdir(head) or not os.path.isdir(base):
            problems.append(f"{cdir}: needs base/ and head/ directories")
            continue
        summary["cases"] += 1
        summary["vulnerable" if truth["vulnerable"] else "benign"] += 1
        summary["languages"][truth["language"]] = summary["languages"].get(truth["language"], 0) + 1
        if _tree(base) == _tree(head):
            problems.append(f"{cdir}: base/ and head/ are the same: the merge request changes nothing")
        for k, t in enumerate(truth["findings"]):
            cwe = f"CWE-{parse_cwe(t['cwe'])}"
            summary["cwes"][cwe] = summary["cwes"].get(cwe, 0) + 1
            for path, start, end in locations(t):
                where = f"{tpath}: findings[{k}] {path}:{start}-{end}"
                hp = os.path.join(head, *norm_path(path).split("/"))
                if norm_path(path).startswith("../") or not os.path.isfile(hp):
                    problems.append(f"{where}: no such file in head/")
                    continue
                with open(hp, encoding="utf-8") as fh:
                    n = len(fh.read().splitlines())
                if end > n:
                    problems.append(f"{where}: the file has {n} lines")
                    continue
                changed = changed_lines(os.path.join(base, *norm_path(path).split("/")), hp)
                if not any(start - tolerance <= line <= end + tolerance for line in changed):
                    problems.append(f"{where}: no line the merge request changed is in or near this range")
    return summary, problems


def _tree(root):
    files = {}
    for d, _dirs, names in os.walk(root):
        for name in names:
            p = os.path.join(d, name)
            with open(p, "rb") as fh:
                files[os.path.relpath(p, root)] = fh.read()
    return files


# ---- output --------------------------------------------------------------------------------------

def _fmt(v, width):
    return f"{'-' if v is None else f'{v:.3f}':>{width}}"


def _cost(v):
    return "?" if v is None else f"${v:.4f}"


def print_text(result, opts, out=None):
    out = out or sys.stdout
    cases = result["cases"]
    w = max([len("case")] + [len(c["id"]) for c in cases])
    out.write(f"{'case':<{w}}  {'language':<10}  {'truth':<6}  {'TP':>3} {'FP':>3} {'FN':>3}  "
              f"{'precision':>9} {'recall':>6} {'F1':>6}  {'tokens':>9}  {'cost':>9}\n")
    for c in cases:
        mark = "  (not fully reviewed)" if c["not_reviewed"] else ""
        if c.get("agents_ran") is False:
            mark = "  (no agent ran)"
        out.write(f"{c['id']:<{w}}  {c['language']:<10}  {'vuln' if c['vulnerable'] else 'benign':<6}  "
                  f"{c['tp']:>3} {c['fp']:>3} {c['fn']:>3}  {_fmt(c['precision'], 9)} {_fmt(c['recall'], 6)} "
                  f"{_fmt(c['f1'], 6)}  {c['tokens']['total']:>9}  {_cost(c['cost_usd']):>9}{mark}\n")
    details = []
    for c in cases:
        for f in c["false_positives"]:
            details.append(f"  FP   {c['id']}: {f['path']}:{f['start_line']}-{f['end_line']} {f.get('cwe')} "
                           f"[{f.get('status')}] {f.get('title') or ''}".rstrip())
        for t in c["missed"]:
            details.append(f"  FN   {c['id']}: {t['path']}:{t['start_line']}-{t['end_line']} {t['cwe']}")
        for f in c["duplicate_findings"]:
            details.append(f"  dup  {c['id']}: {f['path']}:{f['start_line']}-{f['end_line']} {f.get('cwe')}")
    if details:
        out.write("\n" + "\n".join(details) + "\n")
    t = result["totals"]
    cost = _cost(t["cost_usd"])
    if t["cost_unknown_cases"]:
        cost += f" (+ {t['cost_unknown_cases']} case(s) at an unknown price)"
    out.write(f"\ntotals: {t['cases']} cases ({t['vulnerable_cases']} vulnerable, {t['benign_cases']} benign)\n")
    out.write(f"  TP {t['tp']}  FP {t['fp']}  FN {t['fn']}"
              + (f"  (duplicates {t['duplicates']}{', counted as FP' if opts['strict_duplicates'] else ', not counted'})"
                 if t["duplicates"] else "") + "\n")
    out.write(f"  precision {_fmt(t['precision'], 0).strip()}  recall {_fmt(t['recall'], 0).strip()}  "
              f"F1 {_fmt(t['f1'], 0).strip()}\n")
    out.write(f"  vulnerable cases detected {t['detected']}/{t['vulnerable_cases']}, "
              f"benign cases without a false positive {t['clean']}/{t['benign_cases']}\n")
    tk = t["tokens"]
    out.write(f"  tokens {tk['total']} (input {tk['input']}, output {tk['output']}, cache read {tk['cache_read']}, "
              f"cache write {tk['cache_write']}), cost {cost}\n")
    if t["incomplete_cases"]:
        out.write(f"  warning: {t['incomplete_cases']} case(s) not fully reviewed (see not_reviewed in their findings.json)\n")
    if result["not_run"]:
        out.write(f"  not run (no findings.json): {len(result['not_run'])} case(s)\n")
    out.write(f"counted statuses: {', '.join(opts['statuses'])}; line tolerance {opts['tolerance']}\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description="Score tribunal findings against the evaluation set's truth.")
    ap.add_argument("--out", help="directory holding <case>/findings.json")
    ap.add_argument("--cases-dir", default=DEFAULT_CASES, help="directory holding <case>/truth.json")
    ap.add_argument("--cases", help="comma-separated case ids (default: every case with output)")
    ap.add_argument("--json", action="store_true", help="one JSON document on stdout")
    ap.add_argument("--json-out", metavar="FILE", help="also write the JSON document to FILE")
    ap.add_argument("--tolerance", type=int, default=3, help="lines of slack around a truth range (default 3)")
    ap.add_argument("--include-uncertain", action="store_true", help="count findings the verifier marked uncertain")
    ap.add_argument("--include-unverified", action="store_true",
                    help="count unverified findings (no verifier ran; deterministic rule hits)")
    ap.add_argument("--strict-duplicates", action="store_true", help="count duplicate findings as false positives")
    ap.add_argument("--check", action="store_true", help="validate the evaluation set instead of scoring")
    args = ap.parse_args(argv)
    if args.tolerance < 0:
        ap.error("--tolerance must be >= 0")

    if args.check:
        summary, problems = check_cases(args.cases_dir, max(args.tolerance, 0))
        if args.json:
            json.dump({"summary": summary, "problems": problems}, sys.stdout, indent=2)
            sys.stdout.write("\n")
        else:
            for p in problems:
                print(f"score.py: {p}", file=sys.stderr)
            langs = ", ".join(f"{k} {v}" for k, v in sorted(summary["languages"].items()))
            print(f"{summary['cases']} cases: {summary['vulnerable']} vulnerable, {summary['benign']} benign; "
                  f"{len(summary['languages'])} languages ({langs}); {len(summary['cwes'])} CWEs")
        return 2 if problems else 0

    if not args.out:
        ap.error("--out DIR is required (or --check)")
    statuses = ["confirmed"]
    if args.include_uncertain:
        statuses.append("uncertain")
    if args.include_unverified:
        statuses.append("unverified")
    opts = {"statuses": statuses, "tolerance": args.tolerance, "strict_duplicates": args.strict_duplicates}
    ids = None
    if args.cases is not None:
        ids = [c for c in (s.strip() for s in args.cases.split(",")) if c]
        if not ids:
            ap.error("--cases names no case")
    try:
        result = score_dir(args.cases_dir, args.out, ids, statuses=tuple(statuses), tolerance=args.tolerance,
                           strict_duplicates=args.strict_duplicates)
    except BadInput as e:
        print(f"score.py: {e}", file=sys.stderr)
        return 2
    doc = {"schema_version": 1, "settings": opts, **result}
    if args.json_out:
        try:
            with open(args.json_out, "w", encoding="utf-8") as fh:
                json.dump(doc, fh, indent=2)
                fh.write("\n")
        except OSError as e:
            print(f"score.py: {args.json_out}: {e}", file=sys.stderr)
            return 2
    if args.json:
        json.dump(doc, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print_text(result, opts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
