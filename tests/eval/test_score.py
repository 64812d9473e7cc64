#!/usr/bin/env python3
"""Unit tests of bench/eval/score.py's matching rules on hand-written truth and findings.json
snippets (Python 3 standard library only). Run: python3 tests/eval/test_score.py"""

import contextlib
import importlib.util
import io
import json
import os
import shutil
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
spec = importlib.util.spec_from_file_location("score", os.path.join(ROOT, "bench", "eval", "score.py"))
score = importlib.util.module_from_spec(spec)
spec.loader.exec_module(score)


def truth(findings=(), vulnerable=None, cid="case-a", language="python"):
    findings = list(findings)
    return {"id": cid, "language": language, "vulnerable": bool(findings) if vulnerable is None else vulnerable,
            "findings": findings, "note": "test"}


def t(path, start, end, cwe, **extra):
    return dict(path=path, start_line=start, end_line=end, cwe=cwe, **extra)


def f(path, start, end, cwe, status="confirmed", fid="F1", **extra):
    return dict(id=fid, path=path, start_line=start, end_line=end, cwe=cwe, status=status, source="finder",
                title="t", **extra)


def doc(*findings, tokens=None, cost=0.0, not_reviewed=()):
    return {"run": {"tokens": tokens or {"input": 0, "output": 0, "cache_read": 0, "cache_write": 0},
                    "cost_usd": cost, "agents_ran": True},
            "findings": list(findings), "not_reviewed": list(not_reviewed)}


def counts(result):
    return result["tp"], result["fp"], result["fn"]


class CweRules(unittest.TestCase):
    def test_spellings(self):
        for v in ("CWE-89", "cwe-89", "CWE89", "89", 89, " CWE-89 "):
            self.assertEqual(score.parse_cwe(v), 89, v)
        for v in (None, "", "CWE-", "sql", True, 0, -3, "CWE-0", 8.9, [89]):
            self.assertIsNone(score.parse_cwe(v), v)

    def test_families(self):
        pairs = [(89, 564), (89, 943), (22, 23), (22, 73), (78, 77), (78, 88), (79, 80), (787, 120), (787, 119),
                 (787, 125), (787, 122), (862, 639), (862, 285), (639, 863), (798, 259), (798, 321), (611, 827),
                 (327, 916), (1321, 915), (1336, 94), (367, 362), (190, 680)]
        for a, b in pairs:
            self.assertTrue(score.same_family(a, b), (a, b))
            self.assertTrue(score.same_family(b, a), (b, a))
        for a, b in [(89, 79), (22, 78), (918, 601), (862, 287), (134, 787), (502, 94)]:
            self.assertFalse(score.same_family(a, b), (a, b))
        self.assertTrue(score.same_family(134, 134))
        self.assertFalse(score.same_family(None, 89))

    def test_families_are_not_transitive(self):
        # 680 (integer overflow to buffer overflow) is in both families, but 190 is not 787
        self.assertTrue(score.same_family(680, 190))
        self.assertTrue(score.same_family(680, 787))
        self.assertFalse(score.same_family(190, 787))

    def test_accept_cwe(self):
        want = t("a.c", 1, 2, "CWE-190", accept_cwe=["CWE-787"])
        self.assertTrue(score.cwe_matches("CWE-787", want))
        self.assertTrue(score.cwe_matches("CWE-122", want))  # family of an accepted CWE
        self.assertTrue(score.cwe_matches("680", want))
        self.assertFalse(score.cwe_matches("CWE-134", want))
        self.assertFalse(score.cwe_matches(None, want))


