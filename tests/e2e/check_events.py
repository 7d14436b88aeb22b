#!/usr/bin/python3
"""check_events.py SCHEMA LOG... - validate every line of esc-milter event
logs against docs/events.schema.json.  Prints one line per invalid event
(file:line: reason) and a summary; exit 0 when all are valid, 1 when not,
77 when the jsonschema module is missing (Debian: python3-jsonschema)."""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("jsonschema not installed (Debian: apt-get install python3-jsonschema)")
    sys.exit(77)


def main():
    with open(sys.argv[1]) as f:
        schema = json.load(f)
    jsonschema.Draft7Validator.check_schema(schema)
    v = jsonschema.Draft7Validator(schema)
    bad = n = 0
    kinds = {}
    for path in sys.argv[2:]:
        with open(path, "rb") as f:
            for i, raw in enumerate(f, 1):
                n += 1
                try:
                    ev = json.loads(raw)
                except ValueError as e:
                    print("%s:%d: not JSON: %s" % (path, i, e))
                    bad += 1
                    continue
                errs = sorted(v.iter_errors(ev), key=lambda e: e.path)
                if errs:
                    bad += 1
                    # oneOf errors are vague; show the branch for this event
                    kind = ev.get("event") if isinstance(ev, dict) else None
                    detail = errs[0].message
                    if kind in schema["definitions"]:
                        sub = list(jsonschema.Draft7Validator(
                            {**schema["definitions"][kind],
                             "definitions": schema["definitions"]}).iter_errors(ev))
                        if sub:
                            detail = "; ".join("%s: %s" % ("/".join(map(str, e.path)), e.message)
                                               for e in sub[:3])
                    print("%s:%d: %s event: %s" % (path, i, kind, detail))
                else:
                    kinds[ev["event"]] = kinds.get(ev["event"], 0) + 1
    print("%d events, %d invalid (%s)" % (n, bad, ", ".join(
        "%s %d" % kv for kv in sorted(kinds.items()))))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
