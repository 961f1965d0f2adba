"""Shrinks the widget script before it is served: the comments, indentation
and spaces that make ``widgets/v1.js`` readable cost every host page bytes.

This is not a general JavaScript minifier. It tokenizes just enough of the
language to leave strings, template literals and regular expressions alone,
and relies on rules the widget source keeps: every statement ends with a
semicolon (so no line break is needed for automatic semicolon insertion), and
the style sheet is the one template literal named ``STYLES``, with no
``${...}`` in it.
"""

from __future__ import annotations

import re

IDENTIFIER_CHARS = re.compile(r"[A-Za-z0-9_$]")
# After these characters a "/" starts a regular expression, not a division.
BEFORE_REGEX = set("(,=:[!&|?{};+-*%<>~^")
STYLES_LITERAL = re.compile(r"(const STYLES = `)(.*?)(`;)", re.S)


def compact_css(css: str) -> str:
    """Drop the line breaks and the spaces around CSS punctuation."""
    text = re.sub(r"\s+", " ", css).strip()
    text = re.sub(r"\s*([{};,>])\s*", r"\1", text)
    text = re.sub(r":\s+", ":", text)
    # The sibling combinator only: inside a declaration block (the next brace
    # is "}") a "+" may be calc()'s operator, which needs its spaces.
    text = re.sub(r"\s+\+\s+(?![^{]*})", "+", text)
    # "0.5em" and ".5em" are the same value.
    text = re.sub(r"(?<![\w.])0\.(\d)", r".\1", text)
    # A space after ":" inside selectors such as ":host(...)" never occurs, but
    # the media query "(max-width: 30em)" loses its space harmlessly.
    return text.replace(";}", "}")


def skip_quoted(source: str, start: int) -> int:
    """Return the index just past the string or template literal opening at ``start``."""
    quote = source[start]
    index = start + 1
    depth = 0
    while index < len(source):
        char = source[index]
        if char == "\\":
            index += 2
            continue
        if quote == "`" and source.startswith("${", index):
            depth += 1
            index += 2
            continue
        if quote == "`" and depth and char == "}":
            depth -= 1
        elif char == quote and not depth:
            return index + 1
        index += 1
    raise ValueError(f"unterminated string starting at {start}")


