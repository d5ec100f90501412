#!/usr/bin/env bash
# Fails on a reference to the project's documentation that does not resolve, anywhere in the tree
# (code, SQL, tests, scripts, docs):
#   - a section reference `<name>.md §N` (also `§N, §M` after it): the file must exist and have a
#     heading numbered N (`## N. ...`). A bare name (`domain.md`) is looked up in docs/, then at
#     the top of the tree, then beside the citing file; every `§N` belongs to the nearest `.md`
#     before it on the same line;
#   - a heading reference `<name>.md, "Heading"` (quoted) or `<name>.md, Heading` (a capitalised
#     word): the file must have a heading that begins so;
#   - a path to a markdown file that starts at a top-level folder of the tree
#     (`docs/security.md`, `bench/README.md`): the file must exist;
#   - a relative link in a markdown file, outside code (`[text](events.md#retention)`): the file
#     must exist beside the linking file, and an anchor must name one of its headings (GitHub's
#     rule: lower case, punctuation dropped, spaces as hyphens);
#   - in the docs (docs/*.md, README.md, bench/README.md), code blocks included, a path into the
#     repository that starts at one of extension/, client/, tests/, sql/, scripts/, bench/,
#     examples/ (`extension/pg/transition/single.cpp`, `tests/docs/`): the file or folder must
#     exist. A path with a placeholder or a glob (`<`, `*`, `{`, `$`) names no one file and is
#     skipped, and so is a markdown file (checked above, everywhere).
# Usage: tests/docs/check_links.sh [tree]   (default: the tree this script is in)
# Prints each broken reference as file:line: what, then "docs: N passed, N failed".
set -euo pipefail
export LC_ALL=C

root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$root"

# The files to read: the tracked text files (a copy without .git: every text file but builds).
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files --cached --others --exclude-standard)
else
  mapfile -t files < <(find . -path ./.git -prune -o -path ./.local -prune -o -type f -print |
                       sed 's|^\./||' | grep -Ev '(^|/)(build[^/]*|results|tmp_check[^/]*|output_iso)/|\.(o|so|d)$')
fi
mapfile -t files < <(printf '%s\n' "${files[@]}" | while IFS= read -r f; do [ -f "$f" ] && echo "$f"; done |
                     xargs -r grep -Il . 2>/dev/null || true)
top_dirs=$(find . -mindepth 1 -maxdepth 1 -type d ! -name '.*' -printf '%f|' | sed 's/|$//')