class LineRules(unittest.TestCase):
    def test_tolerance_edges(self):
        # truth 10-12 with a tolerance of 3 covers 7..15
        for (s, e), want in {(15, 15): True, (16, 20): False, (7, 7): True, (1, 6): False, (11, 11): True,
                             (1, 100): True, (13, 14): True}.items():
            self.assertEqual(score.overlaps(s, e, 10, 12, 3), want, (s, e))
        self.assertFalse(score.overlaps(13, 13, 10, 12, 0))
        self.assertTrue(score.overlaps(12, 13, 10, 12, 0))

    def test_path_normalization(self):
        want = truth([t("app/x.py", 5, 5, "CWE-89")])
        for p in ("./app/x.py", "app//x.py", "app/./x.py"):
            self.assertEqual(counts(score.score_case(want, doc(f(p, 5, 5, "CWE-89")))), (1, 0, 0), p)
        self.assertEqual(counts(score.score_case(want, doc(f("x.py", 5, 5, "CWE-89")))), (0, 1, 1))
        self.assertEqual(counts(score.score_case(want, doc(f("other/app/x.py", 5, 5, "CWE-89")))), (0, 1, 1))

    def test_also_locations(self):
        want = truth([t("lib/merge.js", 5, 13, "CWE-1321", also=[{"path": "routes/p.js", "start_line": 15,
                                                                    "end_line": 15}])])
        self.assertEqual(counts(score.score_case(want, doc(f("routes/p.js", 14, 16, "CWE-1321")))), (1, 0, 0))
        self.assertEqual(counts(score.score_case(want, doc(f("routes/p.js", 30, 30, "CWE-1321")))), (0, 1, 1))
        # both places reported: one true positive and one duplicate
        r = score.score_case(want, doc(f("routes/p.js", 15, 15, "CWE-1321"), f("lib/merge.js", 6, 6, "CWE-915", fid="F2")))
        self.assertEqual((counts(r), r["duplicates"]), ((1, 0, 0), 1))


