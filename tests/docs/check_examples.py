#!/usr/bin/env python3
"""Usage: check_examples.py SOURCE_DIR PAGE...

The code of the documentation pages is the examples' own: each block that follows a line
`<!-- example: FILE -->` must appear in FILE (relative to SOURCE_DIR) as it is, line for line, so that
the examples, which the build compiles and the tests run, compile the pages' code too."""
import pathlib
import re
import sys

source = pathlib.Path(sys.argv[1])
failed = 0
checked = 0
for page in sys.argv[2:]:
    text = (source / page).read_text()
    for match in re.finditer(r"<!-- example: (\S+) -->\n```[a-z]*\n(.*?)```", text, re.S):
        checked += 1
        example = (source / match.group(1)).read_text()
        if match.group(2) not in example:
            line = text.count("\n", 0, match.start()) + 1
            print(f"{page}:{line}: this block is not in {match.group(1)} as it stands", file=sys.stderr)
            failed = 1
if checked == 0:
    print("docs: no example blocks found", file=sys.stderr)
    failed = 1
print(f"docs: {checked} blocks, each in its example" if not failed else "docs: blocks differ from their examples")
sys.exit(failed)
