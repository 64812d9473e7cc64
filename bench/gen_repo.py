#!/usr/bin/env python3
"""Synthetic merge request for `make bench`: a repository of about 5,000 source files in several
languages, and a head commit touching 400 of them with about 30,000 changed (added) lines.

usage: gen_repo.py DIR      (DIR must not exist; branches: base, head)
Deterministic: the same DIR content every time. Uses `git fast-import` for speed."""
import os
import random
import subprocess
import sys

FILES = 5000
TOUCHED = 400
ADDED_PER_FILE = 75          # 400 * 75 = 30,000 added lines
LANGS = [
    ("c", "int fn_{i}_{k}(int x)\n{{\n\tint y = x * {k};\n\tif (y > {i})\n\t\treturn y - {i};\n\treturn y + 1;\n}}\n\n"),
    ("py", "def fn_{i}_{k}(x):\n    y = x * {k}\n    if y > {i}:\n        return y - {i}\n    return y + 1\n\n\n"),
    ("go", "func Fn{i}x{k}(x int) int {{\n\ty := x * {k}\n\tif y > {i} {{\n\t\treturn y - {i}\n\t}}\n\treturn y + 1\n}}\n\n"),
    ("js", "function fn_{i}_{k}(x) {{\n  const y = x * {k};\n  if (y > {i}) {{\n    return y - {i};\n  }}\n  return y + 1;\n}}\n\n"),
    ("java", "    static int fn{i}x{k}(int x) {{\n        int y = x * {k};\n        if (y > {i}) {{\n            return y - {i};\n        }}\n        return y + 1;\n    }}\n\n"),
]
FUNCS = 14                   # ~100 lines per file


def body(i, lang, tmpl, funcs):
    parts = []
    if lang == "java":
        parts.append("class C%d {\n" % i)
    for k in range(funcs):
        parts.append(tmpl.format(i=i, k=k))
    if lang == "java":
        parts.append("}\n")
    return "".join(parts)


def changed(text, lang, rnd, i):
    lines = text.split("\n")
    out = []
    # five edits of 15 added lines each, spread over the file
    stops = sorted(rnd.sample(range(5, len(lines) - 5), 5))
    last = 0
    for s in stops:
        out.extend(lines[last:s])
        ind = "    " if lang in ("py", "java") else "\t"
        for n in range(15):
            out.append("%s// changed %d %d: value = compute(%d) + input[%d];" % (ind, i, n, n, s) if lang != "py"
                       else "%s# changed %d %d: value = compute(%d) + inp[%d]" % (ind, i, n, n, s))
        last = s + 1      # one line replaced
    out.extend(lines[last:])
    return "\n".join(out)


def main():
    root = sys.argv[1]
    os.makedirs(root)
    subprocess.run(["git", "init", "-q", "-b", "base", root], check=True)
    rnd = random.Random(42)
    files = {}
    for i in range(FILES):
        lang, tmpl = LANGS[i % len(LANGS)]
        path = "pkg%02d/mod%03d/file%04d.%s" % (i % 50, i % 200, i, lang)
        files[path] = (i, lang, body(i, lang, tmpl, FUNCS))
    touched = sorted(rnd.sample(sorted(files), TOUCHED))
    stream = []

    def blob(mark, data):
        b = data.encode()
        stream.append(b"blob\nmark :%d\ndata %d\n" % (mark, len(b)) + b + b"\n")

    mark = 1
    marks = {}
    for path in sorted(files):
        blob(mark, files[path][2])
        marks[path] = mark
        mark += 1
    head_marks = {}
    for path in touched:
        i, lang, text = files[path]
        blob(mark, changed(text, lang, rnd, i))
        head_marks[path] = mark
        mark += 1
    who = b"Bench <bench@example.com> 1767225600 +0000"
    commit = b"commit refs/heads/base\nmark :%d\nauthor %s\ncommitter %s\ndata 4\nbase\n" % (mark, who, who)
    commit += b"".join(b"M 100644 :%d %s\n" % (m, p.encode()) for p, m in sorted(marks.items()))
    stream.append(commit)
    base_mark = mark
    mark += 1
    commit = b"commit refs/heads/head\nmark :%d\nauthor %s\ncommitter %s\ndata 4\nhead\nfrom :%d\n" % (
        mark, who, who, base_mark)
    commit += b"".join(b"M 100644 :%d %s\n" % (m, p.encode()) for p, m in sorted(head_marks.items()))
    stream.append(commit)
    subprocess.run(["git", "-C", root, "fast-import", "--quiet"], input=b"".join(stream), check=True)
    subprocess.run(["git", "-C", root, "gc", "-q", "--aggressive"], check=True)


if __name__ == "__main__":
    main()
