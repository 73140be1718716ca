#!/usr/bin/env python3
"""The layout rules of docs/adr/0014, checked on every CI run:

- no Rust source file over MAX lines (in-file `#[cfg(test)] mod tests { ... }` left out);
- no import circle between the files of a crate, counting `crate::`, `super::` and `self::`
  paths anywhere in a file, where a name that `lib.rs` or a `mod.rs` re-exports
  (`pub use a::b::{C, D}`) is resolved to the file that defines it, so a circle cannot hide
  behind a re-export.

usage: layout.py CRATES_DIR [MAX]   (exits 1 on any finding, printing each)
"""
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else "crates"
limit = int(sys.argv[2]) if len(sys.argv) > 2 else 800


def strip(text):
    """The text without comments, strings and in-file test modules."""
    text = re.sub(r"#\[cfg\(test\)\]\s*mod tests\s*\{.*", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r'r#*"(?:.|\n)*?"#*', '""', text)
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)
    return text


def use_trees(s, i, prefix, out):
    """Parses a path or use-tree at s[i:]; appends each full path to out; returns the end."""
    path = list(prefix)
    while i < len(s):
        rest = s[i:]
        if rest.lstrip().startswith("{"):
            i = s.index("{", i) + 1
            while True:
                i = use_trees(s, i, path, out)
                m = re.match(r"\s*([,}])", s[i:])
                if not m:
                    return i
                i += m.end()
                if m.group(1) == "}":
                    return i
                if s[i:].lstrip().startswith("}"):
                    return s.index("}", i) + 1
        m = re.match(r"\s*(\w+)\s*(::)?", rest)
        if not m:
            out.append(path)
            return i
        path = path + [m.group(1)]
        i += m.end()
        if not m.group(2):
            out.append(path)
            return i
    out.append(path)
    return i


def module_path(src, f):
    rel = os.path.relpath(f, src)[:-3].split(os.sep)
    if rel[-1] in ("mod", "lib", "main"):
        rel = rel[:-1]
    return rel


def file_of(src, parts):
    """The file of the longest prefix of parts that names a module, and what is left."""
    for n in range(len(parts), -1, -1):
        base = os.path.join(src, *parts[:n]) if n else None
        cands = (
            [base + ".rs", os.path.join(base, "mod.rs")]
            if base
            else [os.path.join(src, "lib.rs"), os.path.join(src, "main.rs")]
        )
        for c in cands:
            if os.path.isfile(c):
                return c, parts[n:]
    return None, parts


findings = []
for crate in sorted(os.listdir(root)):
    src = os.path.join(root, crate, "src")
    if not os.path.isdir(src):
        continue
    files = sorted(
        os.path.join(d, f) for d, _, fs in os.walk(src) for f in fs if f.endswith(".rs")
    )
    texts = {}
    for f in files:
        with open(f, encoding="utf-8", errors="replace") as fh:
            raw = fh.read()
        body = re.sub(r"#\[cfg\(test\)\]\s*mod tests\s*\{.*", "", raw, flags=re.S)
        n = body.count("\n") + 1
        if n > limit:
            findings.append(f"over {limit} lines: {os.path.relpath(f, root)} ({n})")
        texts[f] = strip(raw)

    # Re-exports of hub files (lib.rs, main.rs, mod.rs): name -> the path it stands for.
    reexports = {}
    for f in files:
        if os.path.basename(f) not in ("lib.rs", "main.rs", "mod.rs"):
            continue
        here = module_path(src, f)
        for m in re.finditer(r"\bpub(?:\([^)]*\))?\s+use\s+", texts[f]):
            paths = []
            use_trees(texts[f], m.end(), [], paths)
            for p in paths:
                if not p:
                    continue
                if p[0] == "crate":
                    target = p[1:]
                elif p[0] == "self":
                    target = here + p[1:]
                elif p[0] == "super":
                    target = here[:-1] + p[1:]
                elif os.path.isfile(os.path.join(src, *(here + [p[0]])) + ".rs") or os.path.isdir(
                    os.path.join(src, *(here + [p[0]]))
                ):
                    target = here + p
                else:
                    continue  # another crate
                reexports[tuple(here + [p[-1]])] = target

    def resolve(parts, depth=0):
        f, rest = file_of(src, parts)
        if f and rest and depth < 8 and os.path.basename(f) in ("lib.rs", "main.rs", "mod.rs"):
            key = tuple(module_path(src, f) + [rest[0]])
            if key in reexports:
                return resolve(reexports[key] + rest[1:], depth + 1)
        return f

    graph = {f: set() for f in files}
    for f in files:
        here = module_path(src, f)
        for m in re.finditer(r"\b(crate|super|self)::", texts[f]):
            paths = []
            use_trees(texts[f], m.end(), [], paths)
            for p in paths:
                # A file's module path is its own (a/b.rs is a::b, a/mod.rs is a):
                # `super` is the parent module, `self` the module itself.
                base = {"crate": [], "super": here[:-1], "self": here}[m.group(1)]
                t = resolve(base + [x for x in p if x != "self"])
                if t and t != f and os.path.basename(t) not in ("lib.rs", "main.rs"):
                    graph[f].add(t)

    # Strongly connected components (Tarjan), iteratively.
    index, low, stack, on, comps, counter = {}, {}, [], set(), [], [0]

    def connect(v):
        work = [(v, iter(sorted(graph[v])))]
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        while work:
            node, it = work[-1]
            nxt = next(it, None)
            if nxt is not None:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter[0]
                    counter[0] += 1
                    stack.append(nxt)
                    on.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                elif nxt in on:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1:
                    comps.append(comp)

    for v in files:
        if v not in index:
            connect(v)
    for comp in comps:
        names = " <-> ".join(sorted(os.path.relpath(c, src) for c in comp))
        findings.append(f"import circle in {crate}: {names}")

# Handlers take forms and JSON bodies from extractors (ADR 0014): outside the page kit and
# the session module, the form parser, the CSRF check and the JSON parser appear only in
# `impl FromRequest` blocks, never in a handler.
web = os.path.join(root, "web", "src")
if os.path.isdir(web):
    for d, _, fs in os.walk(web):
        for name in fs:
            f = os.path.join(d, name)
            rel = os.path.relpath(f, web)
            if not name.endswith(".rs") or rel.startswith("kit" + os.sep) or rel == "auth.rs":
                continue
            lines = strip(open(f, encoding="utf-8", errors="replace").read()).split("\n")
            for i, line in enumerate(lines):
                if not re.search(r"Fields::parse\(|check_csrf\(|same_secret\(|from_slice\(", line):
                    continue
                owner = next(
                    (lines[j] for j in range(i, -1, -1) if re.match(r"(pub(\([^)]*\))? )?(async )?fn |impl", lines[j])),
                    "",
                )
                if not (owner.startswith("impl") and "FromRequest" in owner):
                    findings.append(f"a handler reads its own body: web/src/{rel}:{i + 1}")

for line in findings:
    print(line)
print(f"layout: {len(findings)} findings (files over {limit} lines, import circles)")
sys.exit(1 if findings else 0)
