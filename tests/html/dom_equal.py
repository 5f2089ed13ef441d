#!/usr/bin/env python3
"""Whether two HTML pages parse to the same document: the same elements, attributes and text.

    python3 tests/html/dom_equal.py BEFORE.html AFTER.html

Both pages are read as a token stream (Python's html.parser, character references
resolved): start tags with their attributes, end tags, and text, with neighbouring text
joined. A self-closing tag (`<path .../>`, which HTML honours inside SVG) counts as its start
and end tag, so `<path/>` equals `<path></path>`; `&middot;` equals `·`. Whitespace is
compared as it is. Exit 0: the same; 1: they differ (the first difference is printed);
2: could not run.
"""

import sys
from html.parser import HTMLParser


class Tokens(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tokens = []

    def text(self, data):
        if self.tokens and self.tokens[-1][0] == "text":
            self.tokens[-1] = ("text", self.tokens[-1][1] + data)
        else:
            self.tokens.append(("text", data))

    def handle_starttag(self, tag, attrs):
        self.tokens.append(("start", tag, tuple(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag):
        self.tokens.append(("end", tag))

    def handle_data(self, data):
        self.text(data)

    def handle_decl(self, decl):
        self.tokens.append(("decl", decl.lower()))

    def handle_comment(self, data):
        self.tokens.append(("comment", data))


def tokens(path):
    parser = Tokens()
    with open(path, encoding="utf-8") as f:
        parser.feed(f.read())
    parser.close()
    return parser.tokens


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    try:
        a, b = tokens(sys.argv[1]), tokens(sys.argv[2])
    except OSError as e:
        print(f"dom_equal: {e}", file=sys.stderr)
        return 2
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            print(f"dom_equal: token {i} differs:\n  {x!r}\n  {y!r}")
            return 1
    if len(a) != len(b):
        print(f"dom_equal: {len(a)} tokens against {len(b)}")
        return 1
    print(f"dom_equal: the same document ({len(a)} tokens)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
