#!/usr/bin/env python3
"""Writes docs/sql-reference.md from the catalog of a database holding the extension.

Every function, table and view of the extension is listed with its signature or columns, the
capability it requires (workitem.required_capability) and its COMMENT ON, which is the one place
its documentation lives (docs/architecture.md, "Where each kind of change goes").

    tools/sql_reference.py <psql> <dsn>                 prints the reference
    tools/sql_reference.py <psql> <dsn> --check FILE    exits 1 when FILE differs from it, or
                                                        when a function, table or view has no
                                                        comment (each is named)
"""
import json
import subprocess
import sys

# One JSON document: the extension's members (partitions aside: they come and go by the month).
CATALOG_QUERY = r"""
WITH ext AS (SELECT oid, extnamespace FROM pg_extension WHERE extname = 'workitem'),
members AS (
    SELECT d.classid, d.objid FROM pg_depend d, ext
     WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e'),
functions AS (
    SELECT n.nspname AS schema, p.proname AS name,
           pg_get_function_arguments(p.oid) AS arguments,
           pg_get_function_result(p.oid) AS result,
           obj_description(p.oid, 'pg_proc') AS comment,
           (SELECT c.capability FROM workitem.required_capability c
             WHERE c.object IN (p.proname, n.nspname || '.' || p.proname)
             ORDER BY c.object = p.proname LIMIT 1) AS capability,
           p.prosecdef AS security_definer
      FROM members m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
      JOIN pg_namespace n ON n.oid = p.pronamespace),
relations AS (
    SELECT c.relname AS name, CASE WHEN c.relkind = 'v' THEN 'view' ELSE 'table' END AS kind,
           obj_description(c.oid, 'pg_class') AS comment,
           (SELECT rc.capability FROM workitem.required_capability rc
             WHERE rc.object = 'workitem.' || c.relname) AS capability,
           (SELECT json_agg(json_build_object(
                       'name', a.attname, 'type', format_type(a.atttypid, a.atttypmod),
                       'not_null', a.attnotnull,
                       'comment', col_description(c.oid, a.attnum)) ORDER BY a.attnum)
              FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0
               AND NOT a.attisdropped) AS columns
      FROM members m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
     WHERE c.relkind IN ('r', 'p', 'v') AND NOT c.relispartition)
SELECT json_build_object(
    'version', (SELECT extversion FROM pg_extension WHERE extname = 'workitem'),
    'api_schema', (SELECT extnamespace::regnamespace::text FROM ext),
    'functions', (SELECT json_agg(f ORDER BY f.schema <> (SELECT extnamespace::regnamespace::text
                                                          FROM ext), f.name, f.arguments)
                    FROM functions f),
    'relations', (SELECT json_agg(r ORDER BY r.kind, r.name) FROM relations r))
"""