class Scoring(unittest.TestCase):
    def test_true_positive_false_positive_false_negative(self):
        want = truth([t("app.py", 10, 12, "CWE-89")])
        self.assertEqual(counts(score.score_case(want, doc(f("app.py", 11, 11, "CWE-564")))), (1, 0, 0))
        # right place, wrong kind of flaw: a false positive and a miss
        self.assertEqual(counts(score.score_case(want, doc(f("app.py", 11, 11, "CWE-79")))), (0, 1, 1))
        # right kind, wrong place
        self.assertEqual(counts(score.score_case(want, doc(f("app.py", 40, 41, "CWE-89")))), (0, 1, 1))
        self.assertEqual(counts(score.score_case(want, doc())), (0, 0, 1))
        benign = truth([], vulnerable=False)
        self.assertEqual(counts(score.score_case(benign, doc(f("app.py", 1, 1, "CWE-89")))), (0, 1, 0))
        self.assertEqual(counts(score.score_case(benign, doc())), (0, 0, 0))

    def test_statuses(self):
        want = truth([t("app.py", 10, 10, "CWE-89")])
        for status, default, flagged in [("confirmed", 1, 1), ("uncertain", 0, 1), ("unverified", 0, 1),
                                         ("rejected", 0, 0), ("suppressed", 0, 0)]:
            d = doc(f("app.py", 10, 10, "CWE-89", status=status))
            self.assertEqual(score.score_case(want, d)["tp"], default, status)
            all_three = ("confirmed", "uncertain", "unverified")
            self.assertEqual(score.score_case(want, d, statuses=all_three)["tp"], flagged, status)
        # a rejected finding is never a false positive either
        benign = truth([], vulnerable=False)
        self.assertEqual(counts(score.score_case(benign, doc(f("a.py", 1, 1, "CWE-89", status="rejected")))), (0, 0, 0))
        # main(): the flags select the statuses
        self.assertEqual(self.main_statuses([]), ["confirmed"])
        self.assertEqual(self.main_statuses(["--include-uncertain"]), ["confirmed", "uncertain"])
        self.assertEqual(self.main_statuses(["--include-unverified", "--include-uncertain"]),
                         ["confirmed", "uncertain", "unverified"])

    def main_statuses(self, flags):
        with tempfile.TemporaryDirectory() as tmp:
            cases, out = write_set(tmp, {"case-a": (truth([t("a.py", 1, 1, "CWE-89")]), doc())})
            rc, text = run_main(["--cases-dir", cases, "--out", out, "--json"] + flags)
            self.assertEqual(rc, 0)
            return json.loads(text)["settings"]["statuses"]

    def test_duplicates(self):
        want = truth([t("app.rb", 19, 20, "CWE-601")])
        d = doc(f("app.rb", 19, 19, "CWE-601"), f("app.rb", 20, 20, "CWE-601", fid="F2"))
        r = score.score_case(want, d)
        self.assertEqual((counts(r), r["duplicates"]), ((1, 0, 0), 1))
        self.assertEqual(r["precision"], 1.0)
        r = score.score_case(want, d, strict_duplicates=True)
        self.assertEqual((counts(r), r["duplicates"]), ((1, 1, 0), 1))
        self.assertEqual(r["precision"], 0.5)

    def test_maximum_matching(self):
        # P1 fits both truth findings, P2 only the first: pairing P1 with the first would lose one
        want = truth([t("q.py", 10, 10, "CWE-89"), t("q.py", 16, 16, "CWE-89")])
        d = doc(f("q.py", 13, 13, "CWE-89", fid="P1"), f("q.py", 9, 9, "CWE-89", fid="P2"))
        r = score.score_case(want, d, tolerance=3)
        self.assertEqual(counts(r), (2, 0, 0))
        self.assertEqual({(m["finding"]["id"], m["truth"]["start_line"]) for m in r["matches"]},
                         {("P1", 16), ("P2", 10)})

    def test_two_flaws_one_found(self):
        want = truth([t("o.rb", 6, 6, "CWE-89"), t("o.rb", 30, 30, "CWE-89")])
        r = score.score_case(want, doc(f("o.rb", 6, 6, "CWE-89")))
        self.assertEqual(counts(r), (1, 0, 1))
        self.assertEqual((r["precision"], r["recall"]), (1.0, 0.5))
        self.assertAlmostEqual(r["f1"], 2 / 3)
        self.assertEqual(r["missed"], [want["findings"][1]])

    def test_metrics_when_undefined(self):
        self.assertEqual(score.metrics(0, 0, 0), {"precision": None, "recall": None, "f1": None})
        self.assertEqual(score.metrics(0, 0, 2), {"precision": None, "recall": 0.0, "f1": 0.0})
        self.assertEqual(score.metrics(0, 3, 0), {"precision": 0.0, "recall": None, "f1": None})
        self.assertEqual(score.metrics(0, 1, 1), {"precision": 0.0, "recall": 0.0, "f1": 0.0})
        m = score.metrics(2, 2, 2)
        self.assertEqual((m["precision"], m["recall"], m["f1"]), (0.5, 0.5, 0.5))

    def test_totals_and_run_stats(self):
        vuln = truth([t("a.py", 1, 1, "CWE-89")], cid="v")
        benign = truth([], vulnerable=False, cid="b")
        tok = {"input": 100, "output": 20, "cache_read": 5, "cache_write": 1}
        r1 = score.score_case(vuln, doc(f("a.py", 1, 1, "CWE-89"), tokens=tok, cost=0.25))
        r2 = score.score_case(benign, doc(f("a.py", 1, 1, "CWE-79"), tokens=tok, cost=None,
                                          not_reviewed=[{"unit": 1, "paths": ["a.py"], "reason": "x"}]))
        self.assertEqual(r1["tokens"]["total"], 126)
        self.assertIsNone(r2["cost_usd"])
        tot = score.totals([r1, r2])
        self.assertEqual((tot["tp"], tot["fp"], tot["fn"]), (1, 1, 0))
        self.assertEqual((tot["precision"], tot["recall"]), (0.5, 1.0))
        self.assertEqual((tot["detected"], tot["vulnerable_cases"], tot["clean"], tot["benign_cases"]), (1, 1, 0, 1))
        self.assertEqual(tot["tokens"], {"input": 200, "output": 40, "cache_read": 10, "cache_write": 2, "total": 252})
        self.assertEqual((tot["cost_usd"], tot["cost_unknown_cases"], tot["incomplete_cases"]), (0.25, 1, 1))