def skip_regex(source: str, start: int) -> int:
    index = start + 1
    in_class = False
    while index < len(source):
        char = source[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "/" and not in_class:
            index += 1
            while index < len(source) and IDENTIFIER_CHARS.match(source[index]):
                index += 1
            return index
        index += 1
    raise ValueError(f"unterminated regular expression starting at {start}")


def minify(source: str) -> str:
    """Return ``source`` without comments and without whitespace that no token needs."""
    source = STYLES_LITERAL.sub(lambda match: match.group(1) + compact_css(match.group(2)) + match.group(3), source)
    out: list[str] = []
    index = 0
    pending_space = False

    def last_char() -> str:
        return out[-1][-1] if out else ""

    while index < len(source):
        char = source[index]
        if char.isspace():
            pending_space = True
            index += 1
            continue
        if source.startswith("//", index):
            index = source.find("\n", index)
            index = len(source) if index == -1 else index
            continue
        if source.startswith("/*", index):
            index = source.index("*/", index) + 2
            pending_space = True
            continue
        if pending_space and IDENTIFIER_CHARS.match(last_char() or " ") and IDENTIFIER_CHARS.match(char):
            out.append(" ")
        elif pending_space and last_char() in "+-" and char == last_char():
            # "a + +b" must not become "a++b".
            out.append(" ")
        pending_space = False
        if char == "}" and out and out[-1] == ";":
            # The last statement of a block needs no semicolon. The widget
            # source has no empty statement (a lone ";") before a "}".
            out.pop()
        if char in "})" and out and out[-1] == ",":
            # A trailing comma in an object, a call or parameters changes
            # nothing. Before "]" it could end an array hole, so it stays.
            out.pop()
        if char in "'\"`":
            end = skip_quoted(source, index)
        elif char == "/" and (last_char() in BEFORE_REGEX or not out):
            end = skip_regex(source, index)
        else:
            end = index + 1
        out.append(source[index:end])
        index = end
    return "".join(out) + "\n"


IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")
DECLARED_NAME = re.compile(r"\b(?:const|let|function)\s+([A-Za-z_$][\w$]*)")


def string_texts(code: str) -> list[str]:
    """Return the literal text of every string and template (without ``${...}``)."""
    texts = []
    for match in re.finditer(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"|`(?:\\.|[^`\\])*`", code):
        texts.append(re.sub(r"\$\{[^}]*\}", " ", match.group(0)))
    return texts


def renamable_names(code: str) -> list[str]:
    """Return the declared names that only ever stand as plain identifiers.

    A name is left alone when it is read as a property (``.name``), written
    as an object key (``{name:`` or shorthand ``{name}``), or occurs in the
    text of a string, because renaming would change what the code means."""
    texts = " ".join(string_texts(code))
    names = []
    for name in sorted(set(DECLARED_NAME.findall(code))):
        word = re.escape(name)
        if (
            re.search(rf"\.\s*{word}\b", code)
            or re.search(rf"[{{,]\s*{word}\s*[:,}}]", code)
            or re.search(rf"(?<![\w$]){word}(?![\w$])", texts)
        ):
            continue
        names.append(name)
    return names


def short_names():
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for first in letters:
        yield "$" + first
    for first in letters:
        for second in letters:
            yield "$" + first + second


def rename_identifiers(code: str, mapping: dict[str, str]) -> str:
    """Replace each identifier token of ``code`` found in ``mapping``, also
    inside template substitutions, but never after a dot or inside a string."""
    out: list[str] = []
    index = 0

    def previous_char() -> str:
        text = "".join(out[-2:]).rstrip()
        return text[-1] if text else ""

    def copy_expression(start: int) -> int:
        # Copies a ${...} substitution, renaming inside it; returns the index after "}".
        depth = 0
        position = start
        while True:
            char = code[position]
            if char in "'\"`":
                end = skip_quoted(code, position)
                out.append(rename_identifiers(code[position:end], mapping) if char == "`" else code[position:end])
                position = end
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                if depth == 0:
                    out.append(char)
                    return position + 1
                depth -= 1
            # An identifier starts here unless the character just copied
            # continues one; "await name" must rename "name".
            inside_word = bool(out) and IDENTIFIER_CHARS.match(out[-1][-1]) is not None
            match = None if inside_word else IDENTIFIER.match(code, position)
            if match and previous_char() != ".":
                out.append(mapping.get(match.group(0), match.group(0)))
                position = match.end()
                continue
            out.append(char)
            position += 1

    while index < len(code):
        char = code[index]
        if char in "'\"":
            end = skip_quoted(code, index)
            out.append(code[index:end])
            index = end
        elif char == "`":
            out.append(char)
            index += 1
            while code[index] != "`":
                if code[index] == "\\":
                    out.append(code[index : index + 2])
                    index += 2
                elif code.startswith("${", index):
                    out.append("${")
                    index = copy_expression(index + 2)
                else:
                    out.append(code[index])
                    index += 1
            out.append("`")
            index += 1
        elif char == "/" and previous_char() in BEFORE_REGEX and not code.startswith("//", index):
            end = skip_regex(code, index)
            out.append(code[index:end])
            index = end
        elif IDENTIFIER_CHARS.match(char) and not char.isdigit():
            match = IDENTIFIER.match(code, index)
            name = match.group(0)
            out.append(name if previous_char() == "." else mapping.get(name, name))
            index = match.end()
        elif char.isdigit():
            match = re.compile(r"[\w.]+").match(code, index)
            out.append(match.group(0))
            index = match.end()
        else:
            out.append(char)
            index += 1
    return "".join(out)


def minify_and_rename(source: str) -> str:
    """Minify ``source`` and give its internal names short ones."""
    code = minify(source)
    mapping = dict(zip(renamable_names(code), short_names()))
    # Write true and false as !0 and !1, the shortest expressions with the
    # same values. The widget source never reads a property of either
    # literal, where "!0.x" would misparse.
    mapping.update({"true": "!0", "false": "!1"})
    return rename_identifiers(code, mapping)
