"""The minifier that shrinks the widget script before it is served."""

from __future__ import annotations

from cxaudit.paths import WIDGETS_DIR
from cxaudit.widget import widget_script_bytes
from cxaudit.widget.minify import compact_css, minify, minify_and_rename


def test_comments_and_spaces_removed():
    source = "// line\nconst a = 1; /* block */\nfunction f(x) {\n  return x + 1;\n}\n"

    assert minify(source) == "const a=1;function f(x){return x+1}\n"


def test_strings_templates_and_regexes_kept():
    source = 'const s = "a  // b";\nconst t = `x ${ y + "}" }  z`;\nconst r = /[/ ]+ \\//g;\nconst q = a / b / c;\n'

    result = minify(source)

    assert '"a  // b"' in result
    assert '`x ${ y + "}" }  z`' in result
    assert "/[/ ]+ \\//g" in result
    assert "a/b/c" in result


def test_trailing_commas_dropped_but_holes_kept():
    assert minify("f(a, b,);\nconst o = { a: 1, };\nconst h = [1, ,];") == "f(a,b);const o={a:1};const h=[1,,];\n"


def test_unary_signs_stay_apart():
    assert minify("x = a + +b - -c;") == "x=a+ +b- -c;\n"


def test_names_renamed_inside_templates():
    source = "function longName(x) { return x; }\nconst t = `${await longName(1)} ${longName(2)}`;"

    result = minify_and_rename(source)

    assert "longName" not in result
    assert "${await $a(1)} ${$a(2)}" in result


def test_booleans_shortened_outside_strings():
    result = minify_and_rename('const flag = true; const other = false; const text = "true";')

    assert "=!0;" in result
    assert "=!1;" in result
    assert '"true"' in result


def test_styles_compacted():
    assert compact_css(".a ,\n .b > c {\n  color: red;\n  margin: 0 1px;\n}\n") == ".a,.b>c{color:red;margin:0 1px}"


def test_served_script_is_smaller_and_keeps_global(app):
    with app.app_context():
        served = widget_script_bytes()
    assert b"window.cxaudit=cxaudit;" in served
    assert b"/*" not in served
    assert len(served) < 0.8 * len((WIDGETS_DIR / "v1.js").read_bytes())
