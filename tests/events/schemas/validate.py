#!/usr/bin/env python3
"""Checks workitem events against the published event schemas (docs/events/README.md).

Usage: validate.py <schema dir> <events file>

<schema dir> holds envelope.v1.schema.json, item.v1.schema.json and one
<type>.v<N>.schema.json per event type (JSON Schema draft 2020-12). <events file> holds one
event per line: a workitem.event row as to_jsonb() renders it (tests/events/schemas/run writes
it). Prints one "ok - ..." or "not ok - ..." line per check and last
"events-schemas: N passed, M failed"; exits 1 when a check failed.

The checks:
  - each schema file is a valid draft 2020-12 schema whose $id and type follow its file name;
  - each event has a schema for its type, and is valid against it;
  - strict mode, beyond the schemas (which are open so that consumers tolerate added members):
    every member of the envelope, the payload, the item and the changes is one its schema
    lists, and each change is {"old", "new"} or, for a document, {"changed"};
  - what JSON Schema cannot say: payload.item.id, .version and .tenant_id are the event's
    aggregateid, aggregate_version and tenant_id, and each changed field's "new" value is the
    item's value after the change (absent: null);
  - every type schema was exercised by at least one event, and every operation it lists too.

Needs python3-jsonschema (Debian's 4.10.3, or any later version: with the referencing library
when it is there, else with RefResolver).
"""
import glob
import json
import os
import re
import sys
import warnings

try:
    import jsonschema
    from jsonschema import Draft202012Validator
except ImportError:  # pragma: no cover - reported as a failed check
    print("not ok - python3-jsonschema is installed (import jsonschema failed)")
    print("events-schemas: 0 passed, 1 failed")
    sys.exit(1)

BASE = "https://workitem.dev/schemas/events"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
SHARED = {"envelope", "item"}
FILE_NAME = re.compile(r"^(?P<name>[a-z_.]+)\.v(?P<version>[0-9]+)\.schema\.json$")
BODIES = ("input", "output", "fault")

passed = 0
failed = 0


def ok(description):
    global passed
    passed += 1
    print(f"ok - {description}")


def not_ok(description, details=()):
    global failed
    failed += 1
    print(f"not ok - {description}")
    for line in details:
        print(f"#   {line}")


def check(condition, description, details=()):
    if condition:
        ok(description)
    else:
        not_ok(description, details)
    return condition


def load_schemas(directory):
    """{file name: schema} for every *.schema.json, each checked on its own."""
    schemas = {}
    for path in sorted(glob.glob(os.path.join(directory, "*.schema.json"))):
        file_name = os.path.basename(path)
        problems = []
        try:
            with open(path, encoding="utf-8") as f:
                schema = json.load(f)
        except (OSError, ValueError) as error:
            not_ok(f"schema {file_name} parses", [str(error)])
            continue
        match = FILE_NAME.match(file_name)
        if not match:
            problems.append("the file name is not <type>.v<N>.schema.json")
        else:
            name, version = match.group("name"), int(match.group("version"))
            expected_id = f"{BASE}/{name}/v{version}"
            if schema.get("$id") != expected_id:
                problems.append(f"$id is {schema.get('$id')!r}, expected {expected_id!r}")
            if name not in SHARED:
                expected_type = name if version == 1 else f"{name}.v{version}"
                got = schema.get("properties", {}).get("type", {}).get("const")
                if got != expected_type:
                    problems.append(f"properties.type.const is {got!r}, expected {expected_type!r}")
                if not schema.get("properties", {}).get("operation", {}).get("enum"):
                    problems.append("properties.operation.enum lists no operation")
        if schema.get("$schema") != DRAFT:
            problems.append(f"$schema is {schema.get('$schema')!r}, expected {DRAFT!r}")
        for key in ("title", "description"):
            if not schema.get(key):
                problems.append(f"no {key}")
        try:
            Draft202012Validator.check_schema(schema)
        except jsonschema.exceptions.SchemaError as error:
            problems.append(f"not a valid draft 2020-12 schema: {error.message}")
        if check(not problems, f"schema {file_name} is well formed", problems):
            schemas[file_name] = schema
    return schemas


