"""Checks findings.json files against docs/findings.schema.json (JSON Schema draft 7).

    python3 tests/tools/findings_schema.py SCHEMA FILE...

Prints PASS/FAIL per file and the first errors of each failing one; exits 1 when any fails."""
import json
import sys

import jsonschema


def main(argv):
    schema = json.load(open(argv[1], encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    bad = False
    for path in argv[2:]:
        errors = list(validator.iter_errors(json.load(open(path, encoding="utf-8"))))
        for e in errors[:5]:
            print("  schema: %s: %s at %s" % (path, e.message, "/".join(map(str, e.path))))
        print(("FAIL" if errors else "PASS") + " findings-schema " + path)
        bad |= bool(errors)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