def write_set(tmp, cases):
    """cases: {id: (truth, findings doc or None)} -> (cases dir, out dir)."""
    cdir, odir = os.path.join(tmp, "cases"), os.path.join(tmp, "out")
    for cid, (tr, d) in cases.items():
        os.makedirs(os.path.join(cdir, cid))
        with open(os.path.join(cdir, cid, "truth.json"), "w") as fh:
            json.dump(tr, fh) if isinstance(tr, dict) else fh.write(tr)
        if d is not None:
            os.makedirs(os.path.join(odir, cid))
            with open(os.path.join(odir, cid, "findings.json"), "w") as fh:
                json.dump(d, fh) if isinstance(d, dict) else fh.write(d)
    os.makedirs(odir, exist_ok=True)
    return cdir, odir


def run_main(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = score.main(argv)
        except SystemExit as e:  # argparse
            rc = e.code
    return rc, out.getvalue() + err.getvalue()


class Input(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_scores_a_directory(self):
        cases, out = write_set(self.tmp, {
            "case-a": (truth([t("a.py", 3, 3, "CWE-89")], cid="case-a"), doc(f("a.py", 3, 3, "CWE-89"))),
            "case-b": (truth([], vulnerable=False, cid="case-b"), doc(f("b.py", 3, 3, "CWE-22"))),
            "case-c": (truth([], vulnerable=False, cid="case-c"), None),
        })
        rc, text = run_main(["--cases-dir", cases, "--out", out, "--json"])
        self.assertEqual(rc, 0, text)
        res = json.loads(text)
        self.assertEqual([c["id"] for c in res["cases"]], ["case-a", "case-b"])
        self.assertEqual(res["not_run"], ["case-c"])
        self.assertEqual((res["totals"]["tp"], res["totals"]["fp"], res["totals"]["fn"]), (1, 1, 0))
        rc, text = run_main(["--cases-dir", cases, "--out", out])
        self.assertEqual(rc, 0, text)
        self.assertIn("precision 0.500  recall 1.000  F1 0.667", text)
        self.assertIn("FP   case-b: b.py:3-3 CWE-22", text)
        # a named case must have output
        rc, text = run_main(["--cases-dir", cases, "--out", out, "--cases", "case-a,case-c"])
        self.assertEqual(rc, 2)
        self.assertIn("case-c", text)
        rc, text = run_main(["--cases-dir", cases, "--out", out, "--cases", "nope"])
        self.assertEqual(rc, 2)

    def test_bad_input(self):
        good = truth([t("a.py", 3, 3, "CWE-89")], cid="case-a")
        bad_truths = [
            "{not json",
            {k: v for k, v in good.items() if k != "note"},
            dict(good, id="other"),
            dict(good, language="cobol"),
            dict(good, vulnerable=False),
            dict(good, findings=[]),
            dict(good, findings=[t("a.py", 5, 3, "CWE-89")]),
            dict(good, findings=[t("a.py", 0, 3, "CWE-89")]),
            dict(good, findings=[t("a.py", 3, 3, "SQL")]),
            dict(good, findings=[t("a.py", 3, 3, "CWE-89", accept_cwe="CWE-564")]),
        ]
        for bad in bad_truths:
            tmp = tempfile.mkdtemp(dir=self.tmp)
            cases, out = write_set(tmp, {"case-a": (bad, doc())})
            rc, text = run_main(["--cases-dir", cases, "--out", out])
            self.assertEqual(rc, 2, (bad, text))
            self.assertIn("truth.json", text)
        bad_docs = ["[]", "{}", {"findings": {}}, doc({"path": "a.py", "start_line": 1, "end_line": 1}),
                    doc(f("a.py", 1, 1, "CWE-89", status="maybe")), doc(f("a.py", "1", 1, "CWE-89")),
                    doc(f("", 1, 1, "CWE-89")), "\xff"]
        for bad in bad_docs:
            tmp = tempfile.mkdtemp(dir=self.tmp)
            cases, out = write_set(tmp, {"case-a": (good, bad)})
            rc, text = run_main(["--cases-dir", cases, "--out", out])
            self.assertEqual(rc, 2, (bad, text))
            self.assertIn("findings.json", text)
        # no output at all, a missing directory, no --out
        cases, out = write_set(tempfile.mkdtemp(dir=self.tmp), {"case-a": (good, None)})
        self.assertEqual(run_main(["--cases-dir", cases, "--out", out])[0], 2)
        self.assertEqual(run_main(["--cases-dir", cases, "--out", os.path.join(self.tmp, "nope")])[0], 2)
        self.assertEqual(run_main(["--cases-dir", cases])[0], 2)
        # a finding without a CWE is fine: it just cannot match
        cases, out = write_set(tempfile.mkdtemp(dir=self.tmp), {"case-a": (good, doc(f("a.py", 3, 3, None)))})
        rc, text = run_main(["--cases-dir", cases, "--out", out, "--json"])
        self.assertEqual(rc, 0, text)
        self.assertEqual(json.loads(text)["totals"]["fp"], 1)

    def make_case(self, cid, base, head, tr):
        root = os.path.join(self.tmp, "set", cid)
        for part, files in (("base", base), ("head", head)):
            os.makedirs(os.path.join(root, part), exist_ok=True)
            for name, text in files.items():
                p = os.path.join(root, part, name)
                os.makedirs(os.path.dirname(p), exist_ok=True)
                with open(p, "w") as fh:
                    fh.write(text)
        with open(os.path.join(root, "truth.json"), "w") as fh:
            json.dump(tr, fh)

    def test_check(self):
        lines = "".join(f"line {i}\n" for i in range(1, 21))
        changed = lines.replace("line 15\n", "query(user_input)\n")
        self.make_case("ok-vuln", {"a.py": lines}, {"a.py": changed}, truth([t("a.py", 15, 15, "CWE-89")], cid="ok-vuln"))
        self.make_case("ok-benign", {"a.py": lines}, {"a.py": changed}, truth([], vulnerable=False, cid="ok-benign"))
        cases = os.path.join(self.tmp, "set")
        summary, problems = score.check_cases(cases)
        self.assertEqual(problems, [])
        self.assertEqual((summary["cases"], summary["vulnerable"], summary["benign"]), (2, 1, 1))
        self.make_case("far", {"a.py": lines}, {"a.py": changed}, truth([t("a.py", 2, 3, "CWE-89")], cid="far"))
        self.make_case("past-end", {"a.py": lines}, {"a.py": changed}, truth([t("a.py", 15, 40, "CWE-89")], cid="past-end"))
        self.make_case("no-file", {"a.py": lines}, {"a.py": changed}, truth([t("b.py", 1, 1, "CWE-89")], cid="no-file"))
        self.make_case("same", {"a.py": lines}, {"a.py": lines}, truth([], vulnerable=False, cid="same"))
        self.make_case("new-file", {"a.py": lines}, {"a.py": lines, "n/b.py": "x = 1\n"},
                       truth([t("n/b.py", 1, 1, "CWE-89")], cid="new-file"))
        _, problems = score.check_cases(cases)
        text = "\n".join(problems)
        self.assertEqual(len(problems), 4, text)
        for needle in ("far/truth.json", "no line the merge request changed", "past-end/truth.json: findings[0] a.py:15-40: the file has 20 lines",
                       "no-file/truth.json", "no such file in head/", "same: base/ and head/ are the same"):
            self.assertIn(needle, text)
        rc, _ = run_main(["--check", "--cases-dir", cases])
        self.assertEqual(rc, 2)

    def test_the_evaluation_set(self):
        summary, problems = score.check_cases(score.DEFAULT_CASES)
        self.assertEqual(problems, [])
        self.assertGreaterEqual(summary["cases"], 30)
        self.assertGreaterEqual(len(summary["languages"]), 6)
        self.assertEqual(summary["vulnerable"], summary["benign"])
        self.assertGreaterEqual(len(summary["cwes"]), 12)


if __name__ == "__main__":
    unittest.main(verbosity=1)
