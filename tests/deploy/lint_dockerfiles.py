#!/usr/bin/env python3
"""A small Dockerfile linter for the rules that matter here (there is no hadolint package):
every FROM names a pinned tag (not latest, not untagged; a stage name may be reused), the final
stage sets USER to someone other than root, no ADD fetches a URL, no ENV or ARG holds something
named like a secret, no COPY of a secrets folder, and every COPY --from names an earlier stage.
Usage: lint_dockerfiles.py <Dockerfile>... Prints file:line: problem; exits 1 on any."""
import re
import sys

SECRET_NAME = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY|API_KEY)", re.I)


def logical_lines(text):
    """Joins continuation lines; yields (line number, instruction text)."""
    buffer, start = "", None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if not buffer and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if start is None:
            start = number
        if line.endswith("\\"):
            buffer += line[:-1] + " "
            continue
        buffer += line
        yield start, buffer.strip()
        buffer, start = "", None


def lint(path):
    problems = []
    stages, users = [], {}
    with open(path) as handle:
        lines = list(logical_lines(handle.read()))
    for number, line in lines:
        instruction, _, rest = line.partition(" ")
        instruction = instruction.upper()
        words = rest.split()
        if instruction == "FROM":
            image = [w for w in words if not w.startswith("--")][0]
            alias = words[-1] if len(words) >= 3 and words[-2].upper() == "AS" else None
            if image not in [s for s in stages if s]:
                name, _, tag = image.rpartition(":") if ":" in image.split("/")[-1] else (image, "", "")
                if "@sha256:" not in image and (not tag or tag == "latest" or not re.search(r"\d", tag)):
                    problems.append((number, f"FROM {image}: pin a versioned tag (or a digest)"))
            stages.append(alias)
            users[len(stages) - 1] = None
        elif instruction == "USER":
            users[len(stages) - 1] = words[0] if words else ""
        elif instruction == "ADD" and re.search(r"\b(https?|ftp)://", rest):
            problems.append((number, "ADD of a URL: download in a RUN with a checksum, or COPY"))
        elif instruction in ("ENV", "ARG"):
            names = re.findall(r"([A-Za-z_][A-Za-z0-9_]*)(?:=|\s|$)", rest) if "=" in rest else words[:1]
            for name in names:
                if SECRET_NAME.search(name) and not name.upper().endswith("_FILE"):
                    problems.append((number, f"{instruction} {name}: no secret in the image; "
                                     "take a *_FILE at run time"))
        elif instruction == "COPY":
            source = [w for w in words if w.startswith("--from=")]
            if source:
                stage = source[0].split("=", 1)[1]
                if stage not in [s for s in stages if s] and not stage.isdigit():
                    problems.append((number, f"COPY --from={stage}: no earlier stage of that name"))
            if any(re.search(r"(^|/)(secrets?|\.env)(/|$)", w) for w in words if not w.startswith("--")):
                problems.append((number, "COPY of a secrets folder or .env file"))
    if not stages:
        problems.append((1, "no FROM"))
    else:
        final_user = users.get(len(stages) - 1)
        if final_user is None:
            problems.append((lines[-1][0], "the final stage sets no USER (it would run as root)"))
        elif final_user.split(":")[0] in ("root", "0"):
            problems.append((lines[-1][0], f"the final stage runs as {final_user}"))
    return problems


failed = False
for path in sys.argv[1:]:
    for number, text in lint(path):
        print(f"{path}:{number}: {text}")
        failed = True
sys.exit(1 if failed else 0)
