"""Checks that README.md shows the snippets of examples/readme exactly as they are built and run.

A code block in the README preceded by the line `<!-- examples/readme/FILE -->` must equal that
file byte for byte; every file of this folder with a snippet's extension must be shown once."""
import pathlib
import re
import sys

readme = pathlib.Path(sys.argv[1])
folder = pathlib.Path(__file__).resolve().parent
text = readme.read_text(encoding="utf-8")
shown = re.findall(r"<!-- (examples/readme/[\w.]+) -->\n```\w*\n(.*?)```", text, re.S)
failures = []
for name, block in shown:
    path = readme.parent / name
    if not path.exists():
        failures.append(f"{name}: no such file")
    elif path.read_text(encoding="utf-8") != block:
        failures.append(f"{name}: the README shows it differently; copy the file into the README")
expected = {f"examples/readme/{p.name}" for p in folder.iterdir() if p.suffix in (".cpp", ".c", ".py")
            and p.name != "check_readme.py"}
missing = expected - {name for name, _ in shown}
failures += [f"{name}: not shown in the README" for name in sorted(missing)]
for failure in failures:
    print(f"README.md: {failure}")
sys.exit(1 if failures else 0)