def validator_factory(schemas):
    """A function making a validator of one schema that resolves $refs among all of them."""
    try:
        from referencing import Registry, Resource  # jsonschema >= 4.18
    except ImportError:
        Registry = None
    if Registry is not None:
        registry = Registry().with_resources(
            (schema["$id"], Resource.from_contents(schema)) for schema in schemas.values())
        return lambda schema: Draft202012Validator(schema, registry=registry)
    store = {schema["$id"]: schema for schema in schemas.values()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        resolver_class = jsonschema.RefResolver
    return lambda schema: Draft202012Validator(
        schema, resolver=resolver_class.from_schema(schema, store=store))


def where(path):
    return "/" + "/".join(str(part) for part in path) if path else "(the event)"


def members_outside(obj, allowed, where_text):
    extra = sorted(set(obj) - set(allowed)) if isinstance(obj, dict) else []
    return [f"{where_text}: undocumented member {name!r}" for name in extra]


def strict_problems(event, type_schema, envelope, item_schema):
    """Members the schemas do not list, and the rules JSON Schema cannot express."""
    problems = members_outside(event, envelope["properties"], "envelope")
    payload = event.get("payload")
    if not isinstance(payload, dict):
        return problems
    problems += members_outside(payload, type_schema["properties"]["payload"]["properties"], "payload")
    item = payload.get("item")
    if isinstance(item, dict):
        problems += members_outside(item, item_schema["properties"], "payload.item")
        for field, column in (("id", "aggregateid"), ("version", "aggregate_version"),
                              ("tenant_id", "tenant_id")):
            if item.get(field) != event.get(column):
                problems.append(f"payload.item.{field} is {item.get(field)!r} but {column} is "
                                f"{event.get(column)!r}")
    changes = payload.get("changes")
    if isinstance(changes, dict):
        problems += members_outside(changes, item_schema["$defs"]["changes"]["properties"],
                                    "payload.changes")
        for field, change in sorted(changes.items()):
            if not isinstance(change, dict):
                continue  # the schema reports it
            expected = {"changed"} if field in BODIES else {"old", "new"}
            if set(change) != expected:
                problems.append(f"payload.changes.{field} has members {sorted(change)}, "
                                f"expected {sorted(expected)}")
            elif field not in BODIES and isinstance(item, dict) and change["new"] != item.get(field):
                problems.append(f"payload.changes.{field}.new is {change['new']!r} but the item's "
                                f"{field} is {item.get(field)!r}")
    return problems


def main(argv):
    if len(argv) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    schema_dir, events_file = argv[1], argv[2]
    schemas = load_schemas(schema_dir)
    envelope = schemas.get("envelope.v1.schema.json")
    item_schema = schemas.get("item.v1.schema.json")
    if not check(envelope is not None and item_schema is not None,
                 "the shared schemas envelope.v1 and item.v1 are there"):
        print(f"events-schemas: {passed} passed, {failed} failed")
        return 1
    by_type = {}
    for file_name, schema in schemas.items():
        type_name = schema.get("properties", {}).get("type", {}).get("const")
        if type_name:
            by_type[type_name] = (file_name, schema)
    make_validator = validator_factory(schemas)
    validators = {type_name: make_validator(schema) for type_name, (_, schema) in by_type.items()}

    events = []
    with open(events_file, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                events.append(json.loads(line))
            except ValueError as error:
                not_ok(f"line {number} of the events is JSON", [str(error), line[:200]])
    check(len(events) > 0, f"the workload wrote events ({len(events)})")

    seen_types = {}
    seen_operations = set()
    missing_types = {}
    for event in events:
        type_name = event.get("type") if isinstance(event, dict) else None
        operation = event.get("operation") if isinstance(event, dict) else None
        label = (f"event seq {event.get('seq')} ({type_name}, {operation}, item "
                 f"{event.get('aggregateid')} v{event.get('aggregate_version')})"
                 if isinstance(event, dict) else "an event that is not a JSON object")
        if type_name not in by_type:
            missing_types.setdefault(type_name, []).append(event.get("seq") if isinstance(event, dict) else None)
            continue
        seen_types[type_name] = seen_types.get(type_name, 0) + 1
        seen_operations.add((type_name, operation))
        file_name, schema = by_type[type_name]
        problems = [f"{where(error.absolute_path)}: {error.message[:300]}"
                    for error in sorted(validators[type_name].iter_errors(event),
                                        key=lambda e: [str(p) for p in e.absolute_path])]
        problems += strict_problems(event, schema, envelope, item_schema)
        problems = list(dict.fromkeys(problems))  # a rule met through two $refs reports twice
        check(not problems, f"{label} matches {file_name}", problems[:10])

    for type_name, seqs in sorted(missing_types.items(), key=lambda kv: str(kv[0])):
        not_ok(f"event type {type_name!r} has a schema",
               [f"{len(seqs)} event(s) without one, seq {', '.join(str(s) for s in seqs[:10])}"])
    for type_name, (file_name, schema) in sorted(by_type.items()):
        count = seen_types.get(type_name, 0)
        check(count > 0, f"{file_name} was exercised ({count} events)")
        for operation in schema["properties"]["operation"]["enum"]:
            check((type_name, operation) in seen_operations,
                  f"{type_name} was written by operation {operation}")

    print(f"events-schemas: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
