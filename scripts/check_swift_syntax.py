#!/usr/bin/env python3
"""Syntax check of Swift files with tree-sitter-swift (no Swift toolchain exists here).

    check_swift_syntax.py FILE_OR_DIR...

Parses every .swift file and reports each ERROR or MISSING node with its line and column;
exits 1 when any file has one. Syntax only: no types, no imports, no Sendable checks.

tree-sitter-swift 0.7.4 rejects two constructs that Swift accepts and UniFFI generates:
the `@_documentation(visibility: private)` attribute and the empty closure `{ () }`. Exactly
those are blanked before parsing (replaced by spaces, so lines and columns stay true).
"""
import pathlib
import re
import sys

import tree_sitter
import tree_sitter_swift

KNOWN_GAPS = [
    re.compile(r"@_documentation\(visibility:\s*private\)"),
    re.compile(r"(?<=let writeReturn = )\{ \(\) \}"),
]


def blank(text: str) -> str:
    for pattern in KNOWN_GAPS:
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return text


def problems(tree):
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            yield node
            continue
        stack.extend(node.children)


def main(args):
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_swift.language()))
    files = []
    for a in args:
        p = pathlib.Path(a)
        files.extend(sorted(p.rglob("*.swift")) if p.is_dir() else [p])
    if not files:
        print("check_swift_syntax: no Swift files given", file=sys.stderr)
        return 2
    bad = 0
    for f in files:
        tree = parser.parse(blank(f.read_text(encoding="utf-8")).encode("utf-8"))
        found = list(problems(tree))
        for node in found[:20]:
            line, col = node.start_point
            kind = "missing " + node.type if node.is_missing else "syntax error"
            print(f"{f}:{line + 1}:{col + 1}: {kind}")
        bad += bool(found)
    print(f"check_swift_syntax: {len(files)} files, {bad} with syntax errors")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