def read_catalog(psql, dsn):
    out = subprocess.run([psql, "-X", "-At", "-v", "ON_ERROR_STOP=1", "-d", dsn, "-c", CATALOG_QUERY],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def paragraphs(comment):
    """A comment as markdown: its lines joined, blank lines kept as paragraph breaks."""
    return "\n".join(line.rstrip() for line in comment.strip().splitlines())


def capability_line(capability, security_definer=None):
    parts = []
    if capability:
        parts.append(f"requires the `{capability}` capability")
    else:
        parts.append("granted to no role (called by the extension itself)")
    if security_definer is False:
        parts.append("runs as its caller")
    return "*" + "; ".join(parts).capitalize() + ".*"


def render_functions(functions, api_schema):
    lines = []
    by_name = {}
    for f in functions:
        by_name.setdefault((f["schema"], f["name"]), []).append(f)
    api = [key for key in by_name if key[0] == api_schema]
    internal = [key for key in by_name if key[0] != api_schema]
    for title, keys, intro in (
            ("The API", api,
             "The functions every client calls (schema `%s`, on the search path)." % api_schema),
            ("Functions of the `workitem` schema", internal,
             "Helpers of the API, the monitoring and the relay's dead letters; most are granted to "
             "no role and run only inside the API's functions.")):
        lines += [f"## {title}", "", intro, ""]
        lines += ["| function | capability |", "|---|---|"]
        for schema, name in keys:
            qualified = name if schema == api_schema else f"{schema}.{name}"
            capability = by_name[(schema, name)][0]["capability"] or "—"
            lines.append(f"| [`{qualified}`](#{anchor(qualified)}) | {capability} |")
        lines.append("")
        for schema, name in keys:
            qualified = name if schema == api_schema else f"{schema}.{name}"
            lines += [f"### {qualified}", ""]
            overloads = by_name[(schema, name)]
            lines.append("```")
            for f in overloads:
                lines.append(f"{qualified}({f['arguments']})")
                lines.append(f"    RETURNS {f['result']}")
            lines += ["```", "", capability_line(overloads[0]["capability"],
                                                overloads[0]["security_definer"]), ""]
            seen = set()
            for f in overloads:
                comment = f["comment"] or ""
                if comment and comment not in seen:
                    seen.add(comment)
                    lines += [paragraphs(comment), ""]
    return lines


def render_relations(relations):
    lines = ["## Tables and views", "",
             "Read through the views and the API; no role may write a table directly "
             "(docs/security.md). Row-level security shows each session its own tenant.", ""]
    for r in relations:
        qualified = f"workitem.{r['name']}"
        lines += [f"### {qualified} ({r['kind']})", ""]
        lines += [capability_line(r["capability"]).replace("Requires", "Readable with"), ""]
        if r["comment"]:
            lines += [paragraphs(r["comment"]), ""]
        lines += ["| column | type | notes |", "|---|---|---|"]
        for c in r["columns"] or []:
            notes = (c["comment"] or "").replace("\n", " ").replace("|", "\\|")
            if c["not_null"] and r["kind"] == "table":
                notes = "not null" + ("; " + notes if notes else "")
            lines.append(f"| `{c['name']}` | `{c['type']}` | {notes} |")
        lines.append("")
    return lines


def anchor(title):
    return "".join(ch for ch in title.lower() if ch.isalnum() or ch in "-_ ").replace(" ", "-")


def render(catalog):
    lines = [
        "# SQL reference",
        "",
        "<!-- Generated by tools/sql_reference.py from the COMMENT ONs of the install script;",
        "     edit the comments in extension/sql/parts/, then regenerate (tests/docs/sql_reference.sh). -->",
        "",
        f"Every function, table and view of the extension, version {catalog['version']}, as the "
        "catalog describes it. How the parts fit together: [domain.md](domain.md) (the "
        "contract), [interfaces.md](interfaces.md) (the SQL API by task), "
        "[security.md](security.md) (capabilities and grants), [events.md](events.md).",
        "",
    ]
    lines += render_functions(catalog["functions"] or [], catalog["api_schema"])
    lines += render_relations(catalog["relations"] or [])
    return "\n".join(lines).rstrip("\n") + "\n"


def uncommented(catalog):
    missing = [f"function {f['schema']}.{f['name']}({f['arguments']})"
               for f in catalog["functions"] or [] if not (f["comment"] or "").strip()]
    missing += [f"{r['kind']} workitem.{r['name']}"
                for r in catalog["relations"] or [] if not (r["comment"] or "").strip()]
    return missing


def main(argv):
    if len(argv) not in (3, 5) or (len(argv) == 5 and argv[3] != "--check"):
        print(__doc__, file=sys.stderr)
        return 2
    catalog = read_catalog(argv[1], argv[2])
    text = render(catalog)
    if len(argv) == 3:
        sys.stdout.write(text)
        return 0
    failed = False
    for what in uncommented(catalog):
        print(f"no COMMENT ON for {what}")
        failed = True
    with open(argv[4], encoding="utf-8") as f:
        if f.read() != text:
            print(f"{argv[4]} is not what tools/sql_reference.py writes: regenerate it")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
