#!/usr/bin/env python3
"""Validates Handoff's HSDS output against a strict copy of the HSDS 3.1 schemas.

The copy (built here from data/hsds/schema/) refuses, in every object, any property the
schema does not declare: Handoff emits none, so an extra one is a bug. Formats (uuid, uri,
email, date-time) are checked with jsonschema's FormatChecker; the checkers for uri and
date-time must be installed (rfc3986-validator, rfc3339-validator), or this refuses to run.

    hsds_validate.py export FILE         an export: a list of organizations, services,
                                         locations, taxonomy terms and taxonomies
    hsds_validate.py paged KIND FILE     a paged API answer whose contents are KIND
    hsds_validate.py object KIND FILE    one KIND (service, organization, ...)
    hsds_validate.py base FILE           the API's root answer

Prints each fault with its path and exits 1 if there is any.
"""
import copy
import json
import pathlib
import sys

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMAS = pathlib.Path(__file__).resolve().parent.parent / "data" / "hsds" / "schema"
BASE = "https://hsds.invalid/"


def need_format_checkers():
    missing = []
    try:
        import rfc3339_validator  # noqa: F401
    except ImportError:
        missing.append("rfc3339-validator")
    try:
        import rfc3986_validator  # noqa: F401
    except ImportError:
        try:
            import rfc3987  # noqa: F401
        except ImportError:
            missing.append("rfc3986-validator")
    if missing:
        sys.exit("hsds_validate: install " + " ".join(missing) + " so that formats are checked")


def strict(node):
    if isinstance(node, dict):
        if "properties" in node and node.get("type", "object") == "object":
            node["additionalProperties"] = False
        for v in node.values():
            strict(v)
    elif isinstance(node, list):
        for v in node:
            strict(v)
    return node


def registry():
    resources = []
    for f in sorted(SCHEMAS.glob("*.json")):
        if f.name in ("openapi.json",):
            continue
        schema = strict(copy.deepcopy(json.loads(f.read_text())))
        schema["$id"] = BASE + f.name
        resources.append((BASE + f.name, Resource.from_contents(schema, default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


def validator(reg, kind):
    schema = {"$ref": BASE + kind + ".json"}
    return jsonschema.Draft202012Validator(schema, registry=reg, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def kind_of(item):
    keys = set(item)
    if "status" in keys:
        return "service"
    if "location_type" in keys:
        return "location"
    if keys & {"code", "parent_id", "taxonomy", "taxonomy_id", "term_uri", "taxonomy_detail"}:
        return "taxonomy_term"
    if "version" in keys and "services" not in keys:
        return "taxonomy"
    return "organization"


def main():
    need_format_checkers()
    reg = registry()
    mode, rest = sys.argv[1], sys.argv[2:]
    faults = []

    def check(kind, value, where):
        for e in validator(reg, kind).iter_errors(value):
            path = "/".join(str(p) for p in e.absolute_path)
            faults.append(f"{where}{'/' + path if path else ''} ({kind}): {e.message}")

    if mode == "export":
        data = json.loads(pathlib.Path(rest[0]).read_text())
        if not isinstance(data, list):
            sys.exit("an export is a list")
        for i, item in enumerate(data):
            check(kind_of(item), item, f"[{i}]")
    elif mode == "paged":
        kind, data = rest[0], json.loads(pathlib.Path(rest[1]).read_text())
        envelope = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"}
        if set(data) != envelope:
            faults.append(f"the paged answer's fields are {sorted(data)}, not {sorted(envelope)}")
        for i, item in enumerate(data.get("contents", [])):
            check(kind, item, f"contents[{i}]")
    elif mode == "object":
        check(rest[0], json.loads(pathlib.Path(rest[1]).read_text()), "")
    elif mode == "base":
        data = json.loads(pathlib.Path(rest[0]).read_text())
        if set(data) - {"version", "profile", "openapi_url"} or "version" not in data:
            faults.append(f"the root answer's fields are {sorted(data)}")
    else:
        sys.exit(__doc__)
    for f in faults:
        print(f)
    if faults:
        sys.exit(1)
    print(f"valid ({mode})")


if __name__ == "__main__":
    main()