awk -v top_dirs="$top_dirs" '
# Whether a file or a folder exists.
function exists_any(path,    r) {
  if (path in exist_any_cache) return exist_any_cache[path]
  r = (system("test -e \"" path "\"") == 0)
  exist_any_cache[path] = r
  return r
}
function exists(path,    r) {
  if (path in exist_cache) return exist_cache[path]
  r = (system("test -f \"" path "\"") == 0)
  exist_cache[path] = r
  return r
}
function dir_of(file) { return (file ~ /\//) ? substr(file, 1, match(file, /\/[^\/]*$/) - 1) "/" : "" }
# Collapses "a/b/../c" and "./" in a relative path.
function normal(path,    parts, n, i, out, k, stack) {
  n = split(path, parts, "/"); k = 0
  for (i = 1; i <= n; i++) {
    if (parts[i] == "." || parts[i] == "") continue
    if (parts[i] == ".." && k > 0 && stack[k] != "..") { k--; continue }
    stack[++k] = parts[i]
  }
  out = ""
  for (i = 1; i <= k; i++) out = out (i > 1 ? "/" : "") stack[i]
  return out
}
# Where a mention of a markdown file from `file` points ("" when nowhere).
function resolve(name, file) {
  if (name ~ /\//) {
    if (exists(normal(name))) return normal(name)
    if (exists(normal(dir_of(file) name))) return normal(dir_of(file) name)
    return ""
  }
  if (exists("docs/" name)) return "docs/" name
  if (exists(name)) return name
  if (exists(dir_of(file) name)) return dir_of(file) name
  return ""
}
function slug(text,    s) {
  s = tolower(text)
  gsub(/[^a-z0-9 _-]/, "", s)
  gsub(/ /, "-", s)
  return s
}
# Reads the headings of a markdown file once: numbers, texts (lower case) and anchors.
function load_headings(path,    line, in_code, text, number, n) {
  if (path in loaded) return
  loaded[path] = 1
  in_code = 0
  while ((getline line < path) > 0) {
    if (line ~ /^[ ]*(```|~~~)/) { in_code = !in_code; continue }
    if (in_code || line !~ /^#+ /) continue
    text = line
    sub(/^#+ +/, "", text)
    sub(/ +#* *$/, "", text)
    heading_text[path, ++heading_count[path]] = tolower(text)
    if (match(text, /^[0-9]+(\.[0-9]+)*\.? /)) {
      number = substr(text, 1, RLENGTH - 1); sub(/\.$/, "", number)
      has_number[path, number] = 1
    }
    n = slug(text)
    if ((path, n) in anchor_seen) anchor_seen[path, n]++; else anchor_seen[path, n] = 0
    has_anchor[path, anchor_seen[path, n] ? n "-" anchor_seen[path, n] : n] = 1
  }
  close(path)
}
function has_heading_starting(path, prefix,    i) {
  load_headings(path)
  prefix = tolower(prefix)
  for (i = 1; i <= heading_count[path]; i++)
    if (index(heading_text[path, i], prefix) == 1) return 1
  return 0
}
function broken(what) { failed++; printf "%s:%d: %s\n", FILENAME, FNR, what }
function ok() { passed++ }

FNR == 1 {
  in_code = 0
  is_markdown = (FILENAME ~ /\.md$/)
  is_doc = (FILENAME ~ /^docs\/[^\/]*\.md$/ || FILENAME == "README.md" || FILENAME == "bench/README.md")
}
FILENAME == "tests/docs/check_links.sh" { next }   # its own examples

{
  line = $0

  # Section and heading references: every .md name, and what follows it.
  doc = ""; rest = line
  while (match(rest, /[A-Za-z0-9_.\/-]*[A-Za-z0-9_-]\.md|§[0-9]+(\.[0-9]+)*/)) {
    token = substr(rest, RSTART, RLENGTH)
    after = substr(rest, RSTART + RLENGTH)
    rest = after
    if (token ~ /\.md$/) {
      doc = token
      target = ""
      sub(/^`/, "", after)
      # <name>.md, "Heading" / <name>.md, Heading
      if (match(after, /^,? "[^"]+"/)) {
        quoted = substr(after, 1, RLENGTH); sub(/^,? "/, "", quoted); sub(/"$/, "", quoted)
        target = resolve(doc, FILENAME)
        if (target == "") broken("no such file: " doc)
        else if (has_heading_starting(target, quoted)) ok()
        else broken(target " has no heading \"" quoted "\"")
      } else if (match(after, /^, [A-Z][A-Za-z-]+/) && doc ~ /^docs\//) {
        word = substr(after, 3, RLENGTH - 2)
        target = resolve(doc, FILENAME)
        if (target == "") broken("no such file: " doc)
        else if (has_heading_starting(target, word)) ok()
        else broken(target " has no heading beginning \"" word "\"")
      }
      continue
    }
    # §N: belongs to the nearest .md before it on the line.
    if (doc == "") continue
    number = substr(token, 3)
    target = resolve(doc, FILENAME)
    if (target == "") { broken("no such file: " doc " (cited as " doc " " token ")"); continue }
    load_headings(target)
    if ((target, number) in has_number) ok()
    else broken(target " has no section " number " (cited as " doc " " token ")")
  }

  # Paths to markdown files from a top-level folder: docs/x.md, bench/README.md.
  rest = line
  while (match(rest, "(^|[^A-Za-z0-9_./$-])(" top_dirs ")/[A-Za-z0-9_./-]*[A-Za-z0-9_-]\\.md")) {
    path = substr(rest, RSTART, RLENGTH)
    rest = substr(rest, RSTART + RLENGTH)
    sub(/^[^A-Za-z0-9_.]/, "", path)
    if (exists(path)) ok(); else broken("no such file: " path)
  }

  # Paths into the repository named by the docs: extension/pg/transition/single.cpp, tests/docs/.
  if (is_doc) {
    rest = line
    while (match(rest, "(^|[^A-Za-z0-9_./$<>{}*-])(extension|client|tests|sql|scripts|bench|examples)/[A-Za-z0-9_./$<>{}*+=@-]*")) {
      path = substr(rest, RSTART, RLENGTH)
      rest = substr(rest, RSTART + RLENGTH)
      sub(/^[^A-Za-z0-9_.]/, "", path)
      sub(/[.,:;-]+$/, "", path)
      if (path ~ /[<*{$]/ || path ~ /\.md$/) continue
      if (exists_any(path)) ok(); else broken("no such path: " path)
    }
  }

  # Relative links in markdown, outside code blocks and code spans.
  if (!is_markdown) next
  if (line ~ /^[ ]*(```|~~~)/) { in_code = !in_code; next }
  if (in_code) next
  gsub(/`[^`]*`/, "", line)
  rest = line
  while (match(rest, /\]\([^) ]+\)/)) {
    link = substr(rest, RSTART + 2, RLENGTH - 3)
    rest = substr(rest, RSTART + RLENGTH)
    if (link ~ /^[a-z]+:/) continue          # http:, https:, mailto:
    anchor = ""
    if (index(link, "#") > 0) { anchor = substr(link, index(link, "#") + 1); link = substr(link, 1, index(link, "#") - 1) }
    target = link == "" ? FILENAME : normal(dir_of(FILENAME) link)
    if (!exists(target)) { broken("link to a missing file: " link); continue }
    if (anchor != "" && target ~ /\.md$/) {
      load_headings(target)
      if ((target, anchor) in has_anchor) ok(); else broken("link to a missing heading: " link "#" anchor)
      continue
    }
    ok()
  }
}

END {
  printf "docs: %d passed, %d failed\n", passed, failed
  exit failed > 0
}
' "${files[@]}"
