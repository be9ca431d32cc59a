#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The options the tinymlp tool accepts and the options docs/cli.md
documents are the same set, and so are the commands.

The tool's side: the output of `tinymlp --help` and of `tinymlp COMMAND
--help` for every command that lists. The doc's side: every word of
docs/cli.md that looks like an option (`--name` or `-x`, not part of a
longer word such as he-uniform), outside code blocks or on a tinymlp
command line in one, and every `tinymlp COMMAND`. An option that lists its
values (--scale none|minmax|standard) lists the same ones on both sides.

Usage: check_options.py TINYMLP [DOC]   (DOC defaults to docs/cli.md)
Prints what differs and exits 1, or one line and exits 0."""

import os
import re
import subprocess
import sys

OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*|-[a-z])(?![\w-])")
COMMAND_LINE = re.compile(r"^  ([a-z][a-z-]*) ")  # "  train      MODEL.tmlp ..." in --help
DOC_COMMAND = re.compile(r"\btinymlp ([a-z][a-z-]*)\b")
UNKNOWN = re.compile(r"unknown option --?[a-z][a-z0-9-]*")
CHOICES = re.compile(r"(--[a-z][a-z0-9-]*) ([a-z0-9_-]+(?:\|[a-z0-9_-]+)+)")  # --loss ce|mse|bce


def help_text(tool, *args):
    r = subprocess.run([tool, *args, "--help"], capture_output=True, text=True)
    if r.returncode != 0 or r.stderr:
        sys.exit("check_options: %s --help: exit %d, stderr %r" % (" ".join([tool, *args]),
                                                                  r.returncode, r.stderr))
    return r.stdout


def tool_lines(doc):
    """The doc without the lines of its code blocks that are not tinymlp
    command lines (awk -F, cc -O2) or their continuations."""
    kept, in_code, continued = [], False, False
    for line in doc.splitlines():
        if line.startswith("```"):
            in_code, continued = not in_code, False
            continue
        if in_code:
            command = continued or re.match(r"(\$ )?tinymlp ", line) is not None
            continued = command and line.rstrip().endswith("\\")
            if not command:
                continue
            line = line.split("#")[0]  # a shell comment
        kept.append(line)
    return "\n".join(kept)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    tool = sys.argv[1]
    doc = sys.argv[2] if len(sys.argv) == 3 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "cli.md")
    doc = os.path.normpath(doc)
    top = help_text(tool)
    listed = {m.group(1) for m in map(COMMAND_LINE.match, top.splitlines()) if m}
    texts = [top] + [help_text(tool, c) for c in sorted(listed)]
    accepted = {o for t in texts for o in OPTION.findall(t)}
    commands = listed | set(DOC_COMMAND.findall(top))  # "tinymlp help COMMAND" too
    with open(doc, encoding="utf-8") as f:
        # An example of an error names an option that does not exist.
        text = UNKNOWN.sub("", tool_lines(f.read()))
    documented = set(OPTION.findall(text))
    doc_commands = set(DOC_COMMAND.findall(text)) - {"model", "command"}
    failed = False
    # The values of an option that lists them (--scale none|minmax|standard)
    # are the same wherever it is written ("\|" in a Markdown table is "|").
    tool_choices = {(o, frozenset(v.split("|"))) for t in texts for o, v in CHOICES.findall(t)}
    doc_choices = {(o, frozenset(v.split("|"))) for o, v in CHOICES.findall(text.replace("\\|", "|"))}
    for o, values in sorted(tool_choices ^ doc_choices):
        print("check_options: %s %s: only in %s" % (o, "|".join(sorted(values)),
              "the tool's --help" if (o, values) in tool_choices else doc))
        failed = True
    for what, tool_set, doc_set in (("option", accepted, documented),
                                    ("command", commands, doc_commands)):
        for name in sorted(tool_set - doc_set):
            print("check_options: %s %s is accepted by the tool but not in %s" % (what, name, doc))
            failed = True
        for name in sorted(doc_set - tool_set):
            print("check_options: %s %s is in %s but not in the tool's --help" % (what, name, doc))
            failed = True
    if not commands or not accepted:
        print("check_options: no commands or options found in the tool's --help")
        failed = True
    if failed:
        return 1
    print("check_options: %d options of %d commands, in the tool's --help and in %s alike" %
          (len(accepted), len(commands), os.path.basename(doc)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
